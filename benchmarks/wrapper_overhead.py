"""What does the scikit-learn/skorch wrapper cost? RNNRegressor.fit against a plain torch loop.

Both sides train the same :class:`seqforecast.nets.RecurrentNet` on the same windows with the same epochs,
batch size, optimizer (Adam), gradient clipping, seed and number of torch threads. The plain loop draws its
initial weights and its per-epoch permutations from the same seeded torch RNG in the same order as the
wrapper does, so both end with the same weights: the script checks it (``max_weight_diff``), which proves
the two sides do the same work. After a warm-up of each, the repeats alternate the two sides (so slow drifts
of machine load hit both) and the medians are compared.

Run from the repository root (writes benchmarks/results/wrapper_overhead.json and .md)::

    nice .venv/bin/python benchmarks/wrapper_overhead.py            # 2,000 windows x 48 steps, 10 epochs
    nice .venv/bin/python benchmarks/wrapper_overhead.py --repeats 3 --n-samples 500   # quicker look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

from seqforecast.estimators import RNNRegressor
from seqforecast.nets import RecurrentNet

RESULTS = Path(__file__).resolve().parent / "results"


def make_windows(n_samples, n_timesteps, seed):
    """Noisy sine windows (one feature) and the next value as target."""
    rng = np.random.RandomState(seed)
    t = np.arange(n_samples + n_timesteps)
    series = np.sin(2 * np.pi * t / 24) + 0.1 * rng.normal(size=t.size)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], n_timesteps)[:n_samples]  # [n, T]
    y = series[n_timesteps : n_timesteps + n_samples]
    return np.ascontiguousarray(X[:, :, None]), y  # [n, T] -> [n, T, 1]


def fit_wrapper(X, y, cfg):
    est = RNNRegressor(
        cell=cfg["cell"],
        hidden_size=cfg["hidden_size"],
        batch_size=cfg["batch_size"],
        max_epochs=cfg["epochs"],
        lr=cfg["lr"],
        gradient_clip=cfg["gradient_clip"],
        random_state=cfg["seed"],
    )
    start, cpu = time.perf_counter(), time.process_time()
    est.fit(X, y)
    elapsed = (time.perf_counter() - start, time.process_time() - cpu)
    return elapsed, est.net_.module_, [h["train_loss"] for h in est.history_]


def fit_plain(X, y, cfg):
    """The loop a practitioner would write by hand: same net, data, optimizer, clipping and RNG draws."""
    start, cpu = time.perf_counter(), time.process_time()
    Xt = torch.from_numpy(X.astype(np.float32))
    yt = torch.from_numpy(y.astype(np.float32)).reshape(-1, 1)  # [n] -> [n, 1]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg["seed"])
        net = RecurrentNet(1, 1, cell=cfg["cell"], hidden_size=cfg["hidden_size"])
        opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"], weight_decay=0.0)
        loss_fn = torch.nn.MSELoss()
        losses = []
        n, bs = len(Xt), cfg["batch_size"]
        for _ in range(cfg["epochs"]):
            net.train()
            order = torch.randperm(n)
            total = 0.0
            for begin in range(0, n, bs):
                idx = order[begin : begin + bs]
                opt.zero_grad()
                loss = loss_fn(net(Xt[idx]), yt[idx])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), cfg["gradient_clip"])
                opt.step()
                total += loss.item() * len(idx)
            losses.append(total / n)
    net.eval()
    return (time.perf_counter() - start, time.process_time() - cpu), net, losses


def versions():
    import pandas  # noqa: E401
    import sklearn
    import skorch
    import statsmodels

    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "sklearn": sklearn.__version__,
        "statsmodels": statsmodels.__version__,
        "skorch": skorch.__version__,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=2000)
    parser.add_argument("--timesteps", type=int, default=48)
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--threads", type=int, default=torch.get_num_threads(), help="torch intra-op threads, the same for both sides"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)  # a benchmark setting, identical for both sides
    cfg = {
        "cell": args.cell,
        "hidden_size": args.hidden_size,
        "batch_size": args.batch_size,
        "epochs": args.epochs,
        "lr": 1e-3,
        "gradient_clip": 1.0,
        "seed": args.seed,
    }
    X, y = make_windows(args.n_samples, args.timesteps, args.seed)
    load_before = os.getloadavg()

    warm = {**cfg, "epochs": 1}
    fit_wrapper(X, y, warm), fit_plain(X, y, warm)
    times = {"wrapper": [], "plain": []}  # wall-clock seconds
    cpu_times = {"wrapper": [], "plain": []}  # CPU seconds of this process (less sensitive to other jobs)
    for r in range(args.repeats):
        order = (("wrapper", fit_wrapper), ("plain", fit_plain))
        for side, fn in order if r % 2 == 0 else order[::-1]:
            (elapsed, cpu), net, losses = fn(X, y, cfg)
            times[side].append(elapsed)
            cpu_times[side].append(cpu)
            if side == "wrapper":
                wrapper_net, wrapper_losses = net, losses
            else:
                plain_net, plain_losses = net, losses
            print(f"repeat {r + 1}/{args.repeats} {side:8s} wall {elapsed:7.3f} s  cpu {cpu:7.3f} s", flush=True)
    weight_diff = max(
        (a - b).abs().max().item() for a, b in zip(wrapper_net.state_dict().values(), plain_net.state_dict().values())
    )
    med = {side: statistics.median(t) for side, t in times.items()}
    cpu_med = {side: statistics.median(t) for side, t in cpu_times.items()}
    overhead = 100.0 * (med["wrapper"] / med["plain"] - 1.0)
    cpu_overhead = 100.0 * (cpu_med["wrapper"] / cpu_med["plain"] - 1.0)
    # Each repeat runs both sides back to back, so the per-repeat ratio cancels slow load drifts.
    paired = 100.0 * (statistics.median(w / p for w, p in zip(cpu_times["wrapper"], cpu_times["plain"])) - 1.0)
    paired_wall = 100.0 * (statistics.median(w / p for w, p in zip(times["wrapper"], times["plain"])) - 1.0)
    result = {
        "benchmark": "wrapper_overhead",
        "question": "RNNRegressor.fit vs a plain torch loop on the same RecurrentNet, data and settings",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
            "niceness": os.nice(0),
        },
        "versions": versions(),
        "settings": {
            **cfg,
            "n_samples": args.n_samples,
            "timesteps": args.timesteps,
            "n_features": 1,
            "optimizer": "adam",
            "repeats": args.repeats,
            "warmup": "one 1-epoch fit of each side",
            "order": "alternating (wrapper first on odd repeats)",
        },
        "seeds": {"data": args.seed, "torch": args.seed},
        "times_s": times,
        "median_s": med,
        "overhead_pct": overhead,
        "cpu_times_s": cpu_times,
        "cpu_median_s": cpu_med,
        "cpu_overhead_pct": cpu_overhead,
        "paired_cpu_overhead_pct": paired,
        "paired_wall_overhead_pct": paired_wall,
        "max_weight_diff": weight_diff,
        "final_train_loss": {"wrapper": wrapper_losses[-1], "plain": plain_losses[-1]},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "wrapper_overhead.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = "\n".join(
        f"| {side} | {med[side]:.3f} | {', '.join(f'{t:.2f}' for t in times[side])} | {cpu_med[side]:.3f} | "
        f"{', '.join(f'{t:.2f}' for t in cpu_times[side])} |"
        for side in times
    )
    (args.out / "wrapper_overhead.md").write_text(
        "# Wrapper overhead: RNNRegressor.fit vs a plain torch loop\n\n"
        f"{args.n_samples} windows x {args.timesteps} steps x 1 feature, {cfg['cell']} hidden {cfg['hidden_size']}, "
        f"batch {cfg['batch_size']}, {cfg['epochs']} epochs, Adam lr {cfg['lr']}, grad-norm clip "
        f"{cfg['gradient_clip']}, seed {cfg['seed']}, {torch.get_num_threads()} torch thread(s); "
        f"{args.repeats} alternating repeats after a warm-up.\n\n"
        "| side | median wall (s) | all runs, wall (s) | median CPU (s) | all runs, CPU (s) |\n"
        "|---|---|---|---|---|\n" + rows + "\n\n"
        f"**Overhead: {paired:+.1f} % paired CPU time** ({paired_wall:+.1f} % paired wall-clock; "
        f"{cpu_overhead:+.1f} % and {overhead:+.1f} % from the medians of CPU and wall-clock times). *Paired*: "
        "the median over repeats of wrapper / plain within a repeat, where both sides ran back to back, the "
        "steadiest figure on a shared machine; CPU time counts this process only. "
        "Both sides end with the same "
        f"weights (max abs difference {weight_diff:.2e}), so they did the same work.\n\n"
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before and "
        f"{result['machine']['loadavg_after'][0]:.2f} after (shared machine: other jobs ran at the same time), "
        f"niceness {result['machine']['niceness']}.\n"
        f"Versions: {', '.join(f'{k} {v}' for k, v in result['versions'].items())}.\n"
    )
    print(
        f"median wall: wrapper {med['wrapper']:.3f} s, plain {med['plain']:.3f} s, overhead {overhead:+.1f} %; "
        f"median CPU: overhead {cpu_overhead:+.1f} %; paired CPU {paired:+.1f} %, paired wall {paired_wall:+.1f} %; "
        f"max weight diff {weight_diff:.2e}"
    )
    return result


if __name__ == "__main__":
    main()
