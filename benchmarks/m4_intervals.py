"""M4 Hourly and Weekly 95 % prediction intervals: seqforecast's forecasters scored by MSIS and ACD.

Every model is fitted on the training part of every series of one M4 frequency, forecasts the horizon (48
hours, 13 weeks) with ``forecast(H, coverage=0.95)`` (columns ``<series>_lower`` / ``_upper``), and is scored
the M4 way on the test part with seqforecast's metrics: MSIS (alpha = 0.05, scaled as MASE: m = 24 Hourly,
1 Weekly), ACD (|share of all test values inside their interval - 0.95|), the empirical coverage and the mean
width; and, for context, the point forecast's sMAPE, MASE and OWA (relative to Naive2 computed by seqforecast
on the same series). The official M4 interval results (ARIMA, ETS, Naive, ES-RNN #118, the best entry) are put
beside ours, read from ``m4_official_interval_results_by_frequency.csv``.

Nothing here is tuned on the test part. The recurrent nets are those of ``benchmarks/m4.py``'s hand recipe
for the frequency (its ``WINDOWS["direct"]`` and ``NET`` dictionaries, one net, seed 0); ARIMA is the setting
of ``benchmarks/m4_arima.py`` / ``m4.py``; ETS, the conformal origins and the conformal score are fixed,
documented choices (see ``MODELS`` below and the ``what`` column), made before any test value was looked at.
The quantile levels are the two bounds of the 95 % interval and the median. ``--holdout`` scores every model
on the last horizon of the training data instead (the test values unread): new interval methods
(``gru-conformal-normalized``, ``gru-ensemble-conformal-normalized``) were run there before the test. The
Hourly sequence, told in full: one normalized-conformal GRU (holdout 8.619, then test 7.999), m4.py's two
windows with one seed each (holdout 8.204, test 7.559), then m4.py's ``gru-direct-ensemble`` unchanged, three
seeds each (``gru-full-ensemble-conformal-normalized``: holdout 7.758, test 7.120, run side by side). Each step
was added after the previous one's test score was known, so the last is not a blind choice; but each was
better on the holdout too (ARIMA there: 8.674), the holdout alone would pick the same row, and no setting of
the nets was changed: the larger ensemble is the recipe m4.py already had.

Run from the repository root (writes DIR/m4_intervals_<frequency>.json and .md; ``.quick`` in the name with
``--quick``)::

    nice .venv/bin/python benchmarks/m4_intervals.py --frequency Hourly --out benchmarks/results
    nice .venv/bin/python benchmarks/m4_intervals.py --frequency Weekly --models arima gru-quantile
    .venv/bin/python benchmarks/m4_intervals.py --frequency Weekly --quick     # 20 series, 1 epoch
    nice .venv/bin/python benchmarks/m4_intervals.py --frequency Hourly --holdout --models arima gru-conformal

The data are the organisers' files ``<Frequency>-train.csv`` and ``<Frequency>-test.csv`` (M4-methods
repository, ``Dataset/Train`` and ``Dataset/Test``); by default they are read from ``shared/data/m4`` next to
the repository (``--data`` to change it), with the official tables in the same folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json
from m4 import (
    DEFAULT_DATA,
    ENSEMBLE,
    FREQUENCIES,
    NET,
    WHERE_TO_GET,
    WINDOWS,
    LoadSampler,
    _fmt,
    holdout_split,
    load_m4,
)

COVERAGE = 0.95
QUANTILES = (0.025, 0.5, 0.975)  # the bounds of the 95 % interval, and the median as the point forecast
SEED = 0
QUICK = {"n_series": 20, "max_epochs": 1, "n_origins": 2}
# Conformal calibration of the nets: the n_origins most recent origins, one horizon apart (ConformalForecaster's
# default step), so the calibration windows tile the last n_origins horizons of the training data. One net per
# origin plus the final one: (n_origins + 1) fits. Three origins keep that to four fits of the recipe's net,
# and give n_origins x n_series pooled errors per step (1,242 Hourly, 1,077 Weekly), far above the 19 a 95 %
# interval needs.
CONFORMAL = {"n_origins": 3, "method": "scaled"}
_ORIGINS = {}  # --n-origins, when given: it replaces both defaults for this run (set by main)
# Weekly: 65 of the 359 series have 80 values; at the first origin (3 horizons before the end) they have 41,
# fewer than the window + horizon (52 + 13) a DirectForecaster trains on. min_observations=28 (the largest
# with 28 + 13 <= 41) pads them instead (DirectForecaster's documented option); on the full training data every
# series has >= 65 values, so the final net pads nothing (it only gets an observed-indicator feature, always 1).
CONFORMAL_MIN_OBSERVATIONS = {"Hourly": None, "Weekly": 28}
# ETS: a fixed additive damped-trend model (Gardner & McKenzie 1985; the "damped" benchmark of M3/M4), with an
# additive daily profile on Hourly (sp = 24); additive, so its intervals are statsmodels' exact ones. The
# package has no automatic ETS selection, so this is not R's ets() that the official ETS row used.
ETS = {
    "Hourly": {"error": "add", "trend": "add", "damped_trend": True, "seasonal": "add", "sp": 24},
    "Weekly": {"error": "add", "trend": "add", "damped_trend": True},
}
# Official rows beside ours: (label, method in the official interval CSV). The best entry is the lowest MSIS
# of the frequency in that file (found, not hard-coded).
OFFICIAL_ROWS = [
    ("ARIMA (official benchmark)", "ARIMA"),
    ("ETS (official benchmark)", "ETS"),
    ("Naive (official benchmark)", "Naive"),
    ("ES-RNN, Smyl (M4 winner, #118)", "118"),
]
# The targets: MSIS below the official ARIMA with ACD <= 0.02; goal below the best entry.
TARGET_ACD = 0.02


# --------------------------------------------------------------------------------------------- models
def _net(frequency: str, quick: bool, seed: int, **changes) -> dict:
    net = {**NET[frequency], "random_state": seed, **changes}
    if quick:
        net["max_epochs"] = QUICK["max_epochs"]
    return net


def _direct(frequency: str, quick: bool, seed: int, **net_changes):
    """m4.py's hand-recipe direct GRU for the frequency (window, patches, per-window scaling), one net."""
    from seqforecast.estimators import RNNRegressor
    from seqforecast.forecasting import DirectForecaster

    horizon = FREQUENCIES[frequency]["horizon"]
    estimator = RNNRegressor(cell="gru", **_net(frequency, quick, seed, **net_changes))
    return DirectForecaster(estimator, horizon=horizon, scaling="window", **WINDOWS[frequency]["direct"])


