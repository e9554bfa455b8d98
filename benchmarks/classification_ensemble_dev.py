"""Development study, training splits only: does averaging the class probabilities of several default
``RNNClassifier`` nets (different seeds) beat one net?

The question behind ``RNNClassifier(ensemble_size="auto")``. The default net's test accuracy varies much with the
seed on small training sets (ArrowHead 0.583 to 0.754 over seeds 0-2, BasicMotions 0.925 to 1.0, in
``classification_defaults.md``); deep ensembles (Lakshminarayanan et al., 2017; InceptionTime, Ismail Fawaz et
al., 2020, averages 5 nets for that reason) trade that variance for fit time.

For each set: stratified k-fold cross-validation (shuffled, ``random_state=0``; 5 folds, 3 for the four slower
sets) on the official TRAIN split only; in each fold ``RNNClassifier(random_state=s)`` for each seed ``s`` is
fitted on the training folds and scored on the held-out fold. "single": the mean accuracy of the single nets;
"ensemble of k": the accuracy of the mean of the first ``k`` nets' ``predict_proba``. The test splits are never
read.

Run from the repository root::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/classification_ensemble_dev.py --data-dir DIR \
        --datasets ArrowHead BasicMotions --tag a

Writes ``benchmarks/results/classification_ensemble_dev[.tag].json`` and ``.md`` after each set;
``--merge a b`` combines tagged runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import StratifiedKFold

from seqforecast.estimators import RNNClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json
from classification_defaults import DATASETS, fetch, load

RESULTS = Path(__file__).resolve().parent / "results"
SLOW = ("ACSF1", "PLAID", "OSULeaf", "JapaneseVowels")


def _subset(X, index):
    return X[index] if isinstance(X, np.ndarray) else [X[i] for i in index]


def run_dataset(name, args, data_dir):
    X, y = load(name, "train", data_dir)
    y = np.asarray(y)
    folds = 3 if name in SLOW else 5
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    rows = []
    for fold, (train, held) in enumerate(cv.split(np.zeros(len(y)), y)):
        probas, singles, seconds = [], [], []
        for seed in args.seeds:
            start = time.perf_counter()
            clf = RNNClassifier(random_state=seed).fit(_subset(X, train), y[train])
            seconds.append(time.perf_counter() - start)
            proba = clf.predict_proba(_subset(X, held))
            probas.append(proba)
            singles.append(float(np.mean(clf.classes_[proba.argmax(axis=1)] == y[held])))
            classes = clf.classes_
        ensembles = {
            str(k): float(np.mean(classes[np.mean(probas[:k], axis=0).argmax(axis=1)] == y[held]))
            for k in range(2, len(args.seeds) + 1)
        }
        rows.append({"fold": fold, "single": singles, "ensemble": ensembles, "fit_seconds": seconds})
        print(f"{name} fold {fold}: single {singles}, ensembles {ensembles}, {sum(seconds):.0f} s", flush=True)
    single = float(np.mean([np.mean(r["single"]) for r in rows]))
    k_max = len(args.seeds)
    return {
        "n_train": len(y),
        "folds": folds,
        "single_mean": single,
        "ensemble_mean": {str(k): float(np.mean([r["ensemble"][str(k)] for r in rows])) for k in range(2, k_max + 1)},
        "fit_seconds_per_net": float(np.mean([s for r in rows for s in r["fit_seconds"]])),
        "rows": rows,
    }


def write_report(result, stem):
    write_json(RESULTS / f"{stem}.json", result)
    ks = sorted({int(k) for d in result["datasets"].values() for k in d["ensemble_mean"]})
    lines = [
        "# Seed ensembles of the default RNNClassifier: cross-validation on the training splits",
        "",
        "Stratified k-fold (shuffled, random_state=0) on the official TRAIN split only; test splits never read. "
        f"Seeds {result['seeds']}. single: mean accuracy of the single nets; ensemble of k: accuracy of the mean "
        "predict_proba of the first k nets.",
        "",
        "| dataset | n train | folds | single | " + " | ".join(f"ensemble of {k}" for k in ks) + " | s per net |",
        "|---|---|---|---|" + "---|" * len(ks) + "---|",
    ]
    for name, d in result["datasets"].items():
        ens = " | ".join(f"{d['ensemble_mean'][str(k)]:.3f}" for k in ks)
        lines.append(
            f"| {name} | {d['n_train']} | {d['folds']} | {d['single_mean']:.3f} | {ens} | "
            f"{d['fit_seconds_per_net']:.1f} |"
        )
    if result.get("note"):
        lines += ["", f"Decision: {result['note']}"]
    lines += ["", f"Commands: {result.get('commands') or result.get('command')}"]
    lines += ["", f"Machine and versions: {json.dumps(result['environment'])}", ""]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--cache", default="~/.cache/seqforecast-benchmarks/ucr")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tag", default="")
    parser.add_argument("--merge", nargs="+", default=None, metavar="TAG")
    parser.add_argument("--note", default=None, help="with --merge: the decision taken, written in the report")
    args = parser.parse_args()
    stem = "classification_ensemble_dev" + (f".{args.tag}" if args.tag else "")
    if args.merge:
        parts = [json.loads((RESULTS / f"classification_ensemble_dev.{t}.json").read_text()) for t in args.merge]
        merged = {**parts[0], "datasets": {k: v for p in parts for k, v in p["datasets"].items()}}
        merged["commands"] = [p.get("command") for p in parts]
        merged["note"] = args.note
        write_report(merged, "classification_ensemble_dev")
        return
    torch.set_num_threads(args.threads)
    data_dir = args.data_dir or fetch(args.cache)
    result = {"seeds": args.seeds, "command": " ".join(sys.argv), "environment": environment(), "datasets": {}}
    for name in args.datasets:
        result["datasets"][name] = run_dataset(name, args, data_dir)
        write_report(result, stem)


if __name__ == "__main__":
    main()
