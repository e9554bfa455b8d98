"""Data-parallel training on two CPU processes: the same model quality as one process, and the same numbers twice.

Fits one global ``DirectForecaster`` (a GRU reading a week of hourly values in daily patches, 48 steps at once)
on the 414 training series of M4 Hourly, three ways:

* ``1 process``: a plain fit, 2 torch threads;
* ``2 processes``: ``torchrun --standalone --nproc_per_node 2`` (gloo backend), 1 thread each, the net given
  ``accelerator=Accelerator(cpu=True, dataloader_config=DataLoaderConfiguration(split_batches=True))``; run
  twice, to check that a seed gives the same run.

Each run scores its forecasts on M4's test part (sMAPE, MASE, OWA against the official Naive2 totals: no setting
is chosen here, the test part only measures) and records its training time per epoch and a hash of the
weights of every process. Writes ``data_parallel.json`` and ``data_parallel.md``.

    python benchmarks/data_parallel.py --data ../shared/data/m4 --out benchmarks/results

Needs ``pip install accelerate`` (the ``distributed`` extra; the test extra has it too).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "m4"
HORIZON, SP, SEED = 48, 24, 0
NAIVE2 = (18.383, 2.395)  # official M4 Hourly Naive2 sMAPE and MASE (the data folder's README)
SETTINGS = dict(
    cell="gru",
    hidden_size=64,
    batch_size=256,
    lr=3e-3,
    loss="absolute_error",
    max_epochs=15,
    patience=4,
    samples_per_epoch=50_000,
    random_state=SEED,
)
FORECASTER = dict(window_length=168, patch_length=24, horizon=HORIZON, scaling="window", window_scale="mean")


def worker(data: Path, out: Path, threads: int, accelerate: bool) -> None:
    """One process of a run: fit, forecast, score; ``rank<k>.json`` in ``out``."""
    import numpy as np
    import torch

    from seqforecast import DirectForecaster, RNNRegressor
    from seqforecast.evaluation.metrics import mase, owa, smape

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from m4 import load_m4

    torch.set_num_threads(threads)
    accelerator, rank = None, 0
    if accelerate:
        from accelerate import Accelerator
        from accelerate.utils import DataLoaderConfiguration

        accelerator = Accelerator(cpu=True, dataloader_config=DataLoaderConfiguration(split_batches=True))
        rank = accelerator.process_index
    y_train, y_test, _ = load_m4(data, "Hourly")
    model = DirectForecaster(RNNRegressor(accelerator=accelerator, **SETTINGS), **FORECASTER)
    start = time.perf_counter()
    model.fit(None, y_train)
    fit_s = time.perf_counter() - start
    forecast = model.forecast(HORIZON).to_numpy()
    s = smape(y_test.to_numpy(), forecast)
    m = mase(y_test.to_numpy(), forecast, y_train=y_train.to_numpy(), sp=SP)
    history = model.training_history()
    flat = torch.cat([p.detach().reshape(-1) for p in model.estimator_.net_.module_.parameters()])
    record = {
        "rank": rank,
        "processes": 1 if accelerator is None else accelerator.num_processes,
        "threads_per_process": threads,
        "fit_s": round(fit_s, 1),
        "epochs": len(history),
        "s_per_epoch": round(float(np.mean([row["dur"] for row in history])), 2),
        "best_valid_loss": round(min(row["valid_loss"] for row in history), 5),
        "smape": round(s, 3),
        "mase": round(m, 3),
        "owa": round(owa(s, m, *NAIVE2), 3),
        "weights_sha256": hashlib.sha256(flat.numpy().tobytes()).hexdigest()[:16],
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / f"rank{rank}.json").write_text(json.dumps(record))


def run(cmd: list[str], out: Path) -> list[dict]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-4000:]}")
    return [json.loads(p.read_text()) for p in sorted(out.glob("rank*.json"))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/seqforecast-data-parallel"))
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--accelerate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        worker(args.data, args.worker, args.threads, args.accelerate)
        return 0
    if not (args.data / "Hourly-train.csv").exists():
        raise SystemExit(f"M4 Hourly not found in {args.data}; pass --data (see benchmarks/m4.py).")

    me = [sys.executable, str(Path(__file__).resolve()), "--data", str(args.data)]
    launch = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    runs = {}
    for name, cmd in [
        ("1 process, 2 threads", me + ["--threads", "2"]),
        ("2 processes, 1 thread each", launch + me[1:] + ["--accelerate"]),
        ("2 processes, 1 thread each (again)", launch + me[1:] + ["--accelerate"]),
    ]:
        out = args.work / name.replace(" ", "_").replace(",", "").replace("(", "").replace(")", "")
        for old in out.glob("rank*.json"):
            old.unlink()
        print(f"{name}...", flush=True)
        start = time.perf_counter()
        records = run(cmd + ["--worker", str(out)], out)
        wall = time.perf_counter() - start
        runs[name] = {"wall_s": round(wall, 1), "processes": records}
        print("   ", records, flush=True)

    two, again = runs["2 processes, 1 thread each"], runs["2 processes, 1 thread each (again)"]
    checks = {
        "processes_agree": len({r["weights_sha256"] for r in two["processes"]}) == 1,
        "seeded_runs_equal": two["processes"][0]["weights_sha256"] == again["processes"][0]["weights_sha256"],
    }
    settings = {
        "data": "M4 Hourly, 414 series (train part to fit, test part to score)",
        "forecaster": f"DirectForecaster({FORECASTER})",
        "estimator": f"RNNRegressor({SETTINGS})",
        "accelerator": "Accelerator(cpu=True, dataloader_config=DataLoaderConfiguration(split_batches=True))",
        "launcher": "python -m torch.distributed.run --standalone --nproc_per_node=2 (gloo), OMP_NUM_THREADS=1",
    }
    write_json(
        args.out / "data_parallel.json",
        {"environment": environment(), "settings": settings, "checks": checks, "runs": runs},
    )
    lines = [
        "# Data-parallel training: two CPU processes against one",
        "",
        f"Command: `python benchmarks/data_parallel.py --out {args.out}`. {settings['forecaster']} with "
        f"{settings['estimator']}; {settings['data']}. Two processes: {settings['launcher']}, the net given "
        f"`accelerator={settings['accelerator']}`. Machine and versions in `data_parallel.json`.",
        "",
        "| run | wall s (with start-up) | fit s | epochs | s / epoch | best valid loss | sMAPE | MASE | OWA | "
        "weights (sha256, every process) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, found in runs.items():
        r = found["processes"][0]
        hashes = " / ".join(p["weights_sha256"] for p in found["processes"])
        lines.append(
            f"| {name} | {found['wall_s']} | {r['fit_s']} | {r['epochs']} | {r['s_per_epoch']} | "
            f"{r['best_valid_loss']} | {r['smape']} | {r['mase']} | {r['owa']} | {hashes} |"
        )
    lines += [
        "",
        f"Every process ends with the same weights: {checks['processes_agree']}. Two runs with the same seed give "
        f"the same weights: {checks['seeded_runs_equal']}.",
    ]
    (args.out / "data_parallel.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'data_parallel.json'} and {args.out / 'data_parallel.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