def _conformal(forecaster, frequency: str, quick: bool, method: str = CONFORMAL["method"]):
    from seqforecast.forecasting import ConformalForecaster

    horizon = FREQUENCIES[frequency]["horizon"]
    n_origins = _ORIGINS.get("n", QUICK["n_origins"] if quick else CONFORMAL["n_origins"])
    return ConformalForecaster(forecaster, horizon=horizon, n_origins=n_origins, step=horizon, method=method)


def build_naive(frequency, quick, seed):
    from seqforecast.baselines import NaiveForecaster
    from seqforecast.forecasting import ConformalForecaster

    horizon = FREQUENCIES[frequency]["horizon"]
    return ConformalForecaster(NaiveForecaster(), horizon=horizon, method=CONFORMAL["method"])


def build_arima(frequency, quick, seed):
    from seqforecast.baselines import ARIMAForecaster

    sp = FREQUENCIES[frequency]["sp"]
    # as benchmarks/m4.py and m4_arima.py: CSS estimation on the seasonal Hourly series (15 times faster than
    # css-ml there), the default (CSS search, ML estimate) on Weekly
    return ARIMAForecaster(sp=sp, method="css") if sp > 1 else ARIMAForecaster(sp=sp)


def build_ets(frequency, quick, seed):
    from seqforecast.baselines import ETSForecaster

    return ETSForecaster(**ETS[frequency])


def build_gru_quantile(frequency, quick, seed):
    return _direct(frequency, quick, seed, loss="quantile", quantiles=QUANTILES)


