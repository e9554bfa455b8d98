"""Does a global model's memory stay bounded as the collection grows, and its time linear in the windows?

Fits ``DirectForecaster(RNNRegressor(cell="gru", hidden_size=32, batch_size=256), window_length=48,
horizon=24)`` (the setting of issue 16's measurements) on synthetic collections of series of 500 values: for
each size, one epoch, in a fresh process, so that the peak resident memory (``ru_maxrss``) is that fit's own.
The training windows are cut batch by batch from the one copy of the data (``SeriesWindows``); a collection
whose windows exceed ``--full-epoch-max`` trains on a sample of windows per epoch (``samples_per_epoch``),
as the default forecasters do above 100,000 windows. Writes ``scale.json`` and ``scale.md``.

    python benchmarks/scale.py --out benchmarks/results                 # 1,000 / 10,000 / 100,000 series
    python benchmarks/scale.py --series 200 2000 --out /tmp/scale       # a quick look

Reported per size: the data (float64 MB), the windows there are and the windows trained on, the fit's
seconds per epoch and per 1,000 windows, and memory: the process after imports (torch alone is ~400 MB),
after the data were made, and at its peak; "fit working set" is the peak minus the memory before ``fit``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, peak_mb, rss_mb, write_json  # noqa: E402

WINDOW, HORIZON, LENGTH, HIDDEN, BATCH = 48, 24, 500, 32, 256


def one(n_series: int, samples_per_epoch: int | None, seed: int, threads: int) -> dict:
    """Make the data and fit once, in this process; the figures as a dict."""
    import numpy as np
    import pandas as pd
    import torch

    from seqforecast import DirectForecaster, RNNRegressor

    torch.set_num_threads(threads)
    after_imports = rss_mb()
    rng = np.random.default_rng(seed)
    values = np.empty((LENGTH, n_series))
    t = np.arange(LENGTH)
    for start in range(0, n_series, 1000):  # in chunks: no temporary the size of the data
        k = min(1000, n_series - start)
        level = rng.uniform(10, 1000, size=k)
        phase = rng.uniform(0, 2 * np.pi, size=k)
        noise = rng.normal(scale=0.1, size=(LENGTH, k))
        values[:, start : start + k] = level * (1 + 0.3 * np.sin(2 * np.pi * t[:, None] / 24 + phase) + noise)
    y = pd.DataFrame(values, columns=[f"s{j}" for j in range(n_series)], copy=False)  # the data, once
    del values
    after_data = rss_mb()
    peak_before_fit = peak_mb()

    est = RNNRegressor(
        cell="gru",
        hidden_size=HIDDEN,
        batch_size=BATCH,
        max_epochs=1,
        lr=3e-3,
        samples_per_epoch=samples_per_epoch,
        random_state=seed,
    )
    f = DirectForecaster(est, window_length=WINDOW, horizon=HORIZON)
    start = time.perf_counter()
    f.fit(None, y)
    fit_s = time.perf_counter() - start
    epoch_s = f.estimator_.history_[0]["dur"]
    start = time.perf_counter()
    forecast = f.forecast(HORIZON)
    forecast_s = time.perf_counter() - start
    n_windows = n_series * (LENGTH - WINDOW - HORIZON + 1)
    trained = n_windows if samples_per_epoch is None else samples_per_epoch
    return {
        "n_series": n_series,
        "n_values": n_series * LENGTH,
        "data_mb": round(n_series * LENGTH * 8 / 2**20, 1),
        "windows": n_windows,
        "windows_per_epoch": trained,
        "samples_per_epoch": samples_per_epoch,
        "fit_s": round(fit_s, 1),
        "epoch_s": round(epoch_s, 1),
        "s_per_1000_windows": round(1000 * epoch_s / trained, 4),
        "forecast_s": round(forecast_s, 2),
        "forecast_finite": bool(np.isfinite(forecast.to_numpy()).all()),
        "rss_after_imports_mb": round(after_imports),
        "rss_after_data_mb": round(after_data),
        "peak_before_fit_mb": round(peak_before_fit),
        "peak_mb": round(peak_mb()),
        "fit_working_set_mb": round(peak_mb() - after_data),
        "materialised_windows_mb": round(n_windows * (WINDOW + HORIZON) * 8 / 2**20),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument(
        "--full-epoch-max",
        type=int,
        default=5_000_000,
        help="collections with more windows than this train on --samples-per-epoch windows per epoch",
    )
    parser.add_argument("--samples-per-epoch", type=int, default=429_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: a small net trains faster on one)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-samples", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:  # the child: one size, figures on stdout
        print(json.dumps(one(args.one, args.one_samples, args.seed, args.threads)))
        return 0

    rows = []
    for n_series in args.series:
        n_windows = n_series * (LENGTH - WINDOW - HORIZON + 1)
        samples = None if n_windows <= args.full_epoch_max else args.samples_per_epoch
        cmd = [sys.executable, __file__, "--one", str(n_series), "--seed", str(args.seed)]
        cmd += ["--threads", str(args.threads)] + ([] if samples is None else ["--one-samples", str(samples)])
        print(f"{n_series} series ({n_windows} windows, {'all' if samples is None else samples} per epoch)...")
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print("   ", row)
        rows.append(row)

    settings = {
        "model": f"DirectForecaster(RNNRegressor(cell='gru', hidden_size={HIDDEN}, batch_size={BATCH}, "
        f"max_epochs=1, lr=3e-3), window_length={WINDOW}, horizon={HORIZON}); scaling='series' (default)",
        "series_length": LENGTH,
        "data": "synthetic: level x (1 + 0.3 sin(2 pi t / 24 + phase) + N(0, 0.1)), float64",
        "full_epoch_max": args.full_epoch_max,
        "samples_per_epoch_above_it": args.samples_per_epoch,
        "seed": args.seed,
        "torch_threads": args.threads,
    }
    write_json(args.out / "scale.json", {"environment": environment(), "settings": settings, "rows": rows})
    lines = [
        "# Scale: one epoch of a global GRU over collections of series of 500 values",
        "",
        f"Command: `python benchmarks/scale.py --out {args.out}`. {settings['model']}. One epoch, each size in a "
        "fresh process; memory is resident memory (MB). Machine, versions and seed in `scale.json`.",
        "",
        "| series | data MB | windows | trained per epoch | s / epoch | s / 1,000 windows | after imports | "
        "after data | peak | fit working set | all windows materialised (float64) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n_series']:,} | {r['data_mb']:,} | {r['windows']:,} | {r['windows_per_epoch']:,} | "
            f"{r['epoch_s']} | {r['s_per_1000_windows']} | {r['rss_after_imports_mb']:,} | "
            f"{r['rss_after_data_mb']:,} | {r['peak_mb']:,} | {r['fit_working_set_mb']:,} | "
            f"{r['materialised_windows_mb']:,} |"
        )
    (args.out / "scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'scale.json'} and {args.out / 'scale.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
