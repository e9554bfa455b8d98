"""RNNClassifier with nothing set but ``random_state``, against 1-NN DTW, on eight UCR/UEA datasets.

The question: does a user who writes ``RNNClassifier(random_state=s)`` and nothing else (no preprocessing, no
selection, no callbacks) reach 1-NN DTW, and does every fit finish in a few minutes on a CPU? Official
train/test splits; the estimator sees the raw archive data (it standardises inside, ``scaling="auto"``: per
feature, or each sequence by its own moments when the training sequences' amplitudes differ by orders of
magnitude); its ``"auto"`` settings are resolved from the training data only (see ``RNNClassifier.config_``,
recorded per fit, and the amplitude spread recorded per set). Nothing here was tuned on these test splits: the
defaults were fixed from the cross-validation on the *training* splits of the four bundled sets
(``benchmarks/classification.py``) and, for ``scaling="auto"``, on the training splits of PLAID, BasicMotions,
JapaneseVowels, GunPoint, ItalyPowerDemand and ACSF1 (``--merge ... --devlog FILE`` writes that
development log, JSON lines of the cross-validation runs, into the report).

Datasets:

* the four bundled ones (:func:`seqforecast.datasets.load_ucr`): ItalyPowerDemand, GunPoint, BasicMotions,
  JapaneseVowels;
* four UCR sets the package was not developed on, chosen for what they test: ArrowHead (251 steps, 36
  training sequences: a very small training set), OSULeaf (427 steps, 6 classes, where 1-NN DTW is weak),
  ACSF1 (1,460 steps: long sequences, 10 classes, 100 training sequences) and PLAID (11 classes, 537 training
  sequences of 100 to 1,344 steps: long *and* of different lengths). They are not bundled (size): pass
  ``--data-dir`` (a folder holding ``<Name>/<Name>_TRAIN.ts`` and ``_TEST.ts``), or the script fetches them
  once with ``pip download sktime==1.2.0 --no-deps`` (the sktime wheel ships them; a package registry must be
  reachable) and unpacks the four folders into ``--cache`` (default ``~/.cache/seqforecast-benchmarks/ucr``).

1-NN DTW: full window, squared Euclidean point cost (dependent DTW for the multivariate sets), raw data,
computed in this run with the numpy DTW of ``benchmarks/classification.py`` when the table is affordable
(``n_test * n_train * T_max**2`` at most ``--dtw-max-cells``, 1e10 by default: every set but ACSF1 and PLAID);
beside it
the published full-window 1-NN DTW accuracy, ``1 - "DTW (w=100)"`` error of the UCR archive's
DataSummary.csv (:data:`DTW_PUBLISHED`), or the UEA 2018 paper's DTW_D for the two multivariate sets.

Run from the repository root (one torch thread, under ``nice``, on a shared machine)::

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/classification_defaults.py
    ... --datasets ArrowHead ACSF1 --seeds 0        # a subset

Writes ``benchmarks/results/classification_defaults.json`` and ``.md`` (``--tag t`` writes
``classification_defaults.t.json`` instead), again after each dataset, so an interrupted run keeps what it
finished: accuracy per seed and mean, fit seconds (wall and CPU) per fit, the resolved settings, the 1-minute
load average before and after each dataset, machine, versions, seeds. Parts run as separate processes (with
tags) are combined by ``--merge TAG [TAG ...]`` into the untagged files::

    ... --datasets ItalyPowerDemand GunPoint BasicMotions JapaneseVowels ArrowHead OSULeaf --tag a &
    ... --datasets ACSF1 PLAID --tag b &
    ... --merge a b
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score

from seqforecast.datasets import UCR_DATASETS, _parse_ts, load_ucr
from seqforecast.estimators import RNNClassifier
from seqforecast.estimators._classifier_auto import AUTO_SERIES_SPREAD, amplitude_spread

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json
from classification import PUBLISHED, _Timer, one_nn_dtw

RESULTS = Path(__file__).resolve().parent / "results"
#: The further UCR sets, read from ``--data-dir`` or fetched from the sktime 1.2.0 wheel.
EXTRA = ("ArrowHead", "OSULeaf", "ACSF1", "PLAID")
DATASETS = (*UCR_DATASETS, *EXTRA)
SKTIME_WHEEL = "sktime==1.2.0"

DATA_SUMMARY = (
    "UCR Time Series Classification Archive (2018), DataSummary.csv, column 'DTW (w=100)' (an error rate; "
    "accuracy = 1 - error), as copied in github.com/Chang-George-Dong/TrojanTime/DataSummary.csv and "
    "github.com/sensorlab/KAN_TS/DataSummary.csv"
)
#: Published full-window 1-NN DTW test accuracy: (accuracy, the error as printed, source).
DTW_PUBLISHED = {
    "ItalyPowerDemand": (1 - 0.0496, "0.0496", DATA_SUMMARY),
    "GunPoint": (1 - 0.0933, "0.0933", DATA_SUMMARY),
    "ArrowHead": (1 - 0.2971, "0.2971", DATA_SUMMARY),
    "OSULeaf": (1 - 0.4091, "0.4091", DATA_SUMMARY),
    "ACSF1": (1 - 0.36, "0.36", DATA_SUMMARY),
    "PLAID": (1 - 0.1639, "0.1639", DATA_SUMMARY),
}
for _name in ("BasicMotions", "JapaneseVowels"):
    _row = next(p for p in PUBLISHED[_name] if p["model"] == "1-NN DTW")
    DTW_PUBLISHED[_name] = (_row["accuracy"], None, f"Bagnall et al. (2018), arXiv:1811.00075, DTW_D: {_row['note']}")


# ---------------------------------------------------------------------------- data
def fetch(cache):
    """Unpack the four further sets from the sktime wheel into ``cache`` (downloading it once) and return it."""
    cache = Path(cache).expanduser()
    if all((cache / name / f"{name}_TEST.ts").exists() for name in EXTRA):
        return cache
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", SKTIME_WHEEL, "--no-deps", "--only-binary=:all:", "-d", tmp]
        print("fetching:", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        wheel = next(Path(tmp).glob("sktime-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            for member in zf.namelist():
                parts = member.split("/")
                if member.startswith("sktime/datasets/data/") and parts[3] in EXTRA and member.endswith(".ts"):
                    (cache / parts[3]).mkdir(parents=True, exist_ok=True)
                    (cache / parts[3] / parts[4]).write_bytes(zf.read(member))
    return cache


def load(name, split, data_dir):
    """``X, y`` of one split: a 3-D array when the sequences share one length, else a list."""
    if name in UCR_DATASETS:
        return load_ucr(name, split)
    sequences, labels = _parse_ts(Path(data_dir) / name / f"{name}_{split.upper()}.ts")
    if len({seq.shape for seq in sequences}) == 1:
        return np.stack(sequences), labels
    return sequences, labels


def _spread(X):
    """:func:`amplitude_spread` of training sequences (a 3-D array or a list of ``[T_i, F]`` arrays)."""
    seqs = [np.asarray(x, dtype=np.float64) for x in X]
    n_steps = max(len(x) for x in seqs)
    padded = np.zeros((len(seqs), n_steps, seqs[0].shape[1]))
    for i, x in enumerate(seqs):
        padded[i, : len(x)] = x
    spread = amplitude_spread(padded, np.array([len(x) for x in seqs]))
    return spread if np.isfinite(spread) else str(spread)


def _load_average():
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


# ---------------------------------------------------------------------------- one dataset
def run_dataset(name, args, data_dir):
    X_train, y_train = load(name, "train", data_dir)
    X_test, y_test = load(name, "test", data_dir)
    lengths = sorted({len(x) for x in X_train} | {len(x) for x in X_test})
    info = {
        "n_train": len(y_train),
        "n_test": len(y_test),
        "n_classes": len(np.unique(y_train)),
        "n_features": int(X_train[0].shape[1]),
        "n_timesteps": lengths[0] if len(lengths) == 1 else f"{lengths[0]}-{lengths[-1]}",
        "amplitude_spread": _spread(X_train),
        "load_average_1min_at_start": _load_average(),
    }
    print(f"{name}: {info}", flush=True)
    runs = []
    for seed in args.seeds:
        clf = RNNClassifier(random_state=seed)
        with _Timer() as fit:
            clf.fit(X_train, y_train)
        with _Timer() as predict:
            acc = clf.score(X_test, y_test)
        config = {k: (list(v) if isinstance(v, tuple) else v) for k, v in clf.config_.items()}
        runs.append(
            {
                "seed": seed,
                "accuracy": acc,
                "fit_seconds": fit.wall,
                "fit_cpu_seconds": fit.cpu,
                "predict_seconds": predict.wall,
                "final_train_loss": float(clf.history_[-1]["train_loss"]),
                "config": config,
                "load_average_1min_after": _load_average(),
            }
        )
        print(f"  RNNClassifier(random_state={seed}): accuracy {acc:.4f}, fit {fit.wall:.0f} s ({fit.cpu:.0f} CPU s)")
        print(f"    config_ {clf.config_}", flush=True)
    accs = np.array([r["accuracy"] for r in runs])
    rnn = {
        "accuracy_mean": float(accs.mean()),
        "accuracy_min": float(accs.min()),
        "accuracy_max": float(accs.max()),
        "fit_seconds_max": max(r["fit_seconds"] for r in runs),
        "fit_seconds_mean": float(np.mean([r["fit_seconds"] for r in runs])),
        "fit_cpu_seconds_mean": float(np.mean([r["fit_cpu_seconds"] for r in runs])),
        "runs": runs,
    }
    cells = len(y_test) * len(y_train) * lengths[-1] ** 2
    dtw = {"computed": cells <= args.dtw_max_cells, "cells": cells}
    if dtw["computed"]:
        with _Timer() as timer:
            pred = one_nn_dtw(X_train, y_train, X_test)
        dtw.update(accuracy=accuracy_score(y_test, pred), seconds=timer.wall, cpu_seconds=timer.cpu)
        print(f"  1-NN DTW: accuracy {dtw['accuracy']:.4f} ({timer.wall:.0f} s)", flush=True)
    published, printed, source = DTW_PUBLISHED[name]
    goal = {"vs_dtw_published": rnn["accuracy_mean"] >= published - 1e-9}
    if dtw["computed"]:
        goal["vs_dtw_this_run"] = rnn["accuracy_mean"] >= dtw["accuracy"] - 1e-9
    info["load_average_1min_at_end"] = _load_average()
    return {
        **info,
        "rnn_classifier": rnn,
        "one_nn_dtw": dtw,
        "dtw_published": {"accuracy": published, "error_as_printed": printed, "source": source},
        "goal_met": goal,
    }


# ---------------------------------------------------------------------------- report
def markdown(payload):
    s, env = payload["settings"], payload["environment"]
    lines = [
        "# RNNClassifier with the default settings vs 1-NN DTW",
        "",
        (
            f"`RNNClassifier(random_state=seed)`, nothing else set, on the raw archive data (official splits); "
            f"test accuracy: mean over seeds {s['seeds']} (min-max in brackets). Fit seconds: wall (CPU) per "
            "fit, mean and the slowest. 1-NN DTW: full window, computed in this run where affordable, and the "
            "published full-window accuracy. Goal: the mean accuracy at least 1-NN DTW's (both)."
        ),
        "",
        (
            "| dataset | n train / test, classes, steps | RNNClassifier accuracy | 1-NN DTW this run | "
            "1-NN DTW published | goal met | fit s mean (CPU s) | slowest fit s | recurrence / conv chunk, "
            "epochs x batch | amplitude spread: scaling |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in payload["datasets"].items():
        rnn, dtw, pub = r["rnn_classifier"], r["one_nn_dtw"], r["dtw_published"]
        config = rnn["runs"][0]["config"]
        missed = [k.replace("vs_", "") for k, v in r["goal_met"].items() if not v]
        this_run = f"{dtw['accuracy']:.3f}" if dtw["computed"] else "not run (too slow)"
        lines.append(
            f"| {name} | {r['n_train']} / {r['n_test']}, {r['n_classes']}, {r['n_timesteps']} | "
            f"{rnn['accuracy_mean']:.3f} ({rnn['accuracy_min']:.3f}-{rnn['accuracy_max']:.3f}) | {this_run} | "
            f"{pub['accuracy']:.3f} | {'yes' if not missed else 'no (' + ', '.join(missed) + ')'} | "
            f"{rnn['fit_seconds_mean']:.0f} ({rnn['fit_cpu_seconds_mean']:.0f}) | {rnn['fit_seconds_max']:.0f} | "
            f"{config['rnn_stride']} / {config['conv_stride']}, {config['max_epochs']} x {config['batch_size']} | "
            f"{_fmt_spread(r.get('amplitude_spread'))}: {config.get('scaling', 'standard')} |"
        )
    lines += [
        "",
        f"Amplitude spread: for each feature, the 75th over the 25th percentile of the per-sequence standard "
        f'deviations of the training sequences, the largest over the features; `scaling="auto"` standardises '
        f'each sequence by its own moments (`"series"`) above {AUTO_SERIES_SPREAD:.0f}, else per feature with '
        'the moments of all training steps (`"standard"`).',
    ]
    if payload.get("note"):
        lines += ["", f"Note: {payload['note']}"]
    lines += _devlog_lines(payload.get("development_log"))
    loads = ", ".join(
        f"{n} {r['load_average_1min_at_start']:.1f} -> {r['load_average_1min_at_end']:.1f}"
        for n, r in payload["datasets"].items()
    )
    lines += [
        "",
        "## Settings and machine",
        "",
        f"- estimator: `{s['estimator']}`; its parameters: `{s['params']}`",
        f"- resolved at fit (`config_`, seed {s['seeds'][0]}): "
        + "; ".join(f"{n} `{r['rnn_classifier']['runs'][0]['config']}`" for n, r in payload["datasets"].items()),
        f"- 1-NN DTW this run: {s['dtw']}",
        (
            f"- machine: {env['machine']['platform']}, {env['machine']['cpu_count']} CPUs shared with other jobs, "
            f"torch threads {env['machine']['torch_threads']}, run under `nice`; 1-minute load average per dataset "
            f"(start -> end): {loads}. Wall seconds depend on that load; CPU seconds less so."
        ),
        f"- versions: {', '.join(f'{k} {v}' for k, v in env['versions'].items())}",
        f"- data: {s['data']}",
        f"- total wall time {payload['total_seconds']:.0f} s; date {env['date_utc']}; command `{payload['command']}`",
        "",
        "## Sources of the published 1-NN DTW accuracies",
        "",
    ]
    for name, r in payload["datasets"].items():
        pub = r["dtw_published"]
        printed = f" (error {pub['error_as_printed']})" if pub["error_as_printed"] else ""
        lines.append(f"- {name}: {pub['accuracy']:.4f}{printed}: {pub['source']}")
    return "\n".join(lines) + "\n"


def _fmt_spread(spread):
    if spread is None:
        return "-"
    return spread if isinstance(spread, str) else f"{spread:,.1f}"


def _devlog_lines(rows):
    """The development log: cross-validation on the training splits (no test split read), one row a run."""
    if not rows:
        return []
    lines = [
        "",
        "## Development log: cross-validation on the training splits only",
        "",
        (
            "How the defaults were chosen: stratified k-fold cross-validation (shuffled, `random_state=0`) on the "
            "official TRAIN split of each set, `RNNClassifier(random_state=0, ...)`; no test split was read "
            'until the run above. Variants: `base` the defaults before the change (`scaling="standard"`); '
            '`seriesz` each sequence z-normalised by its own moments before the fit (what `scaling="series"` '
            "does inside the net); `_logstd` plus a feature holding the log of each sequence's standard "
            "deviation; `_ms512` `max_steps=512`; `_lr3e3` `lr=3e-3`; `_steps2k` a budget of 2,000 optimizer "
            'steps (cosine); `auto` the final defaults (`scaling="auto"`, in the net); `_minep60`, `_minep100` at '
            "least 60 or 100 epochs (a rule tried, not kept). Train acc: accuracy "
            "on the training folds after the fit."
        ),
        "",
        "| variant | dataset | folds | fold accuracies | mean | train acc (mean) | final train loss (mean) | wall s | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        mean = "-" if r.get("mean") is None else f"{r['mean']:.3f}"
        train = f"{np.mean(r['train_acc']):.3f}" if r.get("train_acc") else "-"
        loss = f"{np.mean(r['train_loss']):.3f}" if r.get("train_loss") else "-"
        lines.append(
            f"| {r['variant']} | {r['dataset']} | {r['folds']} | {', '.join(f'{a:.3f}' for a in r['fold_acc'])} | "
            f"{mean} | {train} | {loss} | {r.get('wall_s') or '-'} | {r.get('note', '')} |"
        )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data-dir", default=None, help="folder of <Name>/<Name>_TRAIN.ts for the further sets")
    parser.add_argument("--cache", default="~/.cache/seqforecast-benchmarks/ucr", help="where fetched sets go")
    parser.add_argument("--dtw-max-cells", type=float, default=1e10, help="largest 1-NN DTW run here (cells)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1: shared box)")
    parser.add_argument("--tag", default="", help="suffix of the result files (e.g. 'subset')")
    parser.add_argument("--merge", nargs="+", default=None, metavar="TAG", help="combine tagged runs, run nothing")
    parser.add_argument("--note", default=None, help="with --merge: a note on the runs, written in the report")
    parser.add_argument(
        "--devlog",
        default=None,
        help="with --merge: a JSON-lines file of the cross-validation runs on the training splits",
    )
    args = parser.parse_args(argv)
    if args.merge:
        return merge(args.merge, args.note, args.devlog)
    torch.set_num_threads(args.threads)
    data_dir = args.data_dir
    if data_dir is None and any(name in EXTRA for name in args.datasets):
        data_dir = fetch(args.cache)

    env = environment()
    start = time.perf_counter()
    stem = "classification_defaults" + (f".{args.tag}" if args.tag else "")
    results = {}
    for name in args.datasets:
        results[name] = run_dataset(name, args, data_dir)
        write(stem, _payload(args, argv, env, start, results))


def _payload(args, argv, env, start, results):
    params = RNNClassifier().get_params()
    return {
        "benchmark": "classification_defaults",
        "command": " ".join(["benchmarks/classification_defaults.py", *(argv if argv is not None else sys.argv[1:])]),
        "settings": {
            "seeds": args.seeds,
            "estimator": "RNNClassifier(random_state=seed)",
            "params": {k: v for k, v in params.items() if k != "random_state"},
            "preprocessing": "none (the estimator standardises inside, scaling='auto': per feature with the "
            "moments of all training steps, or each sequence by its own moments when the amplitude spread of the "
            f"training sequences exceeds {AUTO_SERIES_SPREAD:.0f})",
            "dtw": f"1-NN, full window, squared Euclidean point cost; run when n_test * n_train * T_max**2 <= "
            f"{args.dtw_max_cells:.0e}",
            "data": "bundled sets: seqforecast.datasets.load_ucr; the others: the .ts files of the sktime 1.2.0 "
            f"wheel ({'--data-dir ' + str(args.data_dir) if args.data_dir else 'fetched into ' + str(args.cache)})",
        },
        "environment": env,
        "total_seconds": time.perf_counter() - start,
        "load_average_1min_at_end": _load_average(),
        "datasets": results,
    }


def write(stem, payload):
    write_json(RESULTS / f"{stem}.json", payload)
    (RESULTS / f"{stem}.md").write_text(markdown(payload), encoding="utf-8")
    print(f"wrote {RESULTS / stem}.json and .md", flush=True)


def merge(tags, note=None, devlog=None):
    """Combine the result files of tagged runs (same seeds and settings) into the untagged ones, with the
    development log (``devlog``: JSON lines of the cross-validation runs on the training splits) when given."""
    parts = [json.loads((RESULTS / f"classification_defaults.{tag}.json").read_text(encoding="utf-8")) for tag in tags]
    if len({json.dumps(p["settings"]["seeds"]) for p in parts}) != 1:
        raise SystemExit("the tagged runs used different seeds; merge runs of the same seeds only")
    found = {name: r for p in parts for name, r in p["datasets"].items()}
    payload = {
        **parts[0],
        "command": " ; ".join(p["command"] for p in parts)
        + " ; benchmarks/classification_defaults.py --merge "
        + " ".join(tags),
        "total_seconds": sum(p["total_seconds"] for p in parts),
        "parts": [{"command": p["command"], "environment": p["environment"]} for p in parts],
        "note": note,
        "datasets": {name: found[name] for name in DATASETS if name in found},
    }
    if devlog is not None:
        lines = Path(devlog).read_text(encoding="utf-8").splitlines()
        payload["development_log"] = [json.loads(line) for line in lines if line.strip()]
    write("classification_defaults", payload)


if __name__ == "__main__":
    main()