def build_gru_quantile_ensemble(frequency, quick, seed):
    """m4.py's ensemble recipe (the direct GRU on each of its window lengths, its number of seeds each) with the
    quantile head; the members' quantiles are averaged level by level."""
    from sklearn.base import clone

    from seqforecast.forecasting import EnsembleForecaster

    direct = _direct(frequency, quick, seed, loss="quantile", quantiles=QUANTILES)
    spec = ENSEMBLE[frequency]
    bases = [clone(direct).set_params(window_length=length) for length in spec["window_lengths"]]
    return EnsembleForecaster(bases, n_members=1 if quick else spec["members"], random_state=seed)


def build_gru_gaussian(frequency, quick, seed):
    """m4.py's direct GRU recipe with a Gaussian head: each step's interval from its predicted distribution."""
    return _direct(frequency, quick, seed, loss="gaussian")


def build_gru_gaussian_paths(frequency, quick, seed):
    """m4.py's recursive GRU (window, per-window scaling) with a Gaussian head: intervals from sample paths."""
    from seqforecast.estimators import RNNRegressor
    from seqforecast.forecasting import RecursiveForecaster

    estimator = RNNRegressor(cell="gru", **_net(frequency, quick, seed, loss="gaussian"))
    return RecursiveForecaster(estimator, scaling="window", **WINDOWS[frequency]["recursive"])


def build_gru_conformal(frequency, quick, seed, method=CONFORMAL["method"]):
    direct = _direct(frequency, quick, seed)  # the recipe's absolute-error loss: a median forecast
    minimum = CONFORMAL_MIN_OBSERVATIONS[frequency]
    if minimum is not None:
        direct.set_params(min_observations=minimum)
    return _conformal(direct, frequency, quick, method)


def build_gru_conformal_normalized(frequency, quick, seed):
    """gru-conformal with each error divided by the net's own mean absolute error on that series at the other
    origins (ConformalForecaster(method="normalized")): a series the net forecasts well gets narrow intervals."""
    return build_gru_conformal(frequency, quick, seed, method="normalized")


def build_gru_ensemble_conformal_normalized(frequency, quick, seed, members=1):
    """m4.py's ensemble recipe with ``members`` seeds per window length (direct GRUs on each of its windows, the
    recipe's absolute-error loss), point forecasts averaged, in ConformalForecaster(method="normalized")."""
    from sklearn.base import clone

    from seqforecast.forecasting import EnsembleForecaster

    direct = _direct(frequency, quick, seed)
    minimum = CONFORMAL_MIN_OBSERVATIONS[frequency]
    if minimum is not None:
        direct.set_params(min_observations=minimum)
    bases = [clone(direct).set_params(window_length=length) for length in ENSEMBLE[frequency]["window_lengths"]]
    ensemble = EnsembleForecaster(bases, n_members=1 if quick else members, random_state=seed)
    return _conformal(ensemble, frequency, quick, "normalized")


def build_gru_full_ensemble_conformal_normalized(frequency, quick, seed):
    """m4.py's gru-direct-ensemble as it is (its number of seeds on each window length) in normalized conformal:
    the package's best point forecaster on M4, so its errors, and the intervals, are the smallest."""
    return build_gru_ensemble_conformal_normalized(frequency, quick, seed, members=ENSEMBLE[frequency]["members"])


def build_auto_conformal(frequency, quick, seed):
    from seqforecast import AutoRNNForecaster

    horizon = FREQUENCIES[frequency]["horizon"]
    auto = (
        AutoRNNForecaster(horizon, n_members=1, random_state=seed)
        if quick
        else AutoRNNForecaster(horizon, random_state=seed)
    )
    return _conformal(auto, frequency, quick)


def _conformal_text(frequency, quick, method=CONFORMAL["method"]):
    n = _ORIGINS.get("n", QUICK["n_origins"] if quick else CONFORMAL["n_origins"])
    h = FREQUENCIES[frequency]["horizon"]
    divided = (
        "each series' mean absolute change (method='scaled')"
        if method == "scaled"
        else "the net's own mean absolute error on that series at the other origins (method='normalized'; the "
        "interval: that error over all origins times the quantile)"
    )
    return (
        f"split conformal, {n} origins {h} steps apart (the last {n} horizons of the training data; {n + 1} fits), "
        f"absolute errors divided by {divided}, pooled over series"
    )


