"""How much does forecasting 48 steps cost compared with 1 step, and with re-encoding the window?

A recurrent forecaster that carries its hidden state reads the window once and then takes one cell step per
forecast step, for all series in one batch; re-encoding reads the whole window again at every step. This
script fits a GRU RecursiveForecaster on many series (M4 Hourly when its data is found, else synthetic hourly
series of the same shape), then times ``forecast(48)`` and ``forecast(1)`` with the carried state and
``forecast(48)`` with ``carry_state=False``, each the median of several runs after a warm-up.

    python benchmarks/forecast_speed.py --out benchmarks/results

Goal (issue 3): forecast(48) within 4x of forecast(1); at least 20x faster than re-encoding.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json  # noqa: E402
from seqforecast.estimators import RNNRegressor  # noqa: E402
from seqforecast.forecasting import RecursiveForecaster  # noqa: E402

DEFAULT_M4 = Path(__file__).resolve().parents[2] / "shared" / "data" / "m4"


def load_panel(data: Path, n_series: int, length: int, seed: int) -> tuple[pd.DataFrame, str]:
    train = data / "Hourly-train.csv"
    if train.exists():
        frame = pd.read_csv(train, index_col=0, nrows=n_series)
        # the last `length` values of each series, aligned at the end (all Hourly series have >= 700)
        values = np.stack([row.dropna().to_numpy()[-length:] for _, row in frame.iterrows()], axis=1)
        return pd.DataFrame(values, columns=frame.index), f"M4 Hourly ({train})"
    rng = np.random.default_rng(seed)
    t = np.arange(length)[:, None]
    values = 100 + 20 * np.sin(2 * np.pi * t / 24 + rng.uniform(0, 6, n_series)) + rng.normal(0, 2, (length, n_series))
    return pd.DataFrame(values, columns=[f"S{i}" for i in range(n_series)]), "synthetic hourly sines"


def median_seconds(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_M4)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--n-series", type=int, default=414)
    parser.add_argument("--window-length", type=int, default=168)
    parser.add_argument("--horizon", type=int, default=48)
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    panel, source = load_panel(args.data, args.n_series, args.window_length + 60, args.seed)
    # training cost is not what is measured: one epoch makes a real, fitted net of the benchmarked size
    net = RNNRegressor(cell="gru", hidden_size=args.hidden_size, max_epochs=1, batch_size=256, random_state=args.seed)
    forecaster = RecursiveForecaster(net, window_length=args.window_length).fit(None, panel)

    carried_1 = median_seconds(lambda: forecaster.forecast(1), args.repeats)
    carried_h = median_seconds(lambda: forecaster.forecast(args.horizon), args.repeats)
    forecaster.set_params(carry_state=False)
    reencode_h = median_seconds(lambda: forecaster.forecast(args.horizon), max(1, args.repeats // 2))

    result = {
        "benchmark": "forecast_speed",
        **environment(),
        "settings": {
            "data": source,
            "n_series": panel.shape[1],
            "window_length": args.window_length,
            "horizon": args.horizon,
            "cell": "gru",
            "hidden_size": args.hidden_size,
            "num_layers": 1,
            "repeats": args.repeats,
            "seed": args.seed,
            "timing": "median of repeats after one warm-up",
        },
        "seconds": {
            "forecast_1_carried": carried_1,
            f"forecast_{args.horizon}_carried": carried_h,
            f"forecast_{args.horizon}_reencoded": reencode_h,
        },
        "ratios": {
            "carried_h_over_carried_1": carried_h / carried_1,
            "reencoded_h_over_carried_h": reencode_h / carried_h,
        },
        "goals": {"carried_h_over_carried_1_at_most": 4.0, "reencoded_h_over_carried_h_at_least": 20.0},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "forecast_speed.json", result)
    r = result["ratios"]
    table = "\n".join(
        [
            f"# Forecast speed: {panel.shape[1]} series, window {args.window_length}, GRU {args.hidden_size}",
            "",
            f"Data: {source}. Machine: {result['machine']['platform']}, {result['machine']['cpu_count']} CPUs, "
            f"torch threads {result['machine']['torch_threads']}. Median of {args.repeats} runs after a warm-up.",
            "",
            "| what | seconds |",
            "|---|---|",
            f"| forecast(1), carried state | {carried_1:.4f} |",
            f"| forecast({args.horizon}), carried state | {carried_h:.4f} |",
            f"| forecast({args.horizon}), re-encoding the window each step | {reencode_h:.4f} |",
            "",
            f"forecast({args.horizon}) / forecast(1) = {r['carried_h_over_carried_1']:.2f} (goal <= 4); "
            f"re-encoding / carried = {r['reencoded_h_over_carried_h']:.1f} (goal >= 20).",
            "",
        ]
    )
    (args.out / "forecast_speed.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
