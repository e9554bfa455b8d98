"""Small real series: does AutoRNNForecaster, with nothing set but the horizon, beat automatic ARIMA?

Eleven real series (or collections) of four frequencies and 20 to 2,284 observations, all shipped with
statsmodels (public domain; sources in each dataset's ``statsmodels.datasets.<name>.SOURCE``), none of which
the package was developed on. Each is forecast from three rolling origins (the last one leaves exactly one
horizon of test data; the others are ``horizon // 2`` and ``horizon`` steps earlier), with M4's horizons
(yearly 6, quarterly 8, monthly 18, weekly 13). Every model is fitted on the data before the origin only.

Scores: MASE per series and origin (M4's scale: seasonal period 1 for yearly and weekly data, 4 quarterly,
12 monthly), averaged over the origins, then the **geometric mean over the series** (a collection counts as
its series' mean). The models: ``AutoRNNForecaster(horizon, random_state=0)`` and ``ARIMAForecaster(sp=sp)``
(automatic order), beside naive, seasonal naive and M4's Theta for context.

Usage::

    python benchmarks/small_series.py                # all series, writes benchmarks/results/small_series.*
    python benchmarks/small_series.py --quick        # two short series, one origin (a smoke test)
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json  # noqa: E402
from seqforecast import (  # noqa: E402
    ARIMAForecaster,
    AutoRNNForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
)
from seqforecast.evaluation.metrics import mase  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
HORIZON = {"yearly": 6, "quarterly": 8, "monthly": 18, "weekly": 13}
MASE_SP = {"yearly": 1, "quarterly": 4, "monthly": 12, "weekly": 1}  # M4's scales
MODEL_SP = {"yearly": 1, "quarterly": 4, "monthly": 12, "weekly": 52}


def _sm(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(f"statsmodels.datasets.{name}").load_pandas().data


def _yearly(values, start):
    return pd.Series(np.asarray(values, dtype=float), index=pd.period_range(str(start), periods=len(values), freq="Y"))


def _quarterly(values, start):
    return pd.Series(np.asarray(values, dtype=float), index=pd.period_range(start, periods=len(values), freq="Q"))


def load_series():
    """name -> (frequency, y, note); y a Series, or a DataFrame for a collection."""
    macro = _sm("macrodata")
    out = {}
    nile = _sm("nile")
    out["nile"] = ("yearly", _yearly(nile["volume"], 1871), "annual flow of the Nile at Aswan, 1871-1970")
    sun = _sm("sunspots")
    out["sunspots"] = ("yearly", _yearly(sun["SUNACTIVITY"], 1700), "yearly sunspot numbers, 1700-2008")
    grun = _sm("grunfeld")
    invest = grun.pivot_table(index="year", columns="firm", values="invest")
    invest.index = pd.PeriodIndex([str(int(y)) for y in invest.index], freq="Y")
    out["grunfeld"] = (
        "yearly",
        invest,
        "gross investment of 11 US firms, 1935-1954 (20 values each; one global model)",
    )
    for col, what in (
        ("realgdp", "US real GDP"),
        ("unemp", "US unemployment rate"),
        ("realinv", "US real private investment"),
    ):
        out[col] = ("quarterly", _quarterly(macro[col], "1959Q1"), f"{what}, 1959Q1-2009Q3")
    rates = _sm("interest_inflation")
    out["interest_rate"] = (
        "quarterly",
        _quarterly(rates["R"], "1972Q2"),
        "German nominal long-term interest rate, 1972Q2-1998Q4",
    )
    danish = _sm("danish_data")
    out["danish_money"] = (
        "quarterly",
        _quarterly(np.exp(danish["lrm"]), "1974Q1"),
        "Danish real money M2 (exp of the log), 1974Q1-1987Q3",
    )
    elnino = _sm("elnino").set_index("YEAR")
    sst = elnino.to_numpy().ravel()
    out["elnino"] = (
        "monthly",
        pd.Series(sst, index=pd.period_range("1950-01", periods=len(sst), freq="M")),
        "monthly sea surface temperature (Nino 1+2), 1950-2010",
    )
    elec = importlib.import_module("statsmodels.datasets.elec_equip").load().data.iloc[:, 0]
    out["elec_equip"] = (
        "monthly",
        pd.Series(elec.to_numpy(dtype=float), index=pd.period_range("1995-01", periods=len(elec), freq="M")),
        "euro-area electrical equipment orders index, 1995-2016",
    )
    co2 = _sm("co2")["co2"]
    gaps = int(co2.isna().sum())
    out["co2"] = (
        "weekly",
        co2.interpolate(method="linear"),
        f"weekly CO2 at Mauna Loa, 1958-2001 ({gaps} missing weeks filled by linear interpolation "
        "here, in the benchmark, and said so)",
    )
    return out


def _models(freq, horizon, seed):
    sp = MODEL_SP[freq]
    models = {
        "auto": AutoRNNForecaster(horizon, random_state=seed),
        "arima": ARIMAForecaster(sp=sp),
        "naive": NaiveForecaster(),
        "theta": ThetaForecaster(sp=sp if sp < 52 else 1),
    }
    if sp > 1:
        models["seasonal_naive"] = SeasonalNaiveForecaster(sp=sp)
    return models


def _origins(n, horizon, n_origins):
    step = max(1, horizon // 2)
    return [n - horizon - k * step for k in range(n_origins - 1, -1, -1)]


def run(names, n_origins, seed):
    data = load_series()
    rows, configs = [], {}
    for name in names:
        freq, y, note = data[name]
        horizon = HORIZON[freq]
        frame = y.to_frame() if isinstance(y, pd.Series) else y
        for origin in _origins(len(y), horizon, n_origins):
            train, test = y.iloc[:origin], y.iloc[origin : origin + horizon]
            for model_name, model in _models(freq, horizon, seed).items():
                start = time.perf_counter()
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        forecast = model.fit(None, train).forecast(horizon)
                    error = ""
                except Exception as exc:  # noqa: BLE001 (a failure is a result: recorded, scored as missing)
                    forecast, error = None, f"{type(exc).__name__}: {exc}"
                seconds = time.perf_counter() - start
                if forecast is None:
                    scores = [math.nan] * frame.shape[1]
                else:
                    scores = mase(
                        test.to_numpy(),
                        forecast.to_numpy(),
                        y_train=train.to_numpy(),
                        sp=MASE_SP[freq],
                        multioutput="raw_values",
                    )
                rows.append(
                    {
                        "series": name,
                        "frequency": freq,
                        "origin": str(train.index[-1]),
                        "n_train": len(train),
                        "model": model_name,
                        "mase": float(np.mean(scores)),
                        "fit_seconds": round(seconds, 3),
                        "error": error,
                    }
                )
                if model_name == "auto" and forecast is not None:
                    configs[name] = _config_summary(model)
                print(
                    f"{name:>14} {str(train.index[-1]):>10} {model_name:>14} MASE {np.mean(scores):7.3f} "
                    f"{seconds:6.1f} s {error}",
                    file=sys.stderr,
                    flush=True,
                )
    return pd.DataFrame(rows), configs, {name: data[name][2] for name in names}


def _config_summary(model):
    config = model.config_
    plan = config.get("plan") or {}
    return {
        "sp": config["sp"],
        "window_lengths": plan.get("window_lengths"),
        "patch_lengths": plan.get("patch_lengths"),
        "window_scale": plan.get("window_scale"),
        "hidden_size": plan.get("hidden_size"),
        "max_epochs": plan.get("max_epochs"),
        "members": len(config.get("members", [])),
        "weights": {k: round(v, 3) for k, v in config["weights"].items() if v > 0},
        "holdout_origins": len(config["holdout"]["origins"]),
    }


def summarise(results):
    per_series = results.groupby(["series", "model"])["mase"].mean().unstack("model")
    geo = np.exp(np.log(per_series).mean(axis=0))
    return per_series, geo.sort_values()


def write(results, configs, notes, args, wall):
    per_series, geo = summarise(results)
    suffix = ".quick" if args.quick else ""
    RESULTS.mkdir(exist_ok=True)
    results.to_csv(RESULTS / f"small_series{suffix}.csv", index=False)
    payload = {
        "environment": environment(),
        "seed": args.seed,
        "n_origins": args.origins,
        "geometric_mean_mase": geo.round(4).to_dict(),
        "per_series_mase": per_series.round(4).to_dict(),
        "auto_config_last_origin": configs,
        "series": notes,
        "wall_seconds": round(wall, 1),
    }
    write_json(RESULTS / f"small_series{suffix}.json", payload)
    env = payload["environment"]
    lines = [
        "# Small real series: AutoRNNForecaster against automatic ARIMA",
        "",
        f"{len(per_series)} series (or collections), {args.origins} rolling origin(s) each; MASE per series "
        "averaged over the origins, then the geometric mean over the series. Command: `python "
        f"benchmarks/small_series.py{' --quick' if args.quick else ''}`.",
        "",
        "| model | geometric mean MASE |",
        "|---|---|",
        *[f"| {m} | {v:.3f} |" for m, v in geo.items()],
        "",
        "## Per series (mean MASE over the origins)",
        "",
        "| series | " + " | ".join(per_series.columns) + " |",
        "|---|" + "---|" * len(per_series.columns),
        *[f"| {s} | " + " | ".join(f"{v:.3f}" for v in row) + " |" for s, row in per_series.iterrows()],
        "",
        "## What AutoRNNForecaster chose (last origin)",
        "",
        *[f"* `{s}`: {json.dumps(c)}" for s, c in configs.items()],
        "",
        "## Series",
        "",
        *[f"* `{s}`: {n}" for s, n in notes.items()],
        "",
        "## Run",
        "",
        f"Machine: {env['machine']}. Versions: {env['versions']}. Seed {args.seed}. Date {env['date_utc']}. "
        f"Wall time {wall:.0f} s. Failures: {int((results['error'] != '').sum())} fit(s) (see the CSV).",
    ]
    (RESULTS / f"small_series{suffix}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return geo


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two short series, one origin")
    parser.add_argument("--origins", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--series", nargs="*", default=None, help="a subset of the series, by name")
    args = parser.parse_args(argv)
    names = list(load_series()) if args.series is None else args.series
    if args.quick:
        names, args.origins = ["grunfeld", "danish_money"], 1
    started = time.perf_counter()
    results, configs, notes = run(names, args.origins, args.seed)
    geo = write(results, configs, notes, args, time.perf_counter() - started)
    print(geo.round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