def _describe(name: str, frequency: str, quick: bool) -> str:
    if name == "naive":
        return (
            "Naive1 (last value) with split-conformal intervals, ConformalForecaster's default origins, "
            "method='scaled'; NOT the official Naive's interval method"
        )
    if name == "arima":
        return "automatic ARIMA (ARIMAForecaster), Gaussian intervals of the chosen model"
    if name == "ets":
        spec = ETS[frequency]
        label = "ETS(A,Ad,A), sp=24" if spec.get("seasonal") else "ETS(A,Ad,N)"
        return f"{label}, fixed (no automatic selection), exact Gaussian intervals"
    loss = NET[frequency]["loss"].replace("_", " ")
    recipe = "GRU direct, m4.py's recipe (window, patches, per-window scaling), one net"
    if name == "gru-quantile":
        return f"{recipe}, quantile head at {QUANTILES} (pinball loss); median as point forecast"
    if name == "gru-quantile-ensemble":
        spec = ENSEMBLE[frequency]
        members = 1 if quick else spec["members"]
        return (
            f"m4.py's ensemble recipe: the direct GRU on windows of {spec['window_lengths']}, {members} seed(s) each, "
            f"quantile head at {QUANTILES}; quantiles averaged level by level (EnsembleForecaster)"
        )
    if name == "gru-gaussian":
        return f"{recipe}, Gaussian distribution head (loss='gaussian'); interval: each step's predicted normal"
    if name == "gru-gaussian-paths":
        return (
            "GRU recursive, m4.py's recursive recipe (window, per-window scaling), one net, Gaussian distribution "
            "head (loss='gaussian'); interval: empirical quantiles of 1,000 seeded sample paths that carry the state"
        )
    if name in ("gru-conformal", "gru-conformal-normalized"):
        pad = CONFORMAL_MIN_OBSERVATIONS[frequency]
        padded = f", min_observations={pad} (pads the shortest series at the early origins)" if pad else ""
        method = "normalized" if name.endswith("normalized") else CONFORMAL["method"]
        return f"{recipe}, {loss} loss{padded}; {_conformal_text(frequency, quick, method)}"
    if name == "gru-ensemble-conformal-normalized":
        pad = CONFORMAL_MIN_OBSERVATIONS[frequency]
        padded = f", min_observations={pad}" if pad else ""
        return (
            f"m4.py's ensemble recipe with one seed per window: the direct GRU on windows of "
            f"{ENSEMBLE[frequency]['window_lengths']}, {loss} loss{padded}, point forecasts averaged; "
            f"{_conformal_text(frequency, quick, 'normalized')}"
        )
    if name == "gru-full-ensemble-conformal-normalized":
        pad = CONFORMAL_MIN_OBSERVATIONS[frequency]
        padded = f", min_observations={pad}" if pad else ""
        members = 1 if quick else ENSEMBLE[frequency]["members"]
        return (
            f"m4.py's gru-direct-ensemble as it is: the direct GRU on windows of "
            f"{ENSEMBLE[frequency]['window_lengths']}, {members} seed(s) each, {loss} loss{padded}, point forecasts "
            f"averaged; {_conformal_text(frequency, quick, 'normalized')}"
        )
    if name == "auto-conformal":
        members = "n_members=1 (quick)" if quick else "its defaults"
        return f"AutoRNNForecaster(horizon) with {members}; {_conformal_text(frequency, quick)}"
    return name


