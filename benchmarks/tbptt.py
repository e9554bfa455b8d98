"""Truncated backpropagation through time on one 50,000-step sequence: memory, time and what is learnt.

The task (a long-range dependency, a "latch"): the input is sparse random spikes, ``x_t = s_t`` with
probability ``p`` (``s_t`` = -1 or +1, equally likely) and 0 otherwise, plus N(0, ``noise``) noise; the target
at step ``t`` is the sign of the most recent spike at or before ``t`` (0 before the first). The gap to that
spike is geometric with mean ``1 / p`` (150 steps by default): the net must hold one bit across hundreds of
steps of noise, beyond a GRU's unaided memory. A second, independent sequence of the same length (another
seed) is the test; the trivial baseline predicts the training mean (mean squared error) and the majority
sign (accuracy).

The model: ``RNNRegressor(cell="gru", hidden_size=32, architecture="many_to_many", batch_size=1, lr=3e-3,
gradient_clip=1.0)`` (squared error), trained on the one sequence ``X`` of shape (1, 50000, 1)
(a) with ``tbptt_steps=--k`` (250 by default) and (b) with full BPTT (``tbptt_steps=None``), each in a fresh
process capped at ``--mem-gb`` GB of address space (``RLIMIT_AS``), each given the same budget of CPU time
(``--budget`` CPU seconds of training, the same on a loaded machine as on an idle one: no epoch starts after it
has passed; the weights are those of the last completed epoch). Measured per run: peak resident memory
(``ru_maxrss`` of the child, at the end of training), the memory before ``fit``, wall and CPU seconds per
epoch, epochs and optimizer steps done, and the test loss and accuracy (overall, and split by the gap to the
last spike: at most ``k`` steps, or more); and the CPU time full BPTT would need for the truncated run's number
of optimizer steps (one per epoch, at its measured CPU seconds per epoch). A run that exceeds the memory cap is
reported as "did not fit". Writes ``tbptt.json`` and ``tbptt.md``.

    python benchmarks/tbptt.py --out benchmarks/results                    # the recorded run (~10 minutes)
    python benchmarks/tbptt.py --budget 20 --length 5000 --out /tmp/tbptt  # a quick look
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, peak_mb, rss_mb, write_json  # noqa: E402

HIDDEN, LR = 32, 3e-3


def make_sequence(length: int, p: float, noise: float, seed: int):
    """Inputs ``(1, length, 1)``, targets ``(1, length)`` and the gap of each step to its latest spike."""
    import numpy as np

    rng = np.random.default_rng(seed)
    spikes = rng.random(length) < p
    signs = rng.choice([-1.0, 1.0], size=length)
    x = np.where(spikes, signs, 0.0) + rng.normal(0.0, noise, size=length)
    steps = np.arange(length)
    last = np.maximum.accumulate(np.where(spikes, steps, -1))  # index of the latest spike at or before t
    y = np.where(last >= 0, signs[np.maximum(last, 0)], 0.0)
    gap = np.where(last >= 0, steps - last, -1)
    return x.reshape(1, length, 1), y.reshape(1, length), gap


def _scores(pred, y, gap, k, train_mean):
    import numpy as np

    held = gap >= 0  # steps after the first spike: their target is a sign
    sign_ok = np.sign(pred) == y
    near, far = held & (gap <= k), held & (gap > k)
    majority = 1.0 if (y > 0).sum() >= (y < 0).sum() else -1.0
    return {
        "mse": float(np.mean((pred - y) ** 2)),
        "mse_baseline_train_mean": float(np.mean((train_mean - y) ** 2)),
        "accuracy": float(sign_ok[held].mean()),
        "accuracy_gap_le_k": float(sign_ok[near].mean()),
        "accuracy_gap_gt_k": float(sign_ok[far].mean()) if far.any() else None,
        "accuracy_baseline_majority": float((y[held] == majority).mean()),
        "steps_gap_gt_k": int(far.sum()),
    }


def one(cfg: dict) -> dict:
    """One training run, in this process (the child): the figures as a dict."""
    limit = int(cfg["mem_gb"] * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import numpy as np
    import torch
    from skorch.callbacks import Callback

    from seqforecast import RNNRegressor

    torch.set_num_threads(cfg["threads"])
    X, y, _ = make_sequence(cfg["length"], cfg["p"], cfg["noise"], cfg["seed"])
    X_test, y_test, gap_test = make_sequence(cfg["length"], cfg["p"], cfg["noise"], cfg["seed"] + 1)

    class Budget(Callback):
        """Start no epoch once ``seconds`` of this process's CPU time have gone into training (the last completed
        epoch's weights stay); record the CPU seconds of each epoch."""

        def __init__(self, seconds):
            self.seconds = seconds

        def on_train_begin(self, net, **kwargs):
            self.start_, self.cpu_ = time.process_time(), []

        def on_epoch_begin(self, net, **kwargs):
            self.epoch_start_ = time.process_time()
            if len(net.history) > 1 and self.epoch_start_ - self.start_ >= self.seconds:
                raise KeyboardInterrupt  # on_interrupt="keep_best": fit returns with the last completed epoch

        def on_epoch_end(self, net, **kwargs):
            self.cpu_.append(time.process_time() - self.epoch_start_)

    est = RNNRegressor(
        cell="gru",
        hidden_size=HIDDEN,
        architecture="many_to_many",
        batch_size=1,
        max_epochs=cfg["max_epochs"],
        lr=LR,
        gradient_clip=1.0,
        tbptt_steps=cfg["k"],
        random_state=cfg["seed"],
        callbacks=[("budget", Budget(cfg["budget"]))],
        on_interrupt="keep_best",
    )
    before_fit = rss_mb()
    start = time.perf_counter()
    try:
        est.fit(X, y)
    except (MemoryError, RuntimeError) as exc:  # torch's allocator raises RuntimeError when the cap is hit
        if isinstance(exc, RuntimeError) and "memory" not in str(exc).lower():
            raise
        return {
            "fit": False,
            "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
            "seconds_until_failure": round(time.perf_counter() - start, 1),
            "rss_before_fit_mb": round(before_fit),
            "peak_mb": round(peak_mb()),
        }
    fit_s = time.perf_counter() - start
    peak = peak_mb()
    epochs = len(est.history_)
    cpu = dict(est.net_.callbacks_)["budget"].cpu_[:epochs]
    steps = {float(s["step"]) for s in est.net_.optimizer_.state_dict()["state"].values()}
    start = time.perf_counter()
    pred = est.predict(X_test)[0]
    predict_s = time.perf_counter() - start
    chunks = 1 if cfg["k"] is None else math.ceil(cfg["length"] / cfg["k"])
    return {
        "fit": True,
        "epochs": epochs,
        "optimizer_steps": int(max(steps)),
        "optimizer_steps_per_epoch": chunks,
        "fit_s": round(fit_s, 1),
        "s_per_epoch": round(float(np.mean([h["dur"] for h in est.history_])), 2),
        "cpu_s_per_epoch": round(float(np.mean(cpu)), 2),
        "fit_cpu_s": round(float(np.sum(cpu)), 1),
        "train_loss_first_epoch": float(est.history_[0]["train_loss"]),
        "train_loss_last_epoch": float(est.history_[-1]["train_loss"]),
        "rss_before_fit_mb": round(before_fit),
        "peak_mb": round(peak),
        "fit_working_set_mb": round(peak - before_fit),
        "predict_s": round(predict_s, 1),
        "test": _scores(pred, y_test[0], gap_test, cfg["k_report"], float(y.mean())),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--length", type=int, default=50_000)
    parser.add_argument("--k", type=int, default=250, help="tbptt_steps of the truncated run")
    parser.add_argument("--p", type=float, default=1 / 150, help="spike probability per step")
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--budget", type=float, default=150.0, help="training CPU seconds of each run")
    parser.add_argument("--max-epochs", type=int, default=1000)
    parser.add_argument("--mem-gb", type=float, default=12.0, help="address-space cap of each run (RLIMIT_AS)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--one", type=str, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:  # the child: one run, figures on stdout
        print(json.dumps(one(json.loads(args.one))))
        return 0

    env = environment()
    import numpy as np

    _, y, gap = make_sequence(args.length, args.p, args.noise, args.seed)
    held = gap[gap >= 0]
    data = {
        "spikes_train": int((np.diff(np.concatenate([[-1], gap])) <= 0).sum()),
        "gap_median": float(np.median(held)),
        "gap_p90": float(np.percentile(held, 90)),
        "gap_max": int(held.max()),
        "share_of_steps_with_gap_gt_k": float((held > args.k).mean()),
    }
    runs = {}
    for label, k in ((f"tbptt_steps={args.k}", args.k), ("full BPTT (tbptt_steps=None)", None)):
        cfg = dict(
            length=args.length,
            k=k,
            k_report=args.k,
            p=args.p,
            noise=args.noise,
            budget=args.budget,
            max_epochs=args.max_epochs,
            mem_gb=args.mem_gb,
            seed=args.seed,
            threads=args.torch_threads,
        )
        print(f"{label}: training for up to {args.budget:.0f} CPU seconds...", flush=True)
        load = os.getloadavg()[0]
        done = subprocess.run([sys.executable, __file__, "--one", json.dumps(cfg)], capture_output=True, text=True)
        if done.returncode:
            row = {"fit": False, "error": f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"}
        else:
            row = json.loads(done.stdout.strip().splitlines()[-1])
        row["load_average_1min_at_start"] = load
        row["load_average_1min_at_end"] = os.getloadavg()[0]
        print("   ", row, flush=True)
        runs[label] = row

    settings = {
        "task": "latch: x_t = +-1 spike with probability p (else 0) + N(0, noise); y_t = sign of the latest spike",
        "length": args.length,
        "p": args.p,
        "noise": args.noise,
        "test": f"an independent sequence of {args.length} steps (seed {args.seed + 1})",
        "model": f"RNNRegressor(cell='gru', hidden_size={HIDDEN}, architecture='many_to_many', batch_size=1, "
        f"lr={LR}, gradient_clip=1.0, loss='squared_error'), X of shape (1, {args.length}, 1)",
        "tbptt_steps": args.k,
        "budget_s": args.budget,
        "budget_rule": "the same CPU time of training for both runs (robust to the load of a shared machine): no "
        "epoch starts after the budget has passed",
        "mem_cap_gb": args.mem_gb,
        "seed": args.seed,
        "torch_threads": args.torch_threads,
    }
    write_json(args.out / "tbptt.json", {"environment": env, "settings": settings, "data": data, "runs": runs})
    (args.out / "tbptt.md").write_text(_markdown(args, settings, data, runs), encoding="utf-8")
    print(f"wrote {args.out / 'tbptt.json'} and {args.out / 'tbptt.md'}")
    return 0


def _markdown(args, settings, data, runs) -> str:
    lines = [
        f"# Truncated BPTT on one {args.length:,}-step sequence",
        "",
        f"Command: `python benchmarks/tbptt.py --out {args.out}`. Task: {settings['task']} (p = {args.p:.4g}, "
        f"noise = {args.noise}); test: {settings['test']}. Model: {settings['model']}. Each run in a fresh "
        f"process capped at {args.mem_gb:g} GB of address space, {args.budget:g} CPU seconds of training each "
        f"({settings['budget_rule']}). Seed {args.seed}, {args.torch_threads} torch thread(s). Machine, versions "
        "and every figure in `tbptt.json`.",
        "",
        f"Gap from a step to its latest spike (training sequence): median {data['gap_median']:g}, 90th percentile "
        f"{data['gap_p90']:g}, max {data['gap_max']}; {data['share_of_steps_with_gap_gt_k']:.1%} of the steps "
        f"are more than k = {args.k} steps after their spike.",
        "",
        "| run | epochs | optimizer steps | CPU s / epoch (wall) | peak memory MB (before fit) | test MSE | "
        f"test accuracy | accuracy, gap <= {args.k} | accuracy, gap > {args.k} | load (start-end) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    baseline = None
    for label, r in runs.items():
        load = f"{r['load_average_1min_at_start']:.2f}-{r['load_average_1min_at_end']:.2f}"
        if not r.get("fit"):
            lines.append(f"| {label} | did not fit in {args.mem_gb:g} GB: {r.get('error')} | | | | | | | | {load} |")
            continue
        t = r["test"]
        baseline = t
        far = "n/a" if t["accuracy_gap_gt_k"] is None else f"{t['accuracy_gap_gt_k']:.3f}"
        lines.append(
            f"| {label} | {r['epochs']} | {r['optimizer_steps']:,} | {r['cpu_s_per_epoch']} ({r['s_per_epoch']}) | "
            f"{r['peak_mb']:,} "
            f"({r['rss_before_fit_mb']:,}) | {t['mse']:.4f} | {t['accuracy']:.3f} | {t['accuracy_gap_le_k']:.3f} | "
            f"{far} | {load} |"
        )
    if baseline is not None:
        lines.append(
            f"| baseline (train mean / majority sign) | | | | | {baseline['mse_baseline_train_mean']:.4f} | "
            f"{baseline['accuracy_baseline_majority']:.3f} | | | |"
        )
    truncated, full = runs.values()
    if truncated.get("fit") and full.get("fit"):
        hours = truncated["optimizer_steps"] * full["cpu_s_per_epoch"] / 3600
        lines += [
            "",
            f"Full BPTT makes one optimizer step per epoch: the truncated run's {truncated['optimizer_steps']:,} steps "
            f"would take it about {hours:,.1f} CPU hours at its {full['cpu_s_per_epoch']} CPU s per epoch.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
