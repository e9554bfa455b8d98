"""Does ``RNNClassifier``'s default ensemble on token ids (three nets, 0.7.0) hold on token data it was not chosen on?

The default was chosen on the sentiment sentences (``text_ensemble_dev.py``). Here the inputs are token ids of
another kind: the bundled univariate UCR sets (GunPoint, ItalyPowerDemand) turned into symbol sequences, SAX
style (Lin et al., 2003): each sequence z-normalised by its own mean and standard deviation, averaged over
:data:`SEGMENTS` equal segments, fewer when the sequence is shorter (piecewise aggregate approximation), and
each segment mean mapped to one of :data:`ALPHABET` symbols cut at the standard normal's quantiles. Nothing
here was tuned: the classifier is ``RNNClassifier(embedding_dim=16, random_state=seed)`` with everything else
at its defaults, against the same with ``ensemble_size=1``, fitted on the official TRAIN split and scored
once on TEST, seeds 0-2.

Writes ``benchmarks/results/token_ensemble_check.json`` and ``.md``. Run from the repository root (about 45
seconds on one torch thread)::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/token_ensemble_check.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy.stats import norm

from seqforecast import RNNClassifier
from seqforecast.datasets import load_ucr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, machine_lines, write_json

RESULTS = Path(__file__).resolve().parent / "results"
SEGMENTS = 30
ALPHABET = 8
DATASETS = ("GunPoint", "ItalyPowerDemand")
SEEDS = (0, 1, 2)


def symbols(X, segments=SEGMENTS, alphabet=ALPHABET):
    """SAX words of the univariate sequences ``X`` [n, T, 1]: int ids 0..alphabet-1 of shape [n, min(segments, T)]."""
    x = X[:, :, 0]
    segments = min(segments, x.shape[1])  # ItalyPowerDemand has 24 steps: one segment per step
    z = (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True)
    paa = np.stack([part.mean(axis=1) for part in np.array_split(z, segments, axis=1)], axis=1)
    cuts = norm.ppf(np.arange(1, alphabet) / alphabet)
    return np.searchsorted(cuts, paa)


def main():
    torch.set_num_threads(1)
    started = time.perf_counter()
    rows = []
    for name in DATASETS:
        X_train, y_train = load_ucr(name, "train")
        X_test, y_test = load_ucr(name, "test")
        T_train, T_test = symbols(X_train), symbols(X_test)
        for size in ("auto", 1):
            for seed in SEEDS:
                clf = RNNClassifier(embedding_dim=16, ensemble_size=size, random_state=seed)
                t0 = time.perf_counter()
                clf.fit(T_train, y_train)
                row = {
                    "dataset": name,
                    "ensemble_size": clf.config_["ensemble_size"],
                    "seed": seed,
                    "accuracy": float(clf.score(T_test, y_test)),
                    "fit_s": time.perf_counter() - t0,
                }
                rows.append(row)
                print(row, flush=True)
    payload = {
        "benchmark": "token_ensemble_check",
        "segments": SEGMENTS,
        "alphabet": ALPHABET,
        "seeds": list(SEEDS),
        "rows": rows,
        "total_s": time.perf_counter() - started,
        "load_average_1min_at_end": os.getloadavg()[0],
        **environment(),
    }
    write_json(RESULTS / "token_ensemble_check.json", payload)
    lines = [
        "# RNNClassifier's default ensemble on token ids it was not chosen on (SAX words of UCR sets)",
        "",
        f"`RNNClassifier(embedding_dim=16, random_state=seed)` on SAX words (up to {SEGMENTS} segments, {ALPHABET} "
        "symbols) of the official TRAIN split, scored on TEST; seeds 0-2. Nothing tuned.",
        "",
        "| dataset | nets | accuracy per seed | mean | mean fit s |",
        "|---|---|---|---|---|",
    ]
    for name in DATASETS:
        for size in sorted({r["ensemble_size"] for r in rows}, reverse=True):
            sel = [r for r in rows if r["dataset"] == name and r["ensemble_size"] == size]
            accs = ", ".join(f"{r['accuracy']:.3f}" for r in sel)
            lines.append(
                f"| {name} | {size} | {accs} | {np.mean([r['accuracy'] for r in sel]):.3f} | "
                f"{np.mean([r['fit_s'] for r in sel]):.1f} |"
            )
    lines += ["", *machine_lines(payload), ""]
    (RESULTS / "token_ensemble_check.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
