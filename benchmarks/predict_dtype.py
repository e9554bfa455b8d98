"""The price of batch-invariant predictions: ``RNNRegressor.predict`` (float64, on a copy of the fitted net)
against a float32 forward pass of the same fitted module, on the same windows.

Usage::

    python benchmarks/predict_dtype.py      # writes results/predict_dtype.{json,md}
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json  # noqa: E402
from seqforecast.estimators import RNNRegressor  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
CASES = [  # (cell, hidden_size, n_windows, window_length)
    ("lstm", 32, 10_000, 24),
    ("gru", 32, 50_000, 48),
    ("lstm", 128, 10_000, 48),
]


def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    torch.set_num_threads(2)
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    rows = []
    for cell, hidden, n, length in CASES:
        X = rng.normal(size=(n, length, 1)).astype(np.float32)
        y = X[:, -1, 0] + 0.1 * rng.normal(size=n).astype(np.float32)
        est = RNNRegressor(cell=cell, hidden_size=hidden, max_epochs=1, batch_size=256, random_state=0).fit(X, y)
        module = est.net_.module_.eval()
        tensor = torch.from_numpy(X)

        def float32_forward(module=module, tensor=tensor, batch=est.net_.batch_size):
            with torch.no_grad():
                return torch.cat([module(tensor[i : i + batch]) for i in range(0, len(tensor), batch)])

        t32 = best_of(float32_forward)
        t64 = best_of(lambda est=est, X=X: est.predict(X))
        rows.append(
            {
                "cell": cell,
                "hidden_size": hidden,
                "windows": n,
                "window_length": length,
                "float32_forward_s": round(t32, 4),
                "predict_float64_s": round(t64, 4),
                "ratio": round(t64 / t32, 2),
            }
        )
        print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    write_json(RESULTS / "predict_dtype.json", {"rows": rows, "torch_threads": 2, **environment()})
    lines = [
        "# predict in float64 (batch-invariant) against a float32 forward pass",
        "",
        "Best of 3 runs, 2 torch threads, batches of 256. Command: `python benchmarks/predict_dtype.py`.",
        "",
        "| cell | hidden | windows | window length | float32 forward s | predict (float64) s | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['cell']} | {r['hidden_size']} | {r['windows']} | {r['window_length']} | {r['float32_forward_s']} | "
        f"{r['predict_float64_s']} | {r['ratio']} |"
        for r in rows
    ]
    lines += ["", "Machine and versions: `predict_dtype.json`."]
    (RESULTS / "predict_dtype.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
