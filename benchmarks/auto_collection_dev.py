"""How AutoRNNForecaster weighs its nets against statistical forecasters on a collection, on M4 training parts.

AutoRNN judges each candidate combination (the nets alone, Theta, seasonal naive, the nets 3/4 beside one of
them...) on its holdout, where it has trained ``HOLDOUT_MEMBERS`` (2) nets; its forecast then comes from
``n_members`` (6). The holdout charges the 2 nets' noise, which 6 nets average away, to every candidate that
holds them, so it leans towards the statistical forecasters. From seqforecast 0.8.0, on a collection of
series, those candidates are scored as with the final ensemble (``auto._holdout_errors``: each net alone and
their mean, extrapolated in 1/n). This script compares the two rules on the same fits:

* ``plain``: the holdout scores as they are (the rule up to 0.7.0), i.e. ``_choose`` of a forecaster with
  ``n_members=HOLDOUT_MEMBERS``;
* ``extrapolated``: the package's rule.

The data are the M4 **training** parts only (the M4 test files are read by ``load_m4`` but never used): each
series loses its last ``--earlier`` values, then its last horizon becomes the test, and AutoRNN is fitted on
the rest, every series kept. One fit per seed lets every component into the final fit (equal weights), then
each rule's weights are applied to those final forecasts (``weights_`` set, ``forecast`` called: what the
package would forecast with that rule) and scored by OWA against Naive2 on the same series. Every candidate's
test OWA is written too, beside its two holdout scores.

Usage::

    python benchmarks/auto_collection_dev.py --frequency Weekly --seeds 0 1 2   # about 7 min per seed, 2 cores
    python benchmarks/auto_collection_dev.py --frequency Hourly --seeds 0
    python benchmarks/auto_collection_dev.py --frequency Weekly --n-series 20 --seeds 0   # a quick try
    python benchmarks/auto_collection_dev.py --frequency Weekly --origins 3   # three holdout origins, and the
                                                                              # latest alone beside them
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import m4  # noqa: E402
import seqforecast.forecasting.auto as auto  # noqa: E402
from _meta import environment, write_json  # noqa: E402
from seqforecast.forecasting._auto_select import _candidate_weights, candidate_label  # noqa: E402

_CAPTURED: dict = {}
_choose = auto.AutoRNNForecaster._choose


def _capture(self, components, holdout, non_negative):
    """Record the holdout; let every component into the final fit (so each rule can be scored on it)."""
    _CAPTURED.update(components=list(components), holdout=holdout, non_negative=non_negative)
    table, _ = _choose(self, components, holdout, non_negative)
    return table, {name: 1.0 / len(components) for name in components}


def run_seed(seed, y_fit, horizon, owa):
    auto.AutoRNNForecaster._choose = _capture
    try:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = auto.AutoRNNForecaster(horizon, random_state=seed).fit(None, y_fit)
        seconds = time.perf_counter() - started
    finally:
        auto.AutoRNNForecaster._choose = _choose
    components, holdout, non_negative = (_CAPTURED[k] for k in ("components", "holdout", "non_negative"))
    plain_model = auto.AutoRNNForecaster(horizon, n_members=auto.HOLDOUT_MEMBERS, random_state=seed)
    plain_table, plain = _choose(plain_model, components, holdout, non_negative)
    x_table, extrapolated = _choose(model, components, holdout, non_negative)
    # with --origins 3: the package's rule judged on the latest origin alone, beside all three
    latest = _choose(model, components, holdout[:1], non_negative)[1] if len(holdout) > 1 else None
    every = {name: 0.0 for name in model.weights_}

    def test_owa(weights):
        model.weights_ = {**every, **weights}
        return owa(model.forecast(horizon).to_numpy())

    candidates = []
    plain_scores = dict(zip(plain_table["candidate"], plain_table["mase"]))
    x_scores = dict(zip(x_table["candidate"], x_table["mase"]))
    for weights in _candidate_weights(components, "auto"):
        name = candidate_label(weights)
        candidates.append(
            {
                "candidate": name,
                "holdout_plain": plain_scores.get(name),
                "holdout_extrapolated": x_scores.get(name),
                "test_owa": test_owa(weights),
            }
        )
    return {
        "seed": seed,
        "sp": model.sp_,
        "fit_seconds": round(seconds, 1),
        "n_members": len(model.members_),
        "plain": {"weights": plain, "test_owa": test_owa(plain)},
        "extrapolated": {"weights": extrapolated, "test_owa": test_owa(extrapolated)},
        "n_origins": len(holdout),
        "latest_origin_only": None if latest is None else {"weights": latest, "test_owa": test_owa(latest)},
        "candidates": sorted(candidates, key=lambda c: c["test_owa"]),
    }


def short(weights):
    return " + ".join(f"{w:g} {n}" for n, w in weights.items() if w > 0)


def markdown(frequency, args, results, n_series, wall):
    lines = [
        f"# AutoRNN on M4 {frequency} training parts: the holdout's nets scored as they are, or as the final "
        "ensemble (dev set)",
        "",
        f"{n_series} series, horizon {m4.FREQUENCIES[frequency]['horizon']}; the test is the last horizon of each "
        f"training part" + (f" after {args.earlier} more values are dropped" if args.earlier else "") + " (the M4 "
        "test values are not used). OWA against Naive2 on the same series. Command: `python "
        f"benchmarks/auto_collection_dev.py {' '.join(args.argv)}`.",
        "",
        "| seed | plain: chosen | plain: OWA | extrapolated: chosen | extrapolated: OWA | fit s |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['seed']} | {short(r['plain']['weights'])} | {r['plain']['test_owa']:.4f} | "
            f"{short(r['extrapolated']['weights'])} | {r['extrapolated']['test_owa']:.4f} | {r['fit_seconds']:.0f} |"
        )
    for r in results:
        if r["latest_origin_only"]:
            lines.append(
                f"| {r['seed']}, extrapolated, latest of its {r['n_origins']} origins only | | | "
                f"{short(r['latest_origin_only']['weights'])} | {r['latest_origin_only']['test_owa']:.4f} | |"
            )
    mean_plain = np.mean([r["plain"]["test_owa"] for r in results])
    mean_x = np.mean([r["extrapolated"]["test_owa"] for r in results])
    lines += ["", f"Mean over the seeds: plain {mean_plain:.4f}, extrapolated {mean_x:.4f}.", ""]
    for r in results:
        lines += [
            f"## Seed {r['seed']}: every candidate (sp {r['sp']}, {r['n_members']} final nets)",
            "",
            "| candidate | holdout MASE, plain | holdout MASE, extrapolated | test OWA |",
            "|---|---|---|---|",
        ]
        for c in r["candidates"]:
            cells = [c["holdout_plain"], c["holdout_extrapolated"]]
            shown = " | ".join("" if v is None else f"{v:.4f}" for v in cells)
            lines.append(f"| {c['candidate']} | {shown} | {c['test_owa']:.4f} |")
        lines.append("")
    lines.append(f"Wall time {wall:.0f} s. Versions and machine: the JSON file.")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=m4.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--frequency", choices=["Hourly", "Weekly"], default="Weekly")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--earlier", type=int, default=0, help="drop this many more values before the test")
    parser.add_argument("--n-series", type=int, default=None, help="a random subset (a quick try)")
    parser.add_argument(
        "--origins",
        type=int,
        choices=[1, 3],
        default=None,
        help="3: hold out at three origins whatever the data's size (AutoRNN does so below SMALL_DATA_WINDOWS)",
    )
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if not (args.data / f"{args.frequency}-train.csv").exists():
        print(f"M4 data not found in {args.data}. " + m4.WHERE_TO_GET.format(f=args.frequency), file=sys.stderr)
        return 2
    from seqforecast.baselines import Naive2Forecaster
    from seqforecast.metrics import m4_scores

    frequency = args.frequency
    horizon, sp = m4.FREQUENCIES[frequency]["horizon"], m4.FREQUENCIES[frequency]["sp"]
    y_train, _, rows = m4.load_m4(args.data, frequency, args.n_series, seed=0)
    cut = args.earlier + horizon
    y_fit = y_train.iloc[:-cut].reset_index(drop=True)
    held = y_train.iloc[len(y_train) - cut : len(y_train) - args.earlier].to_numpy()
    fit_rows = [r[:-cut] for r in rows]
    naive2 = Naive2Forecaster(sp=sp).fit(None, y_fit).forecast(horizon).to_numpy()

    def owa(forecast):
        return m4_scores(held, forecast, y_train=fit_rows, sp=sp, y_pred_naive2=naive2)["owa"]

    if args.origins == 3:
        auto.SMALL_DATA_WINDOWS = float("inf")
    started = time.perf_counter()
    results = []
    for seed in args.seeds:
        results.append(run_seed(seed, y_fit, horizon, owa))
        r = results[-1]
        print(
            f"seed {seed}: plain {short(r['plain']['weights'])} {r['plain']['test_owa']:.4f}; extrapolated "
            f"{short(r['extrapolated']['weights'])} {r['extrapolated']['test_owa']:.4f} ({r['fit_seconds']:.0f} s)",
            flush=True,
        )
    wall = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"auto_collection_dev_{frequency}" + (f"_earlier{args.earlier}" if args.earlier else "")
    if args.n_series:
        stem += f"_n{args.n_series}"
    if args.origins == 3:
        stem += "_origins3"
    (args.out / f"{stem}.md").write_text(markdown(frequency, args, results, y_fit.shape[1], wall), encoding="utf-8")
    settings = {
        "frequency": frequency,
        "earlier": args.earlier,
        "n_series": y_fit.shape[1],
        "seeds": args.seeds,
        "origins": args.origins,
    }
    write_json(
        args.out / f"{stem}.json",
        {"settings": settings, "results": results, "wall_seconds": wall, "environment": environment()},
    )
    print(f"wrote {args.out / stem}.md", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
