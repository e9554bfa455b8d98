"""Sequence classification on the four bundled UCR/UEA datasets: RNNClassifier against 1-NN DTW.

For each dataset (official train/test split, :func:`seqforecast.datasets.load_ucr`) the script runs, in the
same process and on the same machine:

* **1-NN DTW**: nearest neighbour under dynamic time warping, implemented here in numpy
  (:func:`dtw_many_to_many`): full window (no Sakoe-Chiba band), squared Euclidean point cost summed over
  the dimensions ("dependent" DTW, DTW_D, for the multivariate sets), on the data exactly as the archive
  gives it. This is the full-window ("DTW (w=100)") 1-NN DTW of the published tables.
* **RNNClassifier**, with settings chosen on the *training* split only: every candidate of
  :data:`CANDIDATES` is scored by stratified k-fold cross-validation on the training split (mean accuracy,
  ties broken by the lower validation cross-entropy); the winner is refitted on the whole training split
  with several seeds and scored once on the test split. The test split plays no part in the choice.
  Inputs are standardised per feature with training statistics. Training runs for a budget of optimizer
  steps (``--steps``), i.e. ``max_epochs = ceil(steps / batches per epoch)``, with a cosine learning-rate
  schedule, so small and large training sets get the same number of updates.

Both are put beside published accuracies (:data:`PUBLISHED`, with their sources), and the script writes
``benchmarks/results/classification.json`` and ``.md``: per-dataset accuracies, fit/predict seconds (wall
and CPU), the selection table, settings, seeds, machine, load averages and versions.

Run from the repository root::

    nice .venv/bin/python benchmarks/classification.py            # full run (selection + 3 seeds)
    nice .venv/bin/python benchmarks/classification.py --quick    # about a minute of CPU: no selection, 1 seed
    nice .venv/bin/python benchmarks/classification.py --datasets GunPoint --seeds 0 1

``--quick`` is a smoke run (150 steps: under-trained) and writes ``classification.quick.json`` / ``.md``,
so it never overwrites the full results.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import StratifiedKFold
from skorch.callbacks import LRScheduler

from seqforecast.datasets import UCR_DATASETS, load_ucr
from seqforecast.estimators import RNNClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json

RESULTS = Path(__file__).resolve().parent / "results"

# ---------------------------------------------------------------------------- published accuracies
SOURCES = {
    "lstm-fcn": "github.com/titu1994/LSTM-FCN, Results/train_loss_old_datasets.csv: the LSTM-FCN authors' "
    "results table (Karim et al., 2018, IEEE Access 6), columns 'LSTM-FCN' and '1-NN DTW'",
    "rocket": "github.com/angus924/rocket, results/results_ucr.csv: Dempster, Petitjean & Webb (2020), ROCKET, "
    "mean accuracy of 10 runs",
    "uea-2018": "Bagnall et al. (2018), The UEA multivariate time series classification archive, "
    "arXiv:1811.00075 (as quoted in the issue; the table was not found to check)",
}
#: Published test accuracies on the same official splits. ``reported``: the number as the source prints it;
#: ``confirmed``: whether it was checked against the source while writing this script.
PUBLISHED = {
    "ItalyPowerDemand": [
        {"model": "1-NN DTW", "accuracy": 0.950, "reported": "0.95", "source": "lstm-fcn", "confirmed": True},
        {"model": "ROCKET", "accuracy": 0.970, "reported": "0.96958212", "source": "rocket", "confirmed": True},
        {"model": "LSTM-FCN", "accuracy": 0.962, "reported": "0.9621", "source": "lstm-fcn", "confirmed": True},
    ],
    "GunPoint": [
        {"model": "1-NN DTW", "accuracy": 0.907, "reported": "0.907", "source": "lstm-fcn", "confirmed": True},
        {"model": "ROCKET", "accuracy": 1.000, "reported": "1.0", "source": "rocket", "confirmed": True},
        {"model": "LSTM-FCN", "accuracy": 1.000, "reported": "1", "source": "lstm-fcn", "confirmed": True},
    ],
    "BasicMotions": [
        {
            "model": "1-NN DTW",
            "accuracy": 0.975,
            "reported": None,
            "source": "uea-2018",
            "confirmed": False,
            "note": "dependent DTW (DTW_D)",
        },
    ],
    "JapaneseVowels": [
        {
            "model": "1-NN DTW",
            "accuracy": 0.959,
            "reported": None,
            "source": "uea-2018",
            "confirmed": False,
            "note": "dependent DTW (DTW_D) on the archive's equal-length version (the 2018 archive padded all "
            "series to one length); the bundled files keep the original lengths 7 to 29",
        },
    ],
}

# ---------------------------------------------------------------------------- RNNClassifier settings
#: Shared by every candidate.
#: The settings this benchmark was run with, every one the classifier's defaults now size from the data set
#: explicitly (no input scaling in the net: the script standardises; no chunk averaging; a constant rate, the
#: cosine schedule being the callback of ``make_classifier``; one net, not the default ensemble of three), so a
#: rerun trains the nets its results describe.
COMMON = {
    "cell": "lstm",
    "hidden_size": 64,
    "batch_size": 16,
    "lr": 1e-3,
    "dropout": 0.2,
    "scaling": None,
    "max_steps": None,
    "lr_schedule": "constant",
    "ensemble_size": 1,
}
#: Candidates scored by cross-validation on the training split (cheapest first: exact ties keep the earlier
#: one). The convolutional branch has half the LSTM-FCN widths (128, 256, 128), to train on a CPU in minutes.
CANDIDATES = {
    "lstm-attention": {"pooling": "attention", "conv_channels": None},
    "lstm-fcn": {"pooling": "last", "conv_channels": (64, 128, 64)},
    "lstm-fcn-attention": {"pooling": "attention", "conv_channels": (64, 128, 64)},
}
#: Used without selection by ``--quick`` and ``--no-select``.
DEFAULT_CANDIDATE = "lstm-fcn-attention"


def epochs_for(n_samples, steps):
    """Epochs that make about ``steps`` optimizer steps on ``n_samples`` training sequences."""
    return max(1, math.ceil(steps / math.ceil(n_samples / COMMON["batch_size"])))


def make_classifier(candidate, max_epochs, seed):
    """The RNNClassifier of one candidate, with a cosine learning-rate schedule over ``max_epochs``."""
    schedule = LRScheduler(policy=torch.optim.lr_scheduler.CosineAnnealingLR, T_max=max_epochs)
    return RNNClassifier(
        **COMMON, **CANDIDATES[candidate], max_epochs=max_epochs, random_state=seed, callbacks=[("cosine_lr", schedule)]
    )


# ---------------------------------------------------------------------------- 1-NN DTW
def _padded(sequences):
    """Stack sequences of shapes (T_i, F) into ``[R, T_max, F]`` (zeros past each length) and lengths [R]."""
    lengths = np.array([len(s) for s in sequences])
    out = np.zeros((len(sequences), lengths.max(), np.shape(sequences[0])[1]))
    for i, seq in enumerate(sequences):
        out[i, : len(seq)] = seq  # [T_i, F] -> row i of [R, T_max, F]
    return out, lengths


def dtw_to_many(query, references, lengths):
    """Full-window DTW from one sequence to many: :func:`dtw_many_to_many` for a single query."""
    query = np.asarray(query, dtype=np.float64)
    return dtw_many_to_many(query[None], np.array([len(query)]), references, lengths)[0]


def dtw_many_to_many(queries, query_lengths, references, lengths):
    """Full-window DTW between padded queries and padded references, one row of the cost matrix at a time.

    ``D[i, j] = c[i, j] + min(D[i-1, j], D[i-1, j-1], D[i, j-1])`` with the squared Euclidean point cost
    ``c[i, j] = ||query[i] - ref[j]||^2`` (dependent DTW for several features). Within row ``i`` the
    dependence on ``D[i, j-1]`` is a min-plus prefix recurrence: with ``a_j = min(D[i-1, j], D[i-1, j-1])``
    and ``C_j = c[i, 0] + ... + c[i, j]``, ``D[i, j] = C_j + min_{k <= j} (a_k - C_{k-1})``: one cumulative
    sum and one running minimum (``np.minimum.accumulate``) per row, for all (query, reference) pairs at once.

    Parameters
    ----------
    queries : ndarray of shape (n_queries, max_query_timesteps, n_features)
        Padded past each length; rows past a query's length are computed but never read.
    query_lengths : ndarray of int, shape (n_queries,)
    references : ndarray of shape (n_references, max_timesteps, n_features)
        Padded past each length; padding never reaches ``D[n-1, m-1]``, since a cell only reads cells to
        its left and above.
    lengths : ndarray of int, shape (n_references,)

    Returns
    -------
    ndarray of shape (n_queries, n_references)
        Sum of the point costs along the optimal warping path (no square root: 1-NN is unchanged by it).
    """
    n_queries, n_refs = len(queries), len(references)
    out = np.empty((n_queries, n_refs))
    row = None
    for i in range(queries.shape[1]):
        # [Q, 1, 1, F] - [1, R, M, F] -> [Q, R, M]
        cost = ((queries[:, i, None, None, :] - references[None]) ** 2).sum(axis=3)
        total = np.cumsum(cost, axis=2)  # C_j: [Q, R, M]
        if row is None:  # first row: only moves to the right
            row = total
        else:
            above = row.copy()
            above[..., 1:] = np.minimum(row[..., 1:], row[..., :-1])  # a_j = min(D[i-1, j], D[i-1, j-1])
            row = total + np.minimum.accumulate(above - (total - cost), axis=2)  # C_j + min_k (a_k - C_{k-1})
        done = query_lengths == i + 1  # queries whose last row this is
        out[done] = row[done][:, np.arange(n_refs), lengths - 1]  # D[n-1, m_r-1]: [q, R]
    return out


def one_nn_dtw(X_train, y_train, X_test, block=4):
    """Predict each test sequence's label as its DTW-nearest training sequence's (first one on ties)."""
    references, lengths = _padded(list(X_train))
    X_test = list(X_test)
    pred = []
    for start in range(0, len(X_test), block):  # blocks of queries bound the memory: [block, R, M] arrays
        queries, query_lengths = _padded(X_test[start : start + block])
        distances = dtw_many_to_many(queries, query_lengths, references, lengths)  # [block, R]
        pred.extend(y_train[np.argmin(distances, axis=1)])
    return np.array(pred)


# ---------------------------------------------------------------------------- helpers
def standardise(X_train, X_test):
    """Per-feature z-scores with the mean and standard deviation of all real training steps."""
    steps = np.concatenate(list(X_train))  # [sum T_i, F]
    mean, std = steps.mean(axis=0), steps.std(axis=0)
    std[std == 0] = 1.0

    def scale(X):
        return [(x - mean) / std for x in X] if isinstance(X, list) else (X - mean) / std

    return scale(X_train), scale(X_test)


def _take(X, index):
    return [X[i] for i in index] if isinstance(X, list) else X[index]


def _load():
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


class _Timer:
    """Wall and CPU (this process) seconds of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def select(X, y, steps, folds, seed):
    """Score every candidate by stratified k-fold CV on the training split; return the rows and the winner."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    rows = []
    for name in CANDIDATES:
        accs, losses = [], []
        with _Timer() as timer:
            for train, valid in splitter.split(np.zeros(len(y)), y):
                clf = make_classifier(name, epochs_for(len(train), steps), seed).fit(_take(X, train), y[train])
                proba = clf.predict_proba(_take(X, valid))
                accs.append(accuracy_score(y[valid], clf.classes_[proba.argmax(axis=1)]))
                losses.append(log_loss(y[valid], proba, labels=clf.classes_))
        rows.append(
            {
                "candidate": name,
                "cv_accuracy": float(np.mean(accs)),
                "cv_log_loss": float(np.mean(losses)),
                "fold_accuracies": [round(a, 4) for a in accs],
                "seconds": timer.wall,
                "cpu_seconds": timer.cpu,
            }
        )
        print(
            f"    cv {name:20s} accuracy {rows[-1]['cv_accuracy']:.3f}  log-loss {rows[-1]['cv_log_loss']:.3f}"
            f"  ({timer.wall:.0f} s)",
            flush=True,
        )
    best = min(rows, key=lambda r: (-round(r["cv_accuracy"], 10), r["cv_log_loss"]))
    return rows, best["candidate"]


def run_dataset(name, args):
    X_train, y_train = load_ucr(name, "train")
    X_test, y_test = load_ucr(name, "test")
    lengths = sorted({len(x) for x in X_train} | {len(x) for x in X_test})
    info = {
        "n_train": len(y_train),
        "n_test": len(y_test),
        "n_classes": len(np.unique(y_train)),
        "n_features": int(X_train[0].shape[1]),
        "n_timesteps": lengths[0] if len(lengths) == 1 else f"{lengths[0]}-{lengths[-1]}",
        "load_average_1min_at_start": _load(),
    }
    print(f"{name}: {info}", flush=True)

    with _Timer() as timer:
        pred = one_nn_dtw(X_train, y_train, X_test)
    dtw = {
        "accuracy": accuracy_score(y_test, pred),
        "fit_seconds": 0.0,
        "predict_seconds": timer.wall,
        "predict_cpu_seconds": timer.cpu,
    }
    print(f"  1-NN DTW: accuracy {dtw['accuracy']:.4f} ({timer.wall:.1f} s)", flush=True)

    Xs_train, Xs_test = standardise(X_train, X_test)
    selection, chosen = None, DEFAULT_CANDIDATE
    if not args.no_select:
        selection, chosen = select(Xs_train, y_train, args.steps, args.folds, args.seeds[0])
    epochs = epochs_for(len(y_train), args.steps)
    runs = []
    for seed in args.seeds:
        clf = make_classifier(chosen, epochs, seed)
        with _Timer() as fit:
            clf.fit(Xs_train, y_train)
        with _Timer() as predict:
            acc = clf.score(Xs_test, y_test)
        runs.append(
            {
                "seed": seed,
                "accuracy": acc,
                "fit_seconds": fit.wall,
                "fit_cpu_seconds": fit.cpu,
                "predict_seconds": predict.wall,
                "predict_cpu_seconds": predict.cpu,
                "final_train_loss": float(clf.history_[-1]["train_loss"]),
            }
        )
        print(f"  RNNClassifier[{chosen}] seed {seed}: accuracy {acc:.4f} (fit {fit.wall:.1f} s)", flush=True)
    accs = [r["accuracy"] for r in runs]

    def mean(key):
        return float(np.mean([r[key] for r in runs]))

    rnn = {
        "candidate": chosen,
        "max_epochs": epochs,
        "accuracy_mean": float(np.mean(accs)),
        "accuracy_std": float(np.std(accs)),
        "accuracy_min": float(np.min(accs)),
        "fit_seconds_mean": mean("fit_seconds"),
        "fit_cpu_seconds_mean": mean("fit_cpu_seconds"),
        "predict_seconds_mean": mean("predict_seconds"),
        "runs": runs,
        "selection": selection,
    }
    dtw_published = next(p["accuracy"] for p in PUBLISHED[name] if p["model"] == "1-NN DTW")
    goal = {
        "vs_dtw_this_run": rnn["accuracy_mean"] >= dtw["accuracy"],
        "vs_dtw_published": rnn["accuracy_mean"] >= dtw_published,
    }
    info["load_average_1min_at_end"] = _load()
    return {**info, "one_nn_dtw": dtw, "rnn_classifier": rnn, "published": PUBLISHED[name], "goal_met": goal}


# ---------------------------------------------------------------------------- report
def markdown(payload):
    s = payload["settings"]
    how = (
        f"settings chosen per dataset by {s['folds']}-fold cross-validation on the training split"
        if not s["no_select"]
        else f"candidate `{DEFAULT_CANDIDATE}` without selection"
    )
    lines = [
        "# Sequence classification: RNNClassifier vs 1-NN DTW",
        "",
        (
            f"Official train/test splits. RNNClassifier: {how}; test accuracy is the mean over seeds {s['seeds']} "
            f"(the lowest in brackets); about {s['steps']} optimizer steps per fit. 1-NN DTW: full window, squared "
            "Euclidean point cost (dependent DTW for the multivariate sets), raw archive data, computed in this run. "
            "Goal: RNNClassifier's mean accuracy at least 1-NN DTW's, both this run's and the published one."
        ),
        "",
        (
            "| dataset | RNNClassifier mean (min), chosen | 1-NN DTW this run | 1-NN DTW published | other published "
            "| goal met | RNN fit s (CPU s) | RNN predict s | DTW s (CPU s) |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in payload["datasets"].items():
        rnn, dtw = r["rnn_classifier"], r["one_nn_dtw"]
        pub = next(p for p in r["published"] if p["model"] == "1-NN DTW")
        others = ", ".join(f"{p['model']} {p['accuracy']:.3f}" for p in r["published"] if p is not pub) or "-"
        missed = [k.replace("vs_", "") for k, v in r["goal_met"].items() if not v]
        lines.append(
            f"| {name} | {rnn['accuracy_mean']:.3f} ({rnn['accuracy_min']:.3f}) `{rnn['candidate']}` | "
            f"{dtw['accuracy']:.3f} | {pub['accuracy']:.3f}{'' if pub['confirmed'] else ' (unconfirmed)'} | "
            f"{others} | {'yes' if not missed else 'no (' + ', '.join(missed) + ')'} | "
            f"{rnn['fit_seconds_mean']:.0f} ({rnn['fit_cpu_seconds_mean']:.0f}) | {rnn['predict_seconds_mean']:.2f} | "
            f"{dtw['predict_seconds']:.1f} ({dtw['predict_cpu_seconds']:.1f}) |"
        )
    if not s["no_select"]:
        lines += [
            "",
            "## Selection on the training split (the test split is not used)",
            "",
            "| dataset | candidate | CV accuracy | CV log-loss | fold accuracies | seconds |",
            "|---|---|---|---|---|---|",
        ]
        for name, r in payload["datasets"].items():
            for row in r["rnn_classifier"]["selection"]:
                mark = " (chosen)" if row["candidate"] == r["rnn_classifier"]["candidate"] else ""
                lines.append(
                    f"| {name} | `{row['candidate']}`{mark} | {row['cv_accuracy']:.3f} | "
                    f"{row['cv_log_loss']:.3f} | {row['fold_accuracies']} | {row['seconds']:.0f} |"
                )
    env = payload["environment"]
    loads = ", ".join(
        f"{n} {r['load_average_1min_at_start']:.1f} -> {r['load_average_1min_at_end']:.1f}"
        for n, r in payload["datasets"].items()
    )
    epochs = ", ".join(f"{n} {r['rnn_classifier']['max_epochs']}" for n, r in payload["datasets"].items())
    lines += [
        "",
        "## Settings and machine",
        "",
        f"- RNNClassifier common settings: `{s['common']}`; candidates: `{s['candidates']}`",
        f"- {s['lr_schedule']}; max_epochs of the final fits: {epochs}",
        f"- preprocessing: {s['preprocessing']}",
        (
            f"- machine: {env['machine']['platform']}, {env['machine']['cpu_count']} CPUs shared with other jobs, "
            f"torch threads {env['machine']['torch_threads']}, run under `nice`; 1-minute load average per dataset "
            f"(start -> end): {loads}. Wall seconds depend on that load; CPU seconds less so."
        ),
        f"- versions: {', '.join(f'{k} {v}' for k, v in env['versions'].items())}",
        f"- total wall time {payload['total_seconds']:.0f} s; date {env['date_utc']}",
        "",
        "## Sources of the published numbers",
        "",
    ]
    for key, text in SOURCES.items():
        lines.append(f"- `{key}`: {text}")
    for name, r in payload["datasets"].items():
        for p in r["published"]:
            if p.get("note"):
                lines.append(f"- {name}, {p['model']}: {p['note']}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: no selection, 1 seed, 150 steps")
    parser.add_argument("--datasets", nargs="+", default=list(UCR_DATASETS), choices=UCR_DATASETS)
    parser.add_argument("--steps", type=int, default=None, help="optimizer steps per fit (default 1000, quick 150)")
    parser.add_argument("--seeds", type=int, nargs="+", default=None, help="final-fit seeds (default 0 1 2)")
    parser.add_argument("--folds", type=int, default=3, help="CV folds of the selection on the training split")
    parser.add_argument("--no-select", action="store_true", help=f"skip the selection, use {DEFAULT_CANDIDATE}")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1: shared box)")
    args = parser.parse_args(argv)
    args.steps = args.steps or (150 if args.quick else 1000)
    args.seeds = args.seeds or ([0] if args.quick else [0, 1, 2])
    args.no_select = args.no_select or args.quick
    torch.set_num_threads(args.threads)

    env = environment()
    start = time.perf_counter()
    results = {name: run_dataset(name, args) for name in args.datasets}
    payload = {
        "benchmark": "classification",
        "command": " ".join(["benchmarks/classification.py", *(argv if argv is not None else sys.argv[1:])]),
        "settings": {
            "steps": args.steps,
            "seeds": args.seeds,
            "folds": args.folds,
            "no_select": args.no_select,
            "quick": args.quick,
            "common": COMMON,
            "candidates": CANDIDATES,
            "default_candidate": DEFAULT_CANDIDATE,
            "selection": "stratified k-fold CV on the training split (shuffled, random_state = first "
            "seed); highest mean accuracy, ties to the lower mean log-loss",
            "lr_schedule": "Adam with a cosine-annealed learning rate from lr to 0 over max_epochs "
            "(skorch LRScheduler), max_epochs = ceil(steps / batches per epoch)",
            "preprocessing": "RNN: per-feature standardisation with training statistics; DTW: none (raw archive data)",
            "dtw": "1-NN, full window (no band), squared Euclidean point cost summed over features",
        },
        "environment": env,
        "total_seconds": time.perf_counter() - start,
        "load_average_1min_at_end": _load(),
        "datasets": results,
    }
    stem = "classification.quick" if args.quick else "classification"
    write_json(RESULTS / f"{stem}.json", payload)
    (RESULTS / f"{stem}.md").write_text(markdown(payload), encoding="utf-8")
    print(f"wrote {RESULTS / stem}.json and .md")


if __name__ == "__main__":
    main()
