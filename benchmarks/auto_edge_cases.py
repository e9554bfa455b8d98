"""AutoRNNForecaster on collections nobody tunes for: very short series, mixed lengths, and a time budget.

Three checks on M4 Weekly (read from ``shared/data/m4``, as benchmarks/m4.py), each timed and scored against
naive and M4's Theta on the same series (MASE with M4's weekly scale, period 1):

1. ``short``: all 359 series cut to their last 20 training values, horizon 6 (a global model over series
   too short for a 52-week window: padding and small nets);
2. ``mixed``: 50 series cut to their last 10 values and 50 to their last 500, one DataFrame (leading NaN),
   horizon 13;
3. ``budget``: M4 Hourly, all 414 series, ``time_budget=120`` seconds: the fit time against the budget;
4. ``defaults``: the default ``DirectForecaster(horizon=18)`` and ``RecursiveForecaster()`` (their default
   nets sized to the data) on 1,428 synthetic monthly series of 126 values (a random walk with a yearly
   cycle; the size of M3's monthly collection, about 120,000 training windows): fit time.

The forecasts are scored on the first ``horizon`` values of each series' M4 test part.

Usage::

    python benchmarks/auto_edge_cases.py            # writes benchmarks/results/auto_edge_cases.{json,md}
    python benchmarks/auto_edge_cases.py --cases short mixed --merge   # reruns two, keeps the others' results

Each case records the seqforecast version and the date it ran on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json  # noqa: E402
from m4 import DEFAULT_DATA, load_m4  # noqa: E402
from seqforecast import AutoRNNForecaster, NaiveForecaster, ThetaForecaster  # noqa: E402
from seqforecast.evaluation.metrics import mase  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
CASES = ("short", "mixed", "budget", "defaults")


def _frame(rows, lengths):
    """Series (1-D arrays) cut to their last ``lengths`` values, aligned on their end (leading NaN)."""
    cut = [r[-n:] for r, n in zip(rows, lengths)]
    longest = max(len(c) for c in cut)
    data = {i: np.r_[np.full(longest - len(c), np.nan), c] for i, c in enumerate(cut)}
    return pd.DataFrame(data), cut


def _score(model, frame, cut, test, horizon):
    start = time.perf_counter()
    forecast = model.fit(None, frame).forecast(horizon).to_numpy()
    seconds = time.perf_counter() - start
    # test: [horizon, n_series], rows are time steps as everywhere
    scores = mase(test[:horizon], forecast, y_train=cut, sp=1, multioutput="raw_values")
    return {
        "mase": float(np.mean(scores)),
        "_scores": scores,
        "seconds": round(seconds, 1),
        "finite": bool(np.isfinite(forecast).all()),
        "non_negative": bool((forecast >= 0).all()),
    }


def case_short(data, seed):
    _, y_test, rows = load_m4(data, "Weekly")
    frame, cut = _frame(rows, [20] * len(rows))
    test = y_test.to_numpy()[:6]  # [6, n_series]
    out = {"what": "M4 Weekly, every series cut to its last 20 training values, horizon 6", "n_series": len(rows)}
    for name, model in (
        ("auto", AutoRNNForecaster(6, random_state=seed)),
        ("naive", NaiveForecaster()),
        ("theta", ThetaForecaster()),
    ):
        out[name] = _score(model, frame, cut, test, 6)
        out[name].pop("_scores")
        if name == "auto":
            out["auto_config"] = _summary(model)
    return out


def case_mixed(data, seed):
    _, y_test, rows = load_m4(data, "Weekly")
    long = [i for i, r in enumerate(rows) if len(r) >= 500]
    rng = np.random.default_rng(seed)
    pick = rng.choice(long, 100, replace=False)
    lengths = [10] * 50 + [500] * 50
    frame, cut = _frame([rows[i] for i in pick], lengths)
    test = y_test.to_numpy()[:13, pick]
    out = {"what": "M4 Weekly, 50 series cut to 10 values and 50 to 500, one DataFrame, horizon 13", "n_series": 100}
    for name, model in (
        ("auto", AutoRNNForecaster(13, random_state=seed)),
        ("naive", NaiveForecaster()),
        ("theta", ThetaForecaster()),
    ):
        out[name] = _score(model, frame, cut, test, 13)
        scores = out[name].pop("_scores")
        out[name]["mase_10_values"] = float(np.mean(scores[:50]))
        out[name]["mase_500_values"] = float(np.mean(scores[50:]))
        if name == "auto":
            out["auto_config"] = _summary(model)
    return out


def case_budget(data, seed, budget):
    y_train, _, _ = load_m4(data, "Hourly")
    model = AutoRNNForecaster(48, time_budget=budget, random_state=seed)
    start = time.perf_counter()
    model.fit(None, y_train)
    seconds = time.perf_counter() - start
    return {
        "what": f"M4 Hourly, 414 series, horizon 48, time_budget={budget} s",
        "budget_seconds": budget,
        "fit_seconds": round(seconds, 1),
        "within_budget": seconds <= budget,
        "holdout_nets": len(model.config_["holdout_members"]),
        "final_nets": len(model.config_["members"]),
        "auto_config": _summary(model),
    }


def case_defaults(seed):
    from seqforecast import DirectForecaster, RecursiveForecaster

    rng = np.random.default_rng(seed)
    t = np.arange(126)
    level = 100 + np.cumsum(rng.normal(0, 1, (126, 1428)), axis=0)
    season = 5 * np.sin(2 * np.pi * (t[:, None] + rng.integers(0, 12, 1428)) / 12)
    frame = pd.DataFrame(level + season, index=pd.period_range("2000-01", periods=126, freq="M"))
    out = {"what": "1,428 synthetic monthly series of 126 values; default forecasters (nets sized to the data)"}
    for name, model in (
        ("DirectForecaster(horizon=18)", DirectForecaster(horizon=18)),
        ("RecursiveForecaster()", RecursiveForecaster()),
    ):
        start = time.perf_counter()
        model.fit(None, frame)
        seconds = time.perf_counter() - start
        net = model.estimator_
        out[name] = {
            "fit_seconds": round(seconds, 1),
            "epochs": len(net.history_),
            "net": {k: getattr(net, k) for k in ("hidden_size", "batch_size", "max_epochs", "patience")},
            "finite_forecast": bool(np.isfinite(model.forecast(12 if "Recursive" in name else 18).to_numpy()).all()),
        }
    return out


def _summary(model):
    config = model.config_
    plan = config.get("plan") or {}
    return {
        "sp": config["sp"],
        "window_lengths": plan.get("window_lengths"),
        "min_observations": plan.get("min_observations"),
        "hidden_size": plan.get("hidden_size"),
        "weights": {k: v for k, v in config["weights"].items() if v > 0},
        "unjudged": config.get("unjudged"),
        "members": len(config["members"]),
        "fit_seconds": config["fit_seconds"],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--merge", action="store_true", help="keep the results file's other cases")
    args = parser.parse_args(argv)
    import torch

    import seqforecast

    torch.set_num_threads(2)
    started = time.perf_counter()
    results = {}
    if args.merge and (RESULTS / "auto_edge_cases.json").exists():
        previous = json.loads((RESULTS / "auto_edge_cases.json").read_text(encoding="utf-8"))
        results = {case: r for case, r in previous["results"].items() if case not in args.cases}
        for r in results.values():  # results of the runs before --merge: that run's version and date
            r.setdefault("seqforecast", previous["environment"]["versions"].get("seqforecast"))
            r.setdefault("date_utc", previous["environment"]["date_utc"])
    for case in args.cases:
        print(f"{case} ...", file=sys.stderr, flush=True)
        results[case] = {
            "short": lambda: case_short(args.data, args.seed),
            "mixed": lambda: case_mixed(args.data, args.seed),
            "budget": lambda: case_budget(args.data, args.seed, args.budget),
            "defaults": lambda: case_defaults(args.seed),
        }[case]()
        results[case].update(seqforecast=seqforecast.__version__, date_utc=environment()["date_utc"])
        print(results[case], file=sys.stderr, flush=True)
    results = {case: results[case] for case in CASES if case in results}
    payload = {
        "environment": environment(),
        "seed": args.seed,
        "torch_threads": 2,
        "results": results,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    write_json(RESULTS / "auto_edge_cases.json", payload)
    lines = [
        "# AutoRNNForecaster on short, mixed-length collections and under a time budget",
        "",
        f"Command: `python benchmarks/auto_edge_cases.py {' '.join(argv if argv is not None else sys.argv[1:])}`. "
        "MASE with M4's weekly scale (period 1) on the "
        "first horizon of each series' M4 test values.",
        "",
    ]
    for case, r in results.items():
        lines.append(f"## {case}: {r['what']}")
        lines.append("")
        if r.get("seqforecast"):
            lines += [f"seqforecast {r['seqforecast']}, run {r['date_utc']}.", ""]
        if case == "defaults":
            for name in ("DirectForecaster(horizon=18)", "RecursiveForecaster()"):
                lines.append(
                    f"* `{name}`: fit {r[name]['fit_seconds']} s, {r[name]['epochs']} epoch(s), net "
                    f"{r[name]['net']}, finite forecasts: {r[name]['finite_forecast']}"
                )
            lines.append("")
            continue
        if case == "budget":
            lines.append(
                f"Fit {r['fit_seconds']} s for a budget of {r['budget_seconds']} s "
                f"({'within' if r['within_budget'] else 'OVER'} the budget); {r['holdout_nets']} holdout "
                f"net(s), {r['final_nets']} final net(s)."
            )
        else:
            lines += ["| model | MASE | fit s | finite | non-negative |", "|---|---|---|---|---|"]
            lines += [
                f"| {m} | {r[m]['mase']:.3f} | {r[m]['seconds']} | {r[m]['finite']} | {r[m]['non_negative']} |"
                for m in ("auto", "naive", "theta")
            ]
            if case == "mixed":
                lines += [
                    "",
                    "By length: "
                    + "; ".join(
                        f"{m} {r[m]['mase_10_values']:.3f} on the 10-value series, {r[m]['mase_500_values']:.3f} "
                        "on the 500-value ones"
                        for m in ("auto", "naive", "theta")
                    )
                    + ".",
                ]
        lines += ["", f"Auto's choices: `{r['auto_config']}`", ""]
    env = payload["environment"]
    lines.append(f"Machine: {env['machine']}. Versions: {env['versions']}. Date {env['date_utc']}.")
    (RESULTS / "auto_edge_cases.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
