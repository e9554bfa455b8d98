"""How AutoRNNForecaster picks among its holdout candidates, studied on a dev set of single series.

The dev set is made of M4 Weekly and Hourly **training** parts only (the M4 test files are never read): 20
weekly series (150 values, horizon 13), 25 series of 13-week sums ("quarterly", 24 to 100 values, horizon
8), 20 of 52-week sums ("yearly", 20 to 50 values, horizon 6), 15 of 24-hour sums ("daily", horizon 14) and
10 hourly series (300 values, horizon 48), each fitted alone and scored by MASE on the last horizon of its
training part. One ``AutoRNNForecaster`` fit per series records the holdout forecasts and the final forecasts
of every component (nets, Theta, seasonal naive, ARIMA); the selection rules are then compared on the same
fits:

* ``best``: the candidate with the lowest holdout MASE (the rule of seqforecast 0.2.0);
* ``sigA<z>``: the best only if its paired t statistic against ARIMA alone is below ``-z``, else ARIMA (the
  first rule kept, ``z = 1.645``, seqforecast 0.3.0 and 0.4.0);
* ``sigAt<level>``: the same with ``z`` Student's t quantile of that level with n - 1 degrees of freedom (n
  the held-out scores: 2.92 for one series at three origins); ``sigAt0.95`` is the rule kept since 0.4.1
  (``switch_critical``);
* ``sig<z>``: the same against the equal-weight mean of all components; ``equal``; ``top2`` (mean of the two
  best single forecasters); ``singles`` (a single forecaster or the equal mean);
* suffix ``_ml``: the same rule with ARIMA fitted by maximum likelihood instead of conditional sums of squares;
* suffix ``_x``: the same rule with every candidate that holds the nets scored as if it had the final ensemble:
  its holdout errors with each holdout net alone (e1) and with their mean (e2, k nets) extrapolated in 1/n to
  ``n_members`` nets, ``e2 - (e1 - e2) (1 - k / n_members) / (k - 1)`` (``_auto_select.extrapolate_ensemble``:
  score(n) = a + b / n, exact in expectation for squared errors of exchangeable nets). A lead from
  ``m4_ensemble_choice.py --frequency Weekly`` (stop 26); from 0.8.0 the package scores collections so
  (``auto._holdout_errors``, studied on ``auto_collection_dev.py``), not single series, where this dev set
  measured it no better.

The benchmarks (``small_series.py``, ``m4.py``) were not used to choose the rule.

Usage::

    python benchmarks/auto_selection_dev.py           # 5 to 15 min on 2 cores; results/auto_selection_dev.*
    python benchmarks/auto_selection_dev.py --records fits.pkl  # keeps the fits; rerun to rescore rules
    python benchmarks/auto_selection_dev.py --quick   # 5 series (a smoke test)
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seqforecast.forecasting._auto_select as auto_select  # noqa: E402
import seqforecast.forecasting.auto as auto  # noqa: E402
from _meta import environment, write_json  # noqa: E402
from m4 import DEFAULT_DATA, load_m4  # noqa: E402
from seqforecast.baselines.arima import auto_arima  # noqa: E402
from seqforecast.forecasting._auto_select import extrapolate_ensemble as extrapolate_score  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
RULES = ("best", "sigA1.645", "sigAt0.95", "sigAt0.9", "sigA1.0", "sig1.0", "equal", "top2", "singles")
#: Rules also scored with the nets' candidates extrapolated to the final ensemble (suffix ``_x``)
EXTRAPOLATED = ("best", "sigAt0.95")

_CAPTURED: dict = {}
_MEMBERS: list = []  # (training frame, holdout nets) of each holdout origin of the latest fit
_choose = auto.AutoRNNForecaster._choose
_fit_members = auto.AutoRNNForecaster._fit_members


def _capture_members(self, plan, H, seed, Y, X, count, **kwargs):
    """Record the nets trained at each holdout origin (for their single forecasts)."""
    members, info = _fit_members(self, plan, H, seed, Y, X, count, **kwargs)
    if kwargs.get("what", "").startswith("holdout"):
        _MEMBERS.append((Y, members))
    return members, info


def _capture(self, components, holdout, non_negative):
    """Record the holdout, and let every component into the final fit (so each rule can be scored)."""
    table, weights = _choose(self, components, holdout, non_negative)
    _CAPTURED.clear()
    _CAPTURED.update(components=list(components), holdout=holdout, chosen=dict(weights))
    return table, {name: 1.0 / len(components) for name in components}


def arima_ml(y, horizon, sp):
    if len(y) < 8 or np.ptp(y) == 0:
        return np.full(horizon, np.nan)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return auto_arima(y, sp=sp if len(y) >= 3 * sp else 1).forecast(horizon)
    except Exception:  # noqa: BLE001 (a failed fit is a missing forecast, as in the package)
        return np.full(horizon, np.nan)


def dev_set(data):
    """(kind, series, horizon, sp, MASE's sp) from the M4 Weekly and Hourly training parts."""
    rng = np.random.default_rng(7)
    _, _, weekly = load_m4(data, "Weekly")
    _, _, hourly = load_m4(data, "Hourly")
    out = [("weekly", weekly[i][-163:], 13, 52, 1) for i in rng.choice(len(weekly), 20, replace=False)]
    long_w = [w for w in weekly if len(w) >= 13 * 40]
    for i in rng.choice(len(long_w), 25, replace=False):
        n = len(long_w[i]) // 13
        q = long_w[i][-13 * n :].reshape(n, 13).sum(axis=1)
        out.append(("quarterly", q[-int(rng.integers(24, 100)) :], 8, 4, 4))
    long_y = [w for w in weekly if len(w) >= 52 * 20]
    for i in rng.choice(len(long_y), min(20, len(long_y)), replace=False):
        n = len(long_y[i]) // 52
        out.append(("yearly", long_y[i][-52 * n :].reshape(n, 52).sum(axis=1), 6, 1, 1))
    for i in rng.choice(len(hourly), 15, replace=False):
        n = len(hourly[i]) // 24
        out.append(("daily", hourly[i][-24 * n :].reshape(n, 24).sum(axis=1), 14, 7, 1))
    out += [("hourly", hourly[i][-348:], 48, 24, 24) for i in rng.choice(len(hourly), 10, replace=False)]
    return out


def collect(series_set, seed):
    auto.AutoRNNForecaster._choose = _capture
    auto.AutoRNNForecaster._fit_members = _capture_members
    records = []
    try:
        for k, (kind, series, horizon, sp, mase_sp) in enumerate(series_set):
            train, test = series[:-horizon].astype(float), series[-horizon:]
            _MEMBERS.clear()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                f = auto.AutoRNNForecaster(horizon, sp=sp, random_state=seed).fit(None, pd.Series(train))
            Y = train[:, None]
            final = {}
            if f.members_:
                final["rnn"] = np.mean([m._predict(horizon, Y, None, None) for m in f.members_], axis=0)[:, 0]
            for name in _CAPTURED["components"]:
                if name != "rnn":
                    final[name] = auto._STATISTICAL[name](Y, horizon, sp)[:, 0]
            final["arima_ml"] = arima_ml(train, horizon, sp)
            holdout, singles = [], []
            for origin, (forecasts, truth, scales, history, _nets) in enumerate(_CAPTURED["holdout"]):
                fc = {name: values[:, 0] for name, values in forecasts.items()}
                fc["arima_ml"] = arima_ml(history[0], horizon, sp)
                holdout.append((fc, truth[:, 0], float(scales[0])))
                # each holdout net's own forecast, as the package forecasts with their mean (one series here)
                Y_k, nets = _MEMBERS[origin] if origin < len(_MEMBERS) else (None, [])
                singles.append([m._predict(horizon, Y_k, None, None)[:, 0] for m in nets] if "rnn" in fc else [])
                if singles[-1]:  # their mean is the nets' holdout forecast the package judged
                    np.testing.assert_allclose(np.mean(singles[-1], axis=0), fc["rnn"], rtol=1e-9, atol=1e-9)
            records.append(
                {
                    "kind": kind,
                    "n": len(train),
                    "final": final,
                    "holdout": holdout,
                    "holdout_singles": singles,
                    "n_members": f.n_members,
                    "test": test,
                    "scale": auto._scale(train, mase_sp),
                    "components": _CAPTURED["components"],
                    "last": float(train[-1]),
                }
            )
            print(f"{k + 1}/{len(series_set)} {kind} n={len(train)}", flush=True)
    finally:
        auto.AutoRNNForecaster._choose = _choose
        auto.AutoRNNForecaster._fit_members = _fit_members
    return records


def _combine(parts, weights, last):
    names = [n for n, w in weights.items() if w > 0 and n in parts]
    if not names:
        return np.full(len(next(iter(parts.values()))), last)
    stacked = [parts[n][:, None] for n in names]
    return auto_select._combine(stacked, [weights[n] for n in names], [np.array([last])], True)[:, 0]


def _errors(rec, weights, components, extrapolate=False):
    out = []
    for origin, (fc, truth, scale) in enumerate(rec["holdout"]):
        if "rnn" in components and "rnn" not in fc:
            continue
        error = np.mean(np.abs(truth - _combine(fc, weights, rec["last"]))) / scale
        nets = rec["holdout_singles"][origin] if extrapolate else []
        if weights.get("rnn", 0) > 0 and len(nets) >= 2:  # scored as with n_members nets: a + b / n
            single = np.mean([np.mean(np.abs(truth - _combine({**fc, "rnn": f}, weights, rec["last"]))) for f in nets])
            error = extrapolate_score(single / scale, error, len(nets), rec["n_members"])
        out.append(error)
    return np.array(out)


def select(rec, components, rule):
    extrapolate = rule.endswith("_x")
    rule = rule.removesuffix("_x")
    equal = {c: 1 / len(components) for c in components}
    if not rec["holdout"] or len(components) <= 1:
        return equal
    scored = []
    for weights in auto_select._candidate_weights(components, "auto"):
        e = _errors(rec, weights, components, extrapolate)
        if len(e):
            scored.append((float(np.mean(e)), weights, e))
    if not scored:
        return equal
    scored.sort(key=lambda t: t[0])
    best = scored[0]
    if rule == "best":
        return best[1]
    if rule == "equal":
        return equal
    if rule.startswith("sigA"):
        arima = next(c for c in components if c.startswith("arima")) if any("arima" in c for c in components) else None
        if arima is None:
            return best[1]
        t = auto_select._paired_t(best[2], _errors(rec, {arima: 1.0}, components))
        if rule.startswith("sigAt"):  # Student's t quantile of level rule[5:] with n - 1 degrees of freedom
            critical = float(stats.t.ppf(float(rule[5:]), len(best[2]) - 1)) if len(best[2]) > 1 else math.inf
        else:
            critical = float(rule[4:])
        return best[1] if t < -critical else {arima: 1.0}
    if rule.startswith("sig"):
        t = auto_select._paired_t(best[2], _errors(rec, equal, components))
        return best[1] if t < -float(rule[3:]) else equal
    singles = sorted((float(np.mean(_errors(rec, {c: 1.0}, components))), c) for c in components)
    if rule == "top2":
        keep = [c for _, c in singles[:2]]
        return {c: 1 / len(keep) for c in keep}
    if rule == "singles":
        options = [(score, {c: 1.0}) for score, c in singles]
        options.append((float(np.mean(_errors(rec, equal, components))), equal))
        return min(options, key=lambda t: t[0])[1]
    raise ValueError(rule)


def score(records):
    rows = []
    for rec in records:
        row = {"kind": rec["kind"], "n": rec["n"]}
        for name, values in rec["final"].items():
            if np.isfinite(values).all():
                row[name] = np.mean(np.abs(rec["test"] - values)) / rec["scale"]
        ml = [("arima_ml" if c == "arima" else c) for c in rec["components"]]
        for rule in RULES + tuple(f"{r}_x" for r in EXTRAPOLATED):
            for suffix, components in (("", rec["components"]), ("_ml", ml)):
                weights = select(rec, components, rule)
                row[rule + suffix] = np.mean(np.abs(rec["test"] - _combine(rec["final"], weights, rec["last"])))
                row[rule + suffix] /= rec["scale"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    values = frame.drop(columns=["kind", "n"])

    def geo(x):
        x = x.dropna()
        return float(np.exp(np.log(np.clip(x, 1e-6, None)).mean())) if len(x) else math.nan

    table = pd.DataFrame({"all": values.apply(geo)})
    for kind, group in frame.groupby("kind"):
        table[kind] = group.drop(columns=["kind", "n"]).apply(geo)
    table["n_series"] = values.notna().sum()
    return frame, table.sort_values("all")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="5 series (a smoke test)")
    parser.add_argument(
        "--records",
        type=Path,
        default=None,
        help="a pickle of the fits: written after fitting, or read instead of fitting when it exists (to score "
        "new rules on the same fits)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    series = dev_set(args.data)
    if args.quick:
        series = series[:: max(1, len(series) // 5)][:5]
    if args.records is not None and args.records.exists():
        with open(args.records, "rb") as handle:  # our own file, written below by this script
            records = pickle.load(handle)  # noqa: S301
    else:
        records = collect(series, args.seed)
        if args.records is not None:
            with open(args.records, "wb") as handle:
                pickle.dump(records, handle)
    frame, table = score(records)
    wall = time.perf_counter() - started
    suffix = "_quick" if args.quick else ""
    RESULTS.mkdir(exist_ok=True)
    frame.to_csv(RESULTS / f"auto_selection_dev{suffix}.csv", index=False)
    write_json(
        RESULTS / f"auto_selection_dev{suffix}.json",
        {"table": table.round(4).to_dict(), "seed": args.seed, "wall_seconds": round(wall, 1), **environment()},
    )
    lines = [
        "# AutoRNN's holdout selection rules on a dev set of single series",
        "",
        f"{len(frame)} series (M4 Weekly and Hourly training parts, some aggregated); geometric mean MASE on the "
        "last horizon of each training part, by rule (rows) and kind of series (columns). Command: "
        "`python benchmarks/auto_selection_dev.py`" + (" --quick" if args.quick else "") + ".",
        "",
        table.round(3).to_markdown(),
        "",
        f"Seed {args.seed}. Wall time {wall:.0f} s. Versions and machine: `auto_selection_dev{suffix}.json`.",
    ]
    (RESULTS / f"auto_selection_dev{suffix}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
