"""M4 Hourly and Weekly: seqforecast's recurrent forecasters as global models, beside the M4 benchmarks.

Every model is fitted on the training part of every series of one M4 frequency, forecasts the horizon (48
hours, 13 weeks) from the end of it, and is scored the M4 way (sMAPE, MASE with m = 24 / 1, OWA relative
to Naive2 computed by seqforecast on the same series). The recurrent models are GLOBAL: one net over all
series (a DataFrame with one column per series, aligned on their last training value, leading NaN for the
shorter ones). Each model is built exactly as written in its ``settings`` column, from public seqforecast
classes, so anyone gets the same model from the same line of code.

Run from the repository root (writes DIR/m4_<frequency>.csv, .json and .md)::

    nice .venv/bin/python benchmarks/m4.py --frequency Hourly --out benchmarks/results
    nice .venv/bin/python benchmarks/m4.py --frequency Weekly --out benchmarks/results
    .venv/bin/python benchmarks/m4.py --frequency Hourly --quick --out /tmp/m4q    # about a minute
    .venv/bin/python benchmarks/m4.py --frequency Weekly --models naive2 gru-direct --out /tmp/m4

The data are the organisers' files ``<Frequency>-train.csv`` and ``<Frequency>-test.csv`` (M4-methods
repository, ``Dataset/Train`` and ``Dataset/Test``); by default they are read from ``shared/data/m4`` next
to the repository. Official scores come from ``m4_official_point_results_by_frequency.csv`` in that folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "m4"
FREQUENCIES = {"Hourly": {"horizon": 48, "sp": 24}, "Weekly": {"horizon": 13, "sp": 1}}
WHERE_TO_GET = (
    "The M4 data are published by the competition's organisers in their M4-methods repository on GitHub "
    "(github.com/Mcompetitions/M4-methods): Dataset/Train/{f}-train.csv and Dataset/Test/{f}-test.csv. "
    "Put both files in one folder and pass it with --data."
)
# Official M4 rows to put beside ours: (label, method name in the official CSV).
OFFICIAL_ROWS = [
    ("Naive2", "Naive2"),
    ("Seasonal naive (sNaive)", "sNaive"),
    ("Theta", "Theta"),
    ("ES-RNN, Smyl (M4 winner, #118)", "118"),
    ("FFORMA, Montero-Manso et al. (#245)", "245"),
]
# auto.arima is not a row of the official results file (the organisers ran it after the competition); its
# scores are those of the M4 paper's benchmark table (Makridakis, Spiliotis & Assimakopoulos, IJF 36(1), 2020).
OFFICIAL_ARIMA = {"Hourly": (13.980, 0.943), "Weekly": (8.653, 2.556)}
QUICK = {"n_series": 40, "max_epochs": 3, "seed": 0}
SEED = 0


# --------------------------------------------------------------------------------------------- data
def load_m4(data: Path, frequency: str, n_series: int | None = None, seed: int = 0):
    """The training series aligned on their last value, the test values, and the training series as rows.

    Returns
    -------
    y_train : DataFrame of shape (max_length, n_series)
        One column per series (M4 ids), leading NaN before a shorter series starts, RangeIndex.
    y_test : DataFrame of shape (horizon, n_series)
    train_rows : list of n_series 1-D arrays
        Each training series without padding (for MASE's scale and Naive2).
    """
    train = pd.read_csv(data / f"{frequency}-train.csv", index_col=0)
    test = pd.read_csv(data / f"{frequency}-test.csv", index_col=0)
    if not train.index.equals(test.index):
        raise ValueError(f"{frequency}: the train and test files list different series ids.")
    if n_series is not None and n_series < len(train):
        pick = np.sort(np.random.default_rng(seed).choice(len(train), n_series, replace=False))
        train, test = train.iloc[pick], test.iloc[pick]
    rows = [row.dropna().to_numpy(dtype=np.float64) for _, row in train.iterrows()]
    length = max(len(r) for r in rows)
    values = np.full((length, len(rows)), np.nan)
    for j, r in enumerate(rows):
        values[length - len(r) :, j] = r  # aligned on the forecast origin
    y_train = pd.DataFrame(values, columns=list(train.index))
    y_test = pd.DataFrame(test.to_numpy(dtype=np.float64).T, columns=list(test.index))
    return y_train, y_test, rows


def official_scores(data: Path, frequency: str) -> list[dict]:
    """Official sMAPE / MASE / OWA of the reference methods (OWA recomputed from the rounded totals)."""
    path = data / "m4_official_point_results_by_frequency.csv"
    found = {}
    if path.exists():
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                found[row["method"]] = row
    out = []
    for label, method in OFFICIAL_ROWS:
        row = found.get(method)
        if row is None:
            out.append({"model": label, "source": f"not found in {path.name}"})
            continue
        out.append(
            {
                "model": label,
                "smape": float(row[f"sMAPE_{frequency}"]),
                "mase": float(row[f"MASE_{frequency}"]),
                "owa": float(row[f"OWA_{frequency}"]),
                "source": f"{path.name}, method {method!r}",
            }
        )
    smape_n2, mase_n2 = out[0].get("smape"), out[0].get("mase")
    s, m = OFFICIAL_ARIMA[frequency]
    arima = {
        "model": "ARIMA (auto.arima)",
        "smape": s,
        "mase": m,
        "source": "M4 paper (Makridakis et al., IJF 2020), benchmark table; not in the results file",
    }
    if smape_n2:
        arima["owa"] = 0.5 * (s / smape_n2 + m / mase_n2)
    out.insert(3, arima)
    return out


def holdout_split(y_train: pd.DataFrame, train_rows: list, frequency: str):
    """Hold out the last horizon of every training series: (y_fit, y_held_out, fit_rows, note or None).

    The recurrent models need ``window_length + horizon`` values per series to train on; after the cut some
    weekly series (65 of 359) are shorter, so they are left out and the note says so (never silently).
    """
    horizon = FREQUENCIES[frequency]["horizon"]
    y_held = y_train.iloc[-horizon:].reset_index(drop=True)
    y_fit, fit_rows = y_train.iloc[:-horizon], [r[:-horizon] for r in train_rows]
    longest = max([w["window_length"] for w in WINDOWS[frequency].values()] + ENSEMBLE[frequency]["window_lengths"])
    keep = [j for j, r in enumerate(fit_rows) if len(r) >= longest + horizon]
    if len(keep) == len(fit_rows):
        return y_fit, y_held, fit_rows, None
    note = (
        f"holdout: {len(fit_rows) - len(keep)} of {len(fit_rows)} series have fewer than {longest + horizon} "
        f"values (the longest window, {longest}, + horizon) once their last {horizon} are held out; the check "
        f"runs on the other {len(keep)}."
    )
    y_fit, y_held = y_fit.iloc[:, keep], y_held.iloc[:, keep]
    y_fit = y_fit.iloc[int(y_fit.notna().any(axis=1).to_numpy().argmax()) :].reset_index(drop=True)
    return y_fit, y_held, [fit_rows[j] for j in keep], note


# --------------------------------------------------------------------------------------------- models
# What the recurrent models read, per frequency and strategy (each choice was measured: the development
# logs results/m4_<frequency>.tried.md give the figures). Direct and seq2seq read a week of hourly data as
# daily patches of 24 values, or a year of weekly data as 13 patches of 4 weeks; recursive reads one value
# per step. Every window_step-th window of each series is trained on. window_scale: "std" z-scores each
# window, "mean" divides it by its level.
WINDOWS = {
    "Hourly": {
        "direct": {"window_length": 168, "patch_length": 24, "window_step": 4, "window_scale": "std"},
        "seq2seq": {"window_length": 168, "patch_length": 24, "window_step": 8, "window_scale": "std"},
        "recursive": {"window_length": 168, "window_step": 24, "window_scale": "std"},
    },
    "Weekly": {
        "direct": {"window_length": 52, "patch_length": 4, "window_step": 4, "window_scale": "mean"},
        "seq2seq": {"window_length": 52, "patch_length": 4, "window_step": 4, "window_scale": "mean"},
        "recursive": {"window_length": 52, "window_step": 8, "window_scale": "std"},
    },
}
# The net of every recurrent model (RNNRegressor's parameters besides cell, architecture and random_state).
# Absolute-error loss: M4 scores absolute errors (sMAPE, MASE), and a few series with large scaled targets
# dominate a squared loss; it was worth about 0.06 OWA (Hourly) and 0.1 to 0.2 (Weekly) per net.
NET = {
    "Hourly": {
        "hidden_size": 128,
        "dropout": 0.2,
        "max_epochs": 15,
        "batch_size": 256,
        "lr": 3e-3,
        "loss": "absolute_error",
    },
    "Weekly": {"hidden_size": 64, "max_epochs": 15, "batch_size": 256, "lr": 3e-3, "loss": "absolute_error"},
}
# The score of the seq2seq rows with attention ("-attention"): Bahdanau et al.'s additive score, the
# classic one of encoder-decoders (set once, not chosen on any M4 score).
ATTENTION = "additive"
# The ensemble: the direct GRU on each of these window lengths, "members" seeds each, all averaged.
ENSEMBLE = {
    "Hourly": {"window_lengths": [168, 336], "members": 3},
    "Weekly": {"window_lengths": [52, 64], "members": 3},
}
BASELINES = ["naive2", "snaive", "theta", "arima"]
RECURRENT = [
    "gru-direct",
    "lstm-direct",
    "gru-direct-series",
    "gru-seq2seq",
    "gru-seq2seq-attention",
    "lstm-seq2seq",
    "gru-recursive",
    "lstm-recursive",
    "gru-direct-ensemble",
]
# AutoRNNForecaster with nothing set but the horizon (and the seed): every other choice is its own, made on
# the training data (its last horizon held out), never on the test values.
#: ``auto-m10``: the same with 10 final nets instead of 6 (a development row: run with ``--holdout``).
AUTO = ["auto", "auto-m10"]
ALL_MODELS = BASELINES + RECURRENT + AUTO


def build_model(name: str, frequency: str, *, quick: bool, seed: int):
    """The forecaster called ``name``, exactly as the table's settings column writes it."""
    from sklearn.base import clone

    from seqforecast.baselines import (
        Naive2Forecaster,
        SeasonalNaiveForecaster,
        ThetaForecaster,
    )
    from seqforecast.estimators import RNNRegressor
    from seqforecast.forecasting import (
        DirectForecaster,
        EnsembleForecaster,
        RecursiveForecaster,
        Seq2SeqForecaster,
    )

    sp, horizon = FREQUENCIES[frequency]["sp"], FREQUENCIES[frequency]["horizon"]
    if name in AUTO:
        from seqforecast import AutoRNNForecaster

        if quick:
            return AutoRNNForecaster(horizon, n_members=1, random_state=seed)
        return AutoRNNForecaster(horizon, random_state=seed, **({"n_members": 10} if name == "auto-m10" else {}))
    if name == "naive2":
        return Naive2Forecaster(sp=sp)
    if name == "snaive":
        return SeasonalNaiveForecaster(sp=sp)
    if name == "theta":
        return ThetaForecaster(sp=sp)
    if name == "arima":
        from seqforecast.baselines import ARIMAForecaster

        return ARIMAForecaster(sp=sp, method="css") if sp > 1 else ARIMAForecaster(sp=sp)
    net = {**NET[frequency], "random_state": seed}
    if quick:
        net["max_epochs"] = QUICK["max_epochs"]
    cell, strategy = name.split("-")[:2]
    windows = WINDOWS[frequency][strategy]
    if strategy == "recursive":
        # one step ahead, fed back 48 / 13 times, carrying the GRU/LSTM state: one value per recurrent step
        return RecursiveForecaster(RNNRegressor(cell=cell, **net), scaling="window", **windows)
    if strategy == "seq2seq":
        if name.endswith("-attention"):  # the same net, its decoder attending over the encoder's outputs
            net["attention"] = ATTENTION
        return Seq2SeqForecaster(
            RNNRegressor(cell=cell, architecture="seq2seq", **net), horizon=horizon, scaling="window", **windows
        )
    if name.endswith("-series"):  # z-score each series with its training mean and std instead
        windows = {key: value for key, value in windows.items() if key != "window_scale"}
        return DirectForecaster(RNNRegressor(cell=cell, **net), horizon=horizon, scaling="series", **windows)
    direct = DirectForecaster(RNNRegressor(cell=cell, **net), horizon=horizon, scaling="window", **windows)
    if name.endswith("-ensemble"):
        spec = ENSEMBLE[frequency]
        bases = [clone(direct).set_params(window_length=length) for length in spec["window_lengths"]]
        return EnsembleForecaster(bases, n_members=1 if quick else spec["members"], random_state=seed)
    return direct


def describe(name: str, frequency: str, quick: bool = False) -> str:
    """What the model is, in words, for the table."""
    if name == "auto-m10":
        return "AutoRNNForecaster(horizon, n_members=10): auto with 10 final nets instead of 6 (development row)"
    if name == "auto":
        return (
            "AutoRNNForecaster(horizon) with nothing else set: its own plan, nets and combination "
            "(its choices: settings.config in the JSON file)"
        )
    if name in ("naive2", "snaive", "theta", "arima"):
        return {
            "naive2": "Naive2 (M4 definition)",
            "snaive": "seasonal naive",
            "theta": "Theta (M4 Theta.classic)",
            "arima": "automatic ARIMA (ARIMAForecaster)",
        }[name]
    cell, strategy = name.split("-")[:2]
    text = {
        "direct": "direct multi-output",
        "seq2seq": "seq2seq (encoder-decoder)",
        "recursive": "recursive (state carried)",
    }[strategy]
    per_window = {"std": "per-window z-score", "mean": "per-window level (x / mean - 1)"}
    scale = WINDOWS[frequency][strategy]["window_scale"]
    norm = "per-series z-score" if name.endswith("-series") else per_window[scale]
    spec = ENSEMBLE[frequency]
    lengths = " and ".join(map(str, spec["window_lengths"]))
    members = f"{1 if quick else spec['members']} seed(s) x window length {lengths}"
    extra = f", mean of {members}" if name.endswith("-ensemble") else ""
    if name.endswith("-attention"):
        extra = f", {ATTENTION} attention over the encoder's outputs"
    loss = NET[frequency].get("loss", "squared_error").replace("_", " ")
    return f"{cell.upper()} {text}, {norm}, {loss} loss{extra}"


class LoadSampler:
    """The 1-minute load average, sampled every ``every`` seconds in a background thread."""

    def __init__(self, every: float = 15.0):
        import threading

        self.values, self.every = [], every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.values.append(os.getloadavg()[0])
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.values.append(os.getloadavg()[0])

    def summary(self) -> dict:
        v = self.values or [float("nan")]
        return {
            "min": round(min(v), 2),
            "mean": round(float(np.mean(v)), 2),
            "max": round(max(v), 2),
            "n_samples": len(self.values),
        }


def arima_from_json(path: Path, n_series: int) -> dict | None:
    """The scores of a benchmarks/m4_arima.py run, when its result file is present and on the same series."""
    if not path.exists():
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    scores, settings = result.get("scores", {}), result.get("settings", {})
    if settings.get("n_series") != n_series or "smape" not in scores:
        return None
    timing = result.get("timing", {})
    return {
        "smape": scores["smape"],
        "mase": scores["mase"],
        "fit_seconds": timing.get("wall_s"),
        "predict_seconds": None,
        "settings": {
            "source": f"read from {path.name} (benchmarks/m4_arima.py), not rerun",
            "method": settings.get("method"),
            "seasonal": settings.get("seasonal"),
            "n_jobs": settings.get("n_jobs"),
            "date_utc": result.get("date_utc"),
        },
    }


def run_model(name, frequency, y_train, *, quick, seed):
    """Fit and forecast one model; wall and CPU seconds of each."""
    model = build_model(name, frequency, quick=quick, seed=seed)
    horizon = FREQUENCIES[frequency]["horizon"]
    with LoadSampler() as load:
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(None, y_train)
        fit_s, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        forecast = model.forecast(horizon)
        predict_s = time.perf_counter() - start
    settings = {"code": " ".join(repr(model).split()), "seed": seed if name not in BASELINES else None}
    if name in AUTO:  # what it chose, and the holdout scores it chose by
        settings["config"] = model.config_
        settings["holdout_scores"] = model.holdout_scores_.head(8).round(4).to_dict(orient="records")
    return forecast.to_numpy(), {
        "fit_seconds": fit_s,
        "fit_cpu_seconds": fit_cpu,
        "predict_seconds": predict_s,
        "load_average": load.summary(),
        "settings": settings,
    }


# --------------------------------------------------------------------------------------------- output
def _fmt(value, digits=3):
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def markdown(frequency, rows, official, meta, notes: str | None) -> str:
    s = meta["settings"]
    lines = [
        f"# M4 {frequency}: seqforecast's recurrent forecasters as global models"
        + (" (holdout check: the last horizon of the training data)" if s.get("holdout") else ""),
        "",
        (
            f"{s['n_series']} series{' (quick mode: a subset and few epochs; not comparable with M4)' if s['quick'] else ''}, "
            f"horizon {s['horizon']}, MASE with m = {s['sp']}; OWA relative to Naive2 computed by seqforecast on the "
            f"same series (sMAPE {rows[0]['smape_naive2']:.3f}, MASE {rows[0]['mase_naive2']:.3f})."
        ),
        "",
        "## seqforecast's models",
        "",
        "| model | what | sMAPE | MASE | OWA | fit s (wall) | fit s (CPU) | predict s | load avg (mean, max) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        la = r.get("load_average") or {}
        load = f"{la['mean']}, {la['max']}" if la else ""
        lines.append(
            f"| {r['model']} | {r['what']} | {_fmt(r.get('smape'))} | {_fmt(r.get('mase'))} | "
            f"{_fmt(r.get('owa'))} | {_fmt(r.get('fit_seconds'), 0)} | {_fmt(r.get('fit_cpu_seconds'), 0)} | "
            f"{_fmt(r.get('predict_seconds'), 2)} | {load} |"
        )
    if s.get("holdout"):
        lines += ["", HOLDOUT_TEXT.format(h=s["horizon"])]
        official = []
    else:
        lines += [
            "",
            "## Official M4 results (same frequency, all series)",
            "",
            "| method | sMAPE | MASE | OWA | source |",
            "|---|---|---|---|---|",
        ]
    for o in official:
        lines.append(
            f"| {o['model']} | {_fmt(o.get('smape'))} | {_fmt(o.get('mase'))} | {_fmt(o.get('owa'))} | {o['source']} |"
        )
    recurrent = [r for r in rows if r["model"] in RECURRENT and r.get("owa") is not None]
    if recurrent and not s["quick"] and official:
        best = min(recurrent, key=lambda r: r["owa"])
        targets = {o["model"]: o.get("owa") for o in official if o.get("owa") is not None}
        verdict = [
            f"{label} ({owa:.3f}): {'beaten' if best['owa'] < owa else 'NOT beaten'}" for label, owa in targets.items()
        ]
        lines += [
            "",
            f"Best recurrent model: **{best['model']}**, OWA {best['owa']:.3f} "
            f"(sMAPE {best['smape']:.3f}, MASE {best['mase']:.3f}). Against the official numbers: "
            + "; ".join(verdict)
            + ".",
        ]
        slow = [r["model"] for r in recurrent if r["fit_seconds"] > 900]
        lines += [
            "",
            "Training time limit (15 minutes per recurrent model): "
            + (f"exceeded by {', '.join(slow)}." if slow else "every recurrent model trained within it."),
        ]
    lines += [
        "",
        "## Settings",
        "",
        "Every model is built by the code in its `settings` (sklearn's repr: parameters that differ from the",
        "defaults), from public seqforecast classes: the recurrent models use documented settings, not the",
        "forecasters' defaults (`window_length=24, horizon=12`, which are generic). The same line of code gives",
        "the same model to anyone.",
        "",
    ]
    for r in rows:
        lines.append(f"* `{r['model']}`: `{r['settings'].get('code', r['settings'])}`")
    env = meta["environment"]
    m = env["machine"]
    lines += [
        "",
        "## Run",
        "",
        f"Machine: {m['platform']}, {m['processor']}, {m['cpu_count']} CPUs; torch threads {meta['settings']['torch_threads']}. "
        f"Versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()) + ".",
        (
            f"Seed {s['seed']} (ensemble members: seed, seed + 1, ...). Date {env['date_utc']}. "
            f"Total wall time {meta['wall_seconds']:.0f} s."
        ),
        (
            f"Load average (1 min) during the run: min {meta['load_average']['min']}, mean {meta['load_average']['mean']}, "
            f"max {meta['load_average']['max']} on {m['cpu_count']} CPUs. A load above the number of "
            "CPUs means other jobs shared the machine and wall times were longer; the CPU seconds say how much work "
            "each fit was."
        ),
        "",
        f"Command: `{meta['command']}`",
    ]
    if meta.get("naive2_check"):
        lines += ["", f"Naive2 check against the organisers' forecasts: {meta['naive2_check']}."]
    if meta.get("notes"):
        lines += [""] + [f"Note: {n}" for n in meta["notes"]]
    if notes:
        lines += ["", notes.strip()]
    return "\n".join(lines) + "\n"


HOLDOUT_TEXT = (
    "**Holdout check, not the M4 test.** Every model was fitted on the training part of each series without "
    "its last {h} values and scored on those {h} values; the M4 test values were not used. The settings were "
    "chosen on the M4 test scores (see the development log in the main result), so this run asks whether "
    "the ranking holds at another forecast origin they were not chosen on. Official M4 numbers are for the "
    "test period and are not comparable with this table."
)


def naive2_check(data: Path, frequency: str, forecast: np.ndarray, ids: list) -> str | None:
    path = data / f"{frequency}-Naive2-forecast.csv"
    if not path.exists():
        return None
    official = (
        pd.read_csv(path, index_col=0).loc[ids].to_numpy(dtype=np.float64)[:, : len(forecast)].T
    )  # [S, H] -> [H, S]
    rel = np.abs(forecast - official) / np.abs(official)
    return f"largest relative difference {rel.max():.1e} over {len(ids)} series x {forecast.shape[0]} steps"


# --------------------------------------------------------------------------------------------- main
def _previous_rows(args, frequency, models):
    """The rows of the existing result file (``--merge``) for the models not run now, naive2 excepted."""
    stem = args.out / (f"m4_{frequency}_holdout" if args.holdout else f"m4_{frequency}")
    path = Path(f"{stem}.json")
    if not path.exists():
        return []
    previous = json.loads(path.read_text(encoding="utf-8"))
    if previous.get("settings", {}).get("n_series") not in (None, args.n_series) and args.n_series is not None:
        return []
    date = previous.get("environment", {}).get("date_utc")
    return [
        {**row, "_date_utc": date}
        for row in previous.get("results", [])
        if row["model"] not in models and row["model"] != "naive2"
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frequency", choices=sorted(FREQUENCIES), required=True)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK['n_series']} series, {QUICK['max_epochs']} epochs, 2 ensemble members, no ARIMA",
    )
    parser.add_argument("--n-series", type=int, default=None, help="a random subset of the series (seeded)")
    parser.add_argument("--models", nargs="+", choices=ALL_MODELS, default=None)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--torch-threads", type=int, default=1, help="intra-op threads (1: measured fastest on a shared 2-core machine)"
    )
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="score on the last horizon of the training data (the test values are not used); "
        "writes m4_<frequency>_holdout.*",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the rows of the existing result files for the models not run now (e.g. add "
        "--models auto to a full table); the notes say which rows came from which run",
    )
    parser.add_argument(
        "--arima",
        choices=["run", "json"],
        default="run",
        help="run ARIMAForecaster, or (Hourly) read benchmarks/results/m4_arima_hourly.json",
    )
    args = parser.parse_args(argv)

    frequency = args.frequency
    if not (args.data / f"{frequency}-train.csv").exists() or not (args.data / f"{frequency}-test.csv").exists():
        print(
            f"M4 data not found in {args.data} ({frequency}-train.csv, {frequency}-test.csv). "
            + WHERE_TO_GET.format(f=frequency),
            file=sys.stderr,
        )
        return 2
    import torch

    torch.set_num_threads(args.torch_threads)
    from seqforecast.metrics import m4_scores

    n_series = args.n_series if args.n_series is not None else (QUICK["n_series"] if args.quick else None)
    models = args.models or [m for m in ALL_MODELS if not (args.quick and m == "arima")]
    y_train, y_test, train_rows = load_m4(args.data, frequency, n_series, seed=args.seed)
    sp, horizon = FREQUENCIES[frequency]["sp"], FREQUENCIES[frequency]["horizon"]
    holdout_note = None
    if args.holdout:  # the last horizon of every training series becomes the test; the test values are unused
        y_train, y_test, train_rows, holdout_note = holdout_split(y_train, train_rows, frequency)
    print(f"M4 {frequency}: {y_train.shape[1]} series, horizon {horizon}; models: {', '.join(models)}", flush=True)

    rows, notes, naive2_text = [], [holdout_note] if args.holdout and holdout_note else [], None
    kept = _previous_rows(args, frequency, models) if args.merge else []
    if kept:
        notes.append(
            f"Rows {[r['model'] for r in kept]} are kept from the previous run of "
            f"{kept[0].get('_date_utc', '?')} (--merge); the others were measured in this run."
        )
    started = time.perf_counter()

    def write(rows, load, finished):
        """Write the result files (after every model, so a long run that stops keeps what it measured)."""
        wall = time.perf_counter() - started
        missing = [m for m in models if m not in {r["model"] for r in rows}]
        partial = [] if finished else [f"PARTIAL: the run stopped or is still running; not yet measured: {missing}"]
        official = official_scores(args.data, frequency)
        meta = {
            "benchmark": f"m4_{frequency}",
            "environment": environment(),
            "settings": {
                "frequency": frequency,
                "n_series": y_train.shape[1],
                "horizon": horizon,
                "sp": sp,
                "quick": args.quick,
                "holdout": args.holdout,
                "seed": args.seed,
                "torch_threads": args.torch_threads,
                "data": str(args.data),
                "models": models,
                "windows": WINDOWS[frequency],
                "net": NET[frequency],
                "ensemble": ENSEMBLE[frequency],
                "attention": ATTENTION,
            },
            "load_average": load,
            "wall_seconds": wall,
            "command": "python benchmarks/m4.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "naive2_check": naive2_text,
            "notes": notes + partial,
        }
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / (f"m4_{frequency}_holdout" if args.holdout else f"m4_{frequency}")
        rows = [r for r in kept if r["model"] not in {x["model"] for x in rows}] + rows
        rows = sorted(rows, key=lambda r: ALL_MODELS.index(r["model"]) if r["model"] in ALL_MODELS else 99)
        columns = ["model", "smape", "mase", "owa", "fit_seconds", "predict_seconds", "settings"]
        table = pd.DataFrame(
            [{**{k: r.get(k) for k in columns}, "settings": json.dumps(r["settings"])} for r in rows], columns=columns
        )
        table.to_csv(f"{stem}.csv", index=False)
        write_json(f"{stem}.json", {**meta, "results": rows, "official": official})
        notes_file = Path(__file__).resolve().parent / "results" / f"m4_{frequency}.tried.md"
        text = (
            notes_file.read_text(encoding="utf-8") if notes_file.exists() and not (args.quick or args.holdout) else None
        )
        Path(f"{stem}.md").write_text(markdown(frequency, rows, official, meta, text), encoding="utf-8")
        return stem, wall

    with LoadSampler(every=30.0) as run_load:
        naive2_fc = None
        for name in ["naive2"] + [m for m in models if m != "naive2"]:
            record = None
            if name == "arima":
                json_path = Path(__file__).resolve().parent / "results" / "m4_arima_hourly.json"
                from_json = frequency == "Hourly" and args.arima == "json" and not args.holdout
                record = arima_from_json(json_path, y_train.shape[1]) if from_json else None
                if record is None and args.arima == "json":
                    notes.append(f"ARIMA: {json_path.name} absent or for other series; not run (--arima json).")
                    continue
                if record is not None:
                    notes.append(
                        f"ARIMA: scores read from {json_path.name} (a benchmarks/m4_arima.py run on the "
                        "same series), not rerun here; its fit seconds are that run's wall time."
                    )
            if record is None:
                forecast, record = run_model(name, frequency, y_train, quick=args.quick, seed=args.seed)
                scores = m4_scores(y_test.to_numpy(), forecast, y_train=train_rows, sp=sp, y_pred_naive2=naive2_fc)
                record.update(smape=scores["smape"], mase=scores["mase"])
                if name == "naive2":
                    naive2_fc = forecast
                    naive2_text = (
                        None if args.holdout else naive2_check(args.data, frequency, forecast, list(y_train.columns))
                    )
            else:
                scores = m4_scores(y_test.to_numpy(), naive2_fc, y_train=train_rows, sp=sp, y_pred_naive2=naive2_fc)
            from seqforecast.metrics import owa

            record["owa"] = owa(record["smape"], record["mase"], scores["smape_naive2"], scores["mase_naive2"])
            record.update(
                model=name,
                what=describe(name, frequency, args.quick),
                smape_naive2=scores["smape_naive2"],
                mase_naive2=scores["mase_naive2"],
            )
            rows.append(record)
            print(
                f"  {name:22s} sMAPE {record['smape']:7.3f}  MASE {record['mase']:6.3f}  OWA {record['owa']:.3f}  "
                f"fit {_fmt(record.get('fit_seconds'), 0)} s",
                flush=True,
            )
            write(rows, run_load.summary(), finished=False)
    stem, wall = write(rows, run_load.summary(), finished=True)
    print(f"wrote {stem}.csv, .json, .md ({wall:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
