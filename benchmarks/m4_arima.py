"""Automatic ARIMA on M4 Hourly: sMAPE, MASE and OWA against Naive2, with the wall time.

One ``auto_arima`` per series (Hyndman-Khandakar stepwise search, seasonal period 24, conditional sum of
squares inside the search; see ``seqforecast.baselines.arima.auto_arima``), 48 steps ahead, series spread over the
cores with joblib. Writes ``m4_arima_hourly.json``, ``.md`` and ``.csv`` (one row per series) under ``--out``.

    python benchmarks/m4_arima.py                          # all 414 series, n_jobs = cores
    python benchmarks/m4_arima.py --n-series 40 --out /tmp # a quick, evenly spaced subset

Goal (issue): within 15 minutes on 2 cores, OWA near the official auto.arima (Hourly OWA 0.577), <= 0.60.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json
from seqforecast.baselines._kernels import naive2_forecast
from seqforecast.baselines.arima import auto_arima
from seqforecast.exceptions import ConvergenceWarning
from seqforecast.metrics import m4_scores, mase, owa, smape

DEFAULT_M4 = Path(__file__).resolve().parents[2] / "shared" / "data" / "m4"
HORIZON, SP = 48, 24
# Official M4 Hourly figures (Makridakis et al., IJF 36(1), 2020; M4-methods "Evaluation and Ranks.xlsx").
OFFICIAL = {
    "Naive2": {"smape": 18.383, "mase": 2.395, "owa": 1.0},
    "sNaive": {"smape": 13.912, "mase": 1.193, "owa": 0.627},
    "auto.arima (R forecast, as quoted in the issue)": {"owa": 0.577},
    "ES-RNN (winner)": {"smape": 9.328, "mase": 0.893, "owa": 0.440},
}
WHERE_TO_GET = (
    "M4 data not found in {path}: it needs Hourly-train.csv and Hourly-test.csv.\n"
    "Get them from the organisers' repository https://github.com/Mcompetitions/M4-methods "
    "(Dataset/Train/Hourly-train.csv and Dataset/Test/Hourly-test.csv), put both in one folder and pass it "
    "with --data PATH."
)


def load_hourly(data: Path) -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    """Ids, training series and test series of M4 Hourly (wide CSV, shorter rows end in empty cells)."""
    train = pd.read_csv(data / "Hourly-train.csv", index_col=0)
    test = pd.read_csv(data / "Hourly-test.csv", index_col=0)
    if not train.index.equals(test.index):
        raise ValueError(f"The train and test files in {data} list different series ids.")
    ys = [row.dropna().to_numpy(dtype=np.float64) for _, row in train.iterrows()]
    tests = [row.dropna().to_numpy(dtype=np.float64) for _, row in test.iterrows()]
    return list(train.index), ys, tests


def forecast_one(y: np.ndarray, method: str, seasonal: str, maxiter: int) -> dict:
    """auto_arima on one series; a failure falls back to Naive2 and is recorded."""
    wall, cpu = time.perf_counter(), time.process_time()
    row = {"error": "", "convergence_warnings": 0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            fit = auto_arima(y, SP, method=method, seasonal=seasonal, maxiter=maxiter)
            row["forecast"] = fit.forecast(HORIZON)
            row.update(
                order=str(fit.order),
                seasonal_order=str(fit.seasonal_order),
                trend=fit.trend,
                aicc=fit.aicc,
                n_models=fit.n_models,
                adjusted=fit.seasonal_indices is not None,
            )
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
            row["forecast"] = naive2_forecast(y, HORIZON, SP)
            row["error"] = f"{type(exc).__name__}: {exc}"
    row["convergence_warnings"] = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    row["cpu_s"], row["wall_s"] = time.process_time() - cpu, time.perf_counter() - wall
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_M4, help="folder with Hourly-train/-test.csv")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--n-series", type=int, default=None, help="an evenly spaced subset of N series")
    parser.add_argument("--n-jobs", type=int, default=os.cpu_count())
    parser.add_argument(
        "--method",
        default="css",
        choices=["css", "css-ml", "ml"],
        help="estimator of the chosen model (the search always uses CSS)",
    )
    parser.add_argument("--seasonal", default="full", choices=["full", "adjust", "none"])
    parser.add_argument("--maxiter", type=int, default=50)
    args = parser.parse_args(argv)

    if not ((args.data / "Hourly-train.csv").is_file() and (args.data / "Hourly-test.csv").is_file()):
        print(WHERE_TO_GET.format(path=args.data), file=sys.stderr)
        return 2
    ids, ys, tests = load_hourly(args.data)
    if args.n_series is not None and args.n_series < len(ids):
        keep = np.unique(np.linspace(0, len(ids) - 1, args.n_series).round().astype(int))
        ids, ys, tests = [ids[i] for i in keep], [ys[i] for i in keep], [tests[i] for i in keep]

    meta = environment()
    start = time.perf_counter()
    rows = Parallel(n_jobs=args.n_jobs)(delayed(forecast_one)(y, args.method, args.seasonal, args.maxiter) for y in ys)
    wall = time.perf_counter() - start
    load_end = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    y_true = np.column_stack(tests)  # [n_series][H] -> [H, n_series]
    y_pred = np.column_stack([r["forecast"] for r in rows])
    scores = m4_scores(y_true, y_pred, y_train=ys, sp=SP)
    owa_official = owa(scores["smape"], scores["mase"], OFFICIAL["Naive2"]["smape"], OFFICIAL["Naive2"]["mase"])
    per_smape = smape(y_true, y_pred, multioutput="raw_values")
    per_mase = mase(y_true, y_pred, y_train=ys, sp=SP, multioutput="raw_values")
    cpu = np.array([r["cpu_s"] for r in rows])
    full = len(ids) == 414

    table = pd.DataFrame(
        {
            "id": ids,
            "order": [r.get("order", "") for r in rows],
            "seasonal_order": [r.get("seasonal_order", "") for r in rows],
            "trend": [r.get("trend", "") for r in rows],
            "aicc": [r.get("aicc", np.nan) for r in rows],
            "n_models": [r.get("n_models", 0) for r in rows],
            "smape": per_smape,
            "mase": per_mase,
            "cpu_s": cpu,
            "wall_s": [r["wall_s"] for r in rows],
            "convergence_warnings": [r["convergence_warnings"] for r in rows],
            "error": [r["error"] for r in rows],
        }
    )
    result = {
        "benchmark": "m4_arima_hourly",
        **meta,
        "settings": {
            "data": str(args.data),
            "n_series": len(ids),
            "series": "all" if full else "evenly spaced subset",
            "horizon": HORIZON,
            "sp": SP,
            "n_jobs": args.n_jobs,
            "method": args.method,
            "seasonal": args.seasonal,
            "maxiter": args.maxiter,
            "search": "stepwise Hyndman-Khandakar, CSS",
            "seeds": "none needed: the search and estimators are deterministic",
        },
        "scores": {
            "smape": scores["smape"],
            "mase": scores["mase"],
            "owa_vs_official_naive2": owa_official,
            "owa_vs_naive2_same_series": scores["owa"],
            "smape_naive2_same_series": scores["smape_naive2"],
            "mase_naive2_same_series": scores["mase_naive2"],
        },
        "official_reference": OFFICIAL,
        "timing": {
            "wall_s": wall,
            "cpu_s_total": float(cpu.sum()),
            "cpu_s_per_series_mean": float(cpu.mean()),
            "cpu_s_per_series_max": float(cpu.max()),
            "wall_s_if_uncontended_estimate": float(cpu.sum() / max(args.n_jobs, 1)),
            "cpu_share_of_n_jobs_cores": float(cpu.sum() / (wall * max(args.n_jobs, 1))),
            "load_average_1min_at_end": load_end,
        },
        "models": {
            "seasonal_differencing_D": dict(Counter(s.split(",")[1].strip() for s in table["seasonal_order"] if s)),
            "differencing_d": dict(Counter(s.split(",")[1].strip() for s in table["order"] if s)),
            "with_constant": int((table["trend"] == "c").sum()),
            "n_models_mean": float(table["n_models"].mean()),
        },
        "failures_naive2_fallback": int((table["error"] != "").sum()),
        "series_with_convergence_warning": int((table["convergence_warnings"] > 0).sum()),
    }
    variant = (
        ""
        if (full and args.method == "css" and args.seasonal == "full")
        else (f".n{len(ids)}-{args.method}-{args.seasonal}")
    )
    stem = args.out / f"m4_arima_hourly{variant}"
    write_json(f"{stem}.json", result)
    table.to_csv(f"{stem}.csv", index=False, float_format="%.6g")
    Path(f"{stem}.md").write_text(markdown(result, variants(args.out)), encoding="utf-8")
    print(
        f"sMAPE {scores['smape']:.3f}  MASE {scores['mase']:.3f}  OWA {owa_official:.3f} (official Naive2), "
        f"{scores['owa']:.3f} (Naive2 on these series); wall {wall:.0f} s, CPU {cpu.sum():.0f} s -> {stem}.*"
    )
    return 0


def variants(out: Path) -> list[dict]:
    """The subset runs already in ``out`` (``m4_arima_hourly.n<N>-<method>-<seasonal>.json``)."""
    found = []
    for path in sorted(out.glob("m4_arima_hourly.n*-*.json")):
        r = json.loads(path.read_text(encoding="utf-8"))
        found.append({"file": path.name, **r["settings"], **r["scores"], **r["timing"]})
    return found


def markdown(r: dict, subset_runs: list[dict] = ()) -> str:
    s, t, m, c = r["scores"], r["timing"], r["machine"], r["settings"]
    share = t["cpu_share_of_n_jobs_cores"]
    lines = [
        f"# Automatic ARIMA on M4 Hourly ({c['n_series']} series, {c['series']})",
        "",
        (
            f"`auto_arima(y, sp=24, method={c['method']!r}, seasonal={c['seasonal']!r})` per series, horizon 48, "
            f"{c['n_jobs']} joblib workers. Machine: {m['platform']}, {m['cpu_count']} CPUs. "
            f"statsmodels {r['versions']['statsmodels']}, numpy {r['versions']['numpy']}, "
            f"scipy {r['versions']['scipy']}. {r['date_utc']}."
        ),
        "",
        "| method | sMAPE | MASE | OWA |",
        "|---|---|---|---|",
        (
            f"| **seqforecast auto_arima** | **{s['smape']:.3f}** | **{s['mase']:.3f}** | "
            f"**{s['owa_vs_official_naive2']:.3f}** |"
        ),
    ]
    for name, ref in r["official_reference"].items():
        lines.append(f"| {name} (official) | {ref.get('smape', '')} | {ref.get('mase', '')} | {ref['owa']} |")
    lines += [
        "",
        (
            f"OWA against the official Naive2 totals (18.383 / 2.395); against Naive2 recomputed on these "
            f"series: {s['owa_vs_naive2_same_series']:.3f} (Naive2 sMAPE {s['smape_naive2_same_series']:.3f}, "
            f"MASE {s['mase_naive2_same_series']:.3f})."
        ),
        "",
        (
            f"Time: wall {t['wall_s']:.0f} s; CPU {t['cpu_s_total']:.0f} s in all, "
            f"{t['cpu_s_per_series_mean']:.2f} s per series on average (max {t['cpu_s_per_series_max']:.1f} s). "
            f"The workers' CPU time was {share:.0%} of {c['n_jobs']} cores x wall time (load average "
            f"{m['load_average_1min_at_start']:.1f} at the start, {t['load_average_1min_at_end']:.1f} at the end, "
            f"on {m['cpu_count']} CPUs: the machine was shared with other jobs; the wall time also holds the "
            f"start of the worker processes); uncontended, the series would take about "
            f"{t['wall_s_if_uncontended_estimate']:.0f} s of wall time."
        ),
        "",
        (
            f"Models: seasonal differencing D {r['models']['seasonal_differencing_D']}, d "
            f"{r['models']['differencing_d']}, {r['models']['with_constant']} with a constant, "
            f"{r['models']['n_models_mean']:.1f} candidates fitted per series on average. "
            f"Failures (Naive2 used instead): {r['failures_naive2_fallback']}; series with a convergence "
            f"warning: {r['series_with_convergence_warning']}."
        ),
        "",
    ]
    if subset_runs:
        lines += [
            "## Variants on a subset (how the settings were chosen)",
            "",
            "| series | method | seasonal | sMAPE | MASE | OWA vs Naive2 on the subset | CPU s per series |",
            "|---|---|---|---|---|---|---|",
        ]
        for v in subset_runs:
            lines.append(
                f"| {v['n_series']} | {v['method']} | {v['seasonal']} | {v['smape']:.3f} | {v['mase']:.3f} | "
                f"{v['owa_vs_naive2_same_series']:.3f} | {v['cpu_s_per_series_mean']:.2f} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
