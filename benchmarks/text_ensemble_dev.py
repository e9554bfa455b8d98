"""Development runs behind text_classification.py's ensemble size: one change of its first candidate at a time.

Every variant of :data:`VARIANTS` is ``text_classification.recurrent`` (the first candidate's settings,
:data:`FIXED` there, but one net unless the variant says otherwise) with the variant's overrides. Each is
fitted on the stratified 80/20 inner split (``text_classification.inner_split``, seed 0) of each of the
five outer training parts (``StratifiedKFold(5, shuffle=True, random_state=0)``) and scored on its 20 %.
The outer test parts are not scored; but an inner 20 % holds sentences that are outer test sentences of
*other* folds, which is why the results file of the benchmark says that its ensemble size was chosen on data
overlapping its outer test parts.
The variants of :data:`DEFAULT_VARIANTS` are pipelines that set only the embedding (and the ensemble size).

Prints, and appends to ``benchmarks/results/text_ensemble_dev.txt``, one line per variant: its name, the five
inner accuracies, their mean and the seconds taken. The committed file holds the lines of the run of
2026-12-02 (2 cores, one torch thread per process, two processes side by side)::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/text_ensemble_dev.py base,ens3,ens5,ens10,gru,gru_ens5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from seqforecast import RNNClassifier, TextTokenizer
from seqforecast.datasets import load_sentiment

sys.path.insert(0, str(Path(__file__).resolve().parent))
import text_classification as tc

NO_PUNCTUATION = r"\w+(?:'\w+)*"

#: name: (tokenizer overrides, classifier overrides) on top of the first candidate with one net.
VARIANTS = {
    "base": ({}, {}),
    "ens3": ({}, {"ensemble_size": 3}),
    "ens5": ({}, {"ensemble_size": 5}),
    "ens10": ({}, {"ensemble_size": 10}),
    "gru": ({}, {"cell": "gru"}),
    "gru_ens5": ({}, {"cell": "gru", "ensemble_size": 5}),
    "small": ({}, {"hidden_size": 32, "embedding_dim": 64}),
    "wd": ({}, {"weight_decay": 1e-4}),
    "lr1e-3": ({}, {"lr": 1e-3}),
    "drop7": ({}, {"dropout": 0.7}),
    "bs16": ({}, {"batch_size": 16}),
    "nopunct": ({"token_pattern": NO_PUNCTUATION}, {}),
    "ens5_gru_nopunct": ({"token_pattern": NO_PUNCTUATION}, {"cell": "gru", "ensemble_size": 5}),
}

#: name: RNNClassifier arguments of a pipeline ``make_pipeline(TextTokenizer(), RNNClassifier(...))`` that
#: leaves everything else at the defaults (what a user who sets only the embedding gets).
DEFAULT_VARIANTS = {
    "default": {"embedding_dim": 128},
    "default_one_net": {"embedding_dim": 128, "ensemble_size": 1},
}


def model(name):
    """The pipeline of variant ``name``, seed 0."""
    if name in DEFAULT_VARIANTS:
        return make_pipeline(TextTokenizer(), RNNClassifier(**DEFAULT_VARIANTS[name], random_state=0))
    tokenizer, classifier = VARIANTS[name]
    return tc.recurrent(tokenizer, {"ensemble_size": 1, **classifier}, 0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    names = [*VARIANTS, *DEFAULT_VARIANTS]
    parser.add_argument("variants", help=f"comma-separated names among {', '.join(names)}")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    frame = load_sentiment()
    X = np.array(frame["text"].tolist(), dtype=object)
    y = frame["label"].to_numpy()
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    out = tc.RESULTS / "text_ensemble_dev.txt"
    for name in args.variants.split(","):
        started = time.time()
        accuracies = []
        for train, _ in folds:
            fit, score = tc.inner_split(train, y)
            accuracies.append(tc.fit_score(model(name), X, y, fit, score, 0)[0])
        line = (
            f"{name} {' '.join(f'{a:.4f}' for a in accuracies)} mean {np.mean(accuracies):.4f} "
            f"{time.time() - started:.0f}s"
        )
        print(line, flush=True)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


if __name__ == "__main__":
    main()