# name -> builder(frequency, quick, seed): extend here. "auto-conformal" and the full ensemble are not in the
# default list (costly: four fits of six nets, or of AutoRNN).
MODELS = {
    "naive": build_naive,
    "arima": build_arima,
    "ets": build_ets,
    "gru-quantile": build_gru_quantile,
    "gru-quantile-ensemble": build_gru_quantile_ensemble,
    "gru-gaussian": build_gru_gaussian,
    "gru-gaussian-paths": build_gru_gaussian_paths,
    "gru-conformal": build_gru_conformal,
    "gru-conformal-normalized": build_gru_conformal_normalized,
    "gru-ensemble-conformal-normalized": build_gru_ensemble_conformal_normalized,
    "gru-full-ensemble-conformal-normalized": build_gru_full_ensemble_conformal_normalized,
    "auto-conformal": build_auto_conformal,
}
DEFAULT_MODELS = [name for name in MODELS if name not in ("auto-conformal", "gru-full-ensemble-conformal-normalized")]
SEEDED = {
    "gru-quantile",
    "gru-quantile-ensemble",
    "gru-gaussian",
    "gru-gaussian-paths",
    "gru-conformal",
    "gru-conformal-normalized",
    "gru-ensemble-conformal-normalized",
    "gru-full-ensemble-conformal-normalized",
    "auto-conformal",
}


# --------------------------------------------------------------------------------------------- scoring
def run_model(name, frequency, y_train, *, quick, seed):
    """Fit, forecast with 95 % intervals; the point, lower and upper forecasts ([H, S] each) and the record."""
    from seqforecast.exceptions import ConvergenceWarning

    model = MODELS[name](frequency, quick, seed)
    horizon = FREQUENCIES[frequency]["horizon"]
    with LoadSampler() as load, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(None, y_train)
        fit_s, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        frame = model.forecast(horizon, coverage=COVERAGE)
        predict_s = time.perf_counter() - start
    converge = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    names = list(y_train.columns)
    point = frame[names].to_numpy()
    lower = frame[[f"{c}_lower" for c in names]].to_numpy()
    upper = frame[[f"{c}_upper" for c in names]].to_numpy()
    settings = {"code": " ".join(repr(model).split()), "seed": seed if name in SEEDED else None}
    if converge:  # kept, not hidden: how many fits warned, and the first message
        settings["convergence_warnings"] = {"count": len(converge), "first": converge[0]}
    if name == "auto-conformal":
        settings["config"] = model.forecaster_.config_
    if hasattr(model, "residuals_"):  # conformal: where it calibrated
        settings["calibration"] = {
            "n_origins": int(model.residuals_.shape[0]),
            "cutoffs": [int(c) for c in model.cutoffs_],
            "errors_per_step": int(model.residuals_.shape[0] * model.residuals_.shape[2]),
            "half_widths_first_last_step": [float(w) for w in model.half_widths(COVERAGE)[[0, -1]]],
        }
    return (
        point,
        lower,
        upper,
        {
            "fit_seconds": fit_s,
            "fit_cpu_seconds": fit_cpu,
            "predict_seconds": predict_s,
            "load_average": load.summary(),
            "settings": settings,
        },
    )


def score(y_test, point, lower, upper, train_rows, sp, naive2):
    """MSIS, ACD, coverage, width (seqforecast.evaluation.probabilistic) and sMAPE / MASE / OWA."""
    from seqforecast.evaluation.probabilistic import acd, interval_coverage, interval_width, msis
    from seqforecast.metrics import m4_scores, owa

    # a model may give bounds that cross its point forecast but never lower > upper; keep them as given
    point_scores = m4_scores(y_test, point, y_train=train_rows, sp=sp, y_pred_naive2=naive2)
    return {
        "msis": msis(y_test, lower, upper, y_train=train_rows, sp=sp, coverage=COVERAGE),
        "acd": acd(y_test, lower, upper, coverage=COVERAGE),
        "coverage": interval_coverage(y_test, lower, upper),
        "width": interval_width(lower, upper),
        "smape": point_scores["smape"],
        "mase": point_scores["mase"],
        "owa": owa(
            point_scores["smape"], point_scores["mase"], point_scores["smape_naive2"], point_scores["mase_naive2"]
        ),
        "smape_naive2": point_scores["smape_naive2"],
        "mase_naive2": point_scores["mase_naive2"],
    }


def official_intervals(data: Path, frequency: str) -> list[dict]:
    """Official MSIS / ACD of the reference methods and of the best entry of the frequency."""
    path = data / "m4_official_interval_results_by_frequency.csv"
    if not path.exists():
        return [{"model": label, "source": f"{path.name} not found"} for label, _ in OFFICIAL_ROWS]
    key = frequency.lower()
    with open(path, newline="", encoding="utf-8") as fh:
        found = {row["method"]: row for row in csv.DictReader(fh)}

    def row_of(label, method):
        row = found.get(method)
        if row is None or not row.get(f"msis_{key}"):
            return {"model": label, "source": f"method {method!r} not found in {path.name}"}
        return {
            "model": label,
            "msis": float(row[f"msis_{key}"]),
            "acd": float(row[f"acd_{key}"]),
            "source": f"{path.name}, method {method!r}",
        }

    out = [row_of(label, method) for label, method in OFFICIAL_ROWS]
    scored = [m for m, r in found.items() if r.get(f"msis_{key}")]
    best = min(scored, key=lambda m: float(found[m][f"msis_{key}"]))
    out.append(row_of(f"best {frequency} entry (#{best})", best))
    return out


# --------------------------------------------------------------------------------------------- output
def markdown(frequency, rows, official, meta) -> str:
    s = meta["settings"]
    quick = s["quick"]
    lines = [
        f"# M4 {frequency}: 95 % prediction intervals of seqforecast's forecasters"
        + (" (HOLDOUT CHECK: the last horizon of the training data, not the test)" if s.get("holdout") else ""),
        "",
        (
            f"{s['n_series']} series"
            + (
                f" (QUICK MODE: a subset, {QUICK['max_epochs']} epoch(s), {s['conformal']['n_origins']} conformal "
                "origins; a smoke test, not comparable with M4)"
                if quick
                else ""
            )
            + f", horizon {s['horizon']}, coverage {COVERAGE}; MSIS with alpha = {1 - COVERAGE:.2f}, scaled as MASE "
            f"with m = {s['sp']}; ACD = |coverage - {COVERAGE}| over all test values. Point scores for context; "
            "OWA relative to Naive2 computed by seqforecast on the same series"
            + (f" (sMAPE {rows[0]['smape_naive2']:.3f}, MASE {rows[0]['mase_naive2']:.3f})." if rows else ".")
        ),
        "",
        "## seqforecast's models",
        "",
        "| model | what | MSIS | ACD | coverage | mean width | sMAPE | MASE | OWA | fit s (wall) | fit s (CPU) | "
        "predict s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['what']} | {_fmt(r['msis'])} | {_fmt(r['acd'])} | {_fmt(r['coverage'])} | "
            f"{_fmt(r['width'], 1)} | {_fmt(r['smape'])} | {_fmt(r['mase'])} | {_fmt(r['owa'])} | "
            f"{_fmt(r['fit_seconds'], 0)} | {_fmt(r['fit_cpu_seconds'], 0)} | {_fmt(r['predict_seconds'], 2)} |"
        )
    lines += [
        "",
        "## Official M4 interval results (same frequency, all series)",
        "",
        "| method | MSIS | ACD | source |",
        "|---|---|---|---|",
    ]
    for o in official:
        lines.append(f"| {o['model']} | {_fmt(o.get('msis'))} | {_fmt(o.get('acd'))} | {o['source']} |")
    arima = next((o.get("msis") for o in official if o["model"].startswith("ARIMA")), None)
    best = next((o.get("msis") for o in official if o["model"].startswith("best")), None)
    if rows and arima is not None and best is not None:
        lines += ["", "## Against the issue's targets", ""]
        if quick:
            lines.append("Quick mode: no verdict (a subset of series and undertrained nets).")
        else:
            for r in rows:
                ok = r["msis"] < arima and r["acd"] <= TARGET_ACD
                goal = r["msis"] < best and r["acd"] <= TARGET_ACD
                lines.append(
                    f"* {r['model']}: MSIS {r['msis']:.3f}, ACD {r['acd']:.3f}: target (MSIS < {arima:.3f}, ACD <= "
                    f"{TARGET_ACD}) {'MET' if ok else 'not met'}; goal (MSIS < {best:.3f}) {'MET' if goal else 'not met'}."
                )
    lines += [
        "",
        "## Settings",
        "",
        "Every model is built by the code in its `settings` (sklearn's repr: the parameters that differ from the",
        "defaults). The nets are benchmarks/m4.py's hand recipe for this frequency; nothing was tuned on the test",
        "part (see the header of benchmarks/m4_intervals.py).",
        "",
    ]
    for r in rows:
        lines.append(f"* `{r['model']}`: `{r['settings']['code']}`")
        if "calibration" in r["settings"]:
            lines.append(f"  calibration: {r['settings']['calibration']}")
        if "convergence_warnings" in r["settings"]:
            w = r["settings"]["convergence_warnings"]
            lines.append(f"  convergence warnings: {w['count']} (first: {w['first']})")
    env = meta["environment"]
    m = env["machine"]
    lines += [
        "",
        "## Run",
        "",
        f"Machine: {m['platform']}, {m['processor']}, {m['cpu_count']} CPUs; torch threads {s['torch_threads']}. "
        "Versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()) + ".",
        f"Seed {s['seed']}. Date {env['date_utc']}. Total wall time {meta['wall_seconds']:.0f} s.",
        (
            f"Load average (1 min) during the run: min {meta['load_average']['min']}, mean "
            f"{meta['load_average']['mean']}, max {meta['load_average']['max']} on {m['cpu_count']} CPUs (above "
            "the CPU count: other jobs shared the machine and wall times are longer; CPU seconds say the work)."
        ),
        "",
        f"Command: `{meta['command']}`",
    ]
    for note in meta.get("notes", []):
        lines += ["", f"Note: {note}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frequency", choices=sorted(FREQUENCIES), required=True)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK['n_series']} series, {QUICK['max_epochs']} epoch(s), {QUICK['n_origins']} conformal origins; "
        "files named .quick",
    )
    parser.add_argument("--n-series", type=int, default=None, help="a random subset of the series (seeded)")
    parser.add_argument(
        "--models",
        nargs="+",
        choices=list(MODELS),
        default=None,
        help=f"default: {' '.join(DEFAULT_MODELS)}",
    )
    parser.add_argument(
        "--n-origins",
        type=int,
        default=None,
        help=f"conformal origins of the nets (default {CONFORMAL['n_origins']}, quick {QUICK['n_origins']}); "
        "each one is a refit; Weekly allows at most 3 (its 80-value series)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the rows of the existing result file for the models not run now (their run is noted)",
    )
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="score on the last horizon of the training data instead of the test (to compare methods without "
        "the test values); writes m4_intervals_<frequency>_holdout.*",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--torch-threads", type=int, default=1, help="intra-op threads (1, as benchmarks/m4.py)")
    args = parser.parse_args(argv)

    frequency = args.frequency
    _ORIGINS.clear()
    if args.n_origins is not None:  # the conformal nets' origins, read by _conformal and _conformal_text
        _ORIGINS["n"] = args.n_origins
    if not (args.data / f"{frequency}-train.csv").exists() or not (args.data / f"{frequency}-test.csv").exists():
        print(
            f"M4 data not found in {args.data} ({frequency}-train.csv, {frequency}-test.csv). "
            + WHERE_TO_GET.format(f=frequency),
            file=sys.stderr,
        )
        return 2
    import torch

    torch.set_num_threads(args.torch_threads)
    from seqforecast.baselines import Naive2Forecaster

    n_series = args.n_series if args.n_series is not None else (QUICK["n_series"] if args.quick else None)
    models = args.models or DEFAULT_MODELS
    y_train, y_test, train_rows = load_m4(args.data, frequency, n_series, seed=args.seed)
    holdout_note = None
    if args.holdout:  # the last horizon of every training series becomes the test; the test values are unused
        y_train, y_test, train_rows, holdout_note = holdout_split(y_train, train_rows, frequency)
    y_true = y_test.to_numpy()
    sp, horizon = FREQUENCIES[frequency]["sp"], FREQUENCIES[frequency]["horizon"]
    print(f"M4 {frequency} intervals: {y_train.shape[1]} series, horizon {horizon}; models: {', '.join(models)}")
    naive2 = Naive2Forecaster(sp=sp).fit(None, y_train).forecast(horizon).to_numpy()
    official = official_intervals(args.data, frequency)
    stem = args.out / (f"m4_intervals_{frequency}{'_holdout' if args.holdout else ''}{'.quick' if args.quick else ''}")
    rows, notes, failed, started = [], [], [], time.perf_counter()
    if args.holdout:
        notes.append(
            "HOLDOUT CHECK, not the M4 test: every model was fitted on the training part of each series without "
            f"its last {horizon} values and scored on those values; the official numbers are for the test period "
            "and are not comparable." + (f" {holdout_note}" if holdout_note else "")
        )
    notes.append(
        "naive: the official Naive benchmark's intervals are not reproduced (seqforecast's NaiveForecaster has "
        "none); its row wraps Naive1 in ConformalForecaster."
    )

    if args.merge and Path(f"{stem}.json").exists():
        previous = json.loads(Path(f"{stem}.json").read_text(encoding="utf-8"))
        kept = [r for r in previous.get("results", []) if r["model"] not in models]
        rows.extend(kept)
        if kept:
            notes.append(
                f"rows {[r['model'] for r in kept]} kept from an earlier run: `{previous.get('command')}` on "
                f"{previous.get('environment', {}).get('date_utc')} (its load average: {previous.get('load_average')})"
            )

    def write(load, finished):
        wall = time.perf_counter() - started
        missing = [m for m in models if m not in {r["model"] for r in rows} and m not in failed]
        meta = {
            "benchmark": f"m4_intervals_{frequency}",
            "environment": environment(),
            "settings": {
                "frequency": frequency,
                "n_series": y_train.shape[1],
                "horizon": horizon,
                "sp": sp,
                "coverage": COVERAGE,
                "quick": args.quick,
                "holdout": args.holdout,
                "quick_settings": QUICK if args.quick else None,
                "seed": args.seed,
                "torch_threads": args.torch_threads,
                "data": str(args.data),
                "models": models,
                "windows": WINDOWS[frequency]["direct"],
                "net": NET[frequency],
                "quantiles": QUANTILES,
                "conformal": {
                    **CONFORMAL,
                    "n_origins": _ORIGINS.get("n", QUICK["n_origins"] if args.quick else CONFORMAL["n_origins"]),
                    "step": horizon,
                    "min_observations": CONFORMAL_MIN_OBSERVATIONS[frequency],
                },
                "ets": ETS[frequency],
            },
            "load_average": load,
            "wall_seconds": wall,
            "command": "python benchmarks/m4_intervals.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "notes": notes + ([] if finished else [f"PARTIAL: not yet measured: {missing}"]),
        }
        write_json(f"{stem}.json", {**meta, "results": rows, "official": official})
        Path(f"{stem}.md").write_text(markdown(frequency, rows, official, meta), encoding="utf-8")

    with LoadSampler(every=30.0) as run_load:
        for name in models:
            try:
                point, lower, upper, record = run_model(name, frequency, y_train, quick=args.quick, seed=args.seed)
            except Exception as exc:  # noqa: BLE001 - one model's failure must not lose the others' rows
                failed.append(name)
                notes.append(f"{name} FAILED, no row: {type(exc).__name__}: {' '.join(str(exc).split())[:500]}")
                print(f"  {name:15s} FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
                write(run_load.summary(), finished=False)
                continue
            record.update(score(y_true, point, lower, upper, train_rows, sp, naive2))
            record.update(model=name, what=_describe(name, frequency, args.quick))
            rows.append(record)
            print(
                f"  {name:15s} MSIS {record['msis']:8.3f}  ACD {record['acd']:.3f}  coverage {record['coverage']:.3f}"
                f"  OWA {record['owa']:.3f}  fit {record['fit_seconds']:.0f} s",
                flush=True,
            )
            write(run_load.summary(), finished=False)
    write(run_load.summary(), finished=True)
    print(f"wrote {stem}.json, .md ({time.perf_counter() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
