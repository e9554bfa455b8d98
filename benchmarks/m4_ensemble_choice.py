"""Which nets to average on M4 Hourly, chosen at a validation origin (the M4 test values are not used).

Every series' last 48 training values are held out (``m4.holdout_split``); each candidate net of
``CANDIDATES`` is fitted with seeds 0, 1, 2 on the rest, and every combination of candidates is scored by
the OWA of the mean of its nets' forecasts on the held-out values. The nets are ``benchmarks/m4.py``'s
direct GRU/LSTM models (its ``build_model``) with one parameter changed.

Run from the repository root (about 25 minutes of CPU per 15 nets; --jobs 2 runs two nets at a time)::

    nice .venv/bin/python benchmarks/m4_ensemble_choice.py --jobs 2 --out benchmarks/results

Writes DIR/m4_Hourly_ensemble_choice.json and .md.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import m4
from _meta import environment, write_json

FREQUENCY = "Hourly"
#: candidate -> (m4.py model, parameters changed from it, in words)
CANDIDATES = {
    "A": ("gru-direct", {}, "GRU, 168-hour window"),
    "B": ("gru-direct", {"window_length": 336}, "GRU, 336-hour window"),
    "C": ("lstm-direct", {}, "LSTM, 168-hour window"),
    "D": ("gru-direct-series", {}, "GRU, per-series z-score"),
    "E": ("gru-direct", {"window_scale": "mean"}, "GRU, level-scaled windows"),
}


def fit_one(key, seed, y_fit, horizon, max_epochs, threads):
    import torch

    torch.set_num_threads(threads)
    name, params, _ = CANDIDATES[key]
    model = m4.build_model(name, FREQUENCY, quick=False, seed=seed).set_params(**params)
    if max_epochs is not None:
        model.set_params(estimator__max_epochs=max_epochs)
    start = time.process_time()
    forecast = model.fit(None, y_fit).forecast(horizon).to_numpy()
    return key, seed, forecast, time.process_time() - start, " ".join(repr(model).split())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=m4.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--candidates", nargs="+", choices=sorted(CANDIDATES), default=sorted(CANDIDATES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-series", type=int, default=None, help="a random subset (for a quick try)")
    parser.add_argument("--max-epochs", type=int, default=None, help="override the nets' epochs (for a quick try)")
    parser.add_argument("--jobs", type=int, default=1, help="nets fitted at a time, one torch thread each")
    args = parser.parse_args(argv)
    if not (args.data / f"{FREQUENCY}-train.csv").exists():
        print(
            f"M4 data not found in {args.data} ({FREQUENCY}-train.csv). " + m4.WHERE_TO_GET.format(f=FREQUENCY),
            file=sys.stderr,
        )
        return 2
    from joblib import Parallel, delayed

    from seqforecast.baselines import Naive2Forecaster
    from seqforecast.metrics import m4_scores

    horizon, sp = m4.FREQUENCIES[FREQUENCY]["horizon"], m4.FREQUENCIES[FREQUENCY]["sp"]
    y_train, _, rows = m4.load_m4(args.data, FREQUENCY, args.n_series, seed=0)
    y_fit, y_held, fit_rows, note = m4.holdout_split(y_train, rows, FREQUENCY)
    held = y_held.to_numpy()
    naive2 = Naive2Forecaster(sp=sp).fit(None, y_fit).forecast(horizon).to_numpy()

    def owa(forecast):
        return m4_scores(held, forecast, y_train=fit_rows, sp=sp, y_pred_naive2=naive2)["owa"]

    started = time.perf_counter()
    fits = Parallel(n_jobs=args.jobs)(
        delayed(fit_one)(key, seed, y_fit, horizon, args.max_epochs, 1)
        for key in args.candidates
        for seed in args.seeds
    )
    wall = time.perf_counter() - started
    forecasts = {(key, seed): fc for key, seed, fc, _, _ in fits}
    nets = [
        {"candidate": key, "seed": seed, "owa": owa(fc), "fit_cpu_seconds": cpu, "code": code}
        for key, seed, fc, cpu, code in fits
    ]
    combos = []
    for r in range(1, len(args.candidates) + 1):
        for combo in itertools.combinations(args.candidates, r):
            members = [forecasts[(key, seed)] for key in combo for seed in args.seeds]
            combos.append({"candidates": "+".join(combo), "n_nets": len(members), "owa": owa(np.mean(members, axis=0))})
    combos.sort(key=lambda c: (c["owa"], c["n_nets"]))

    settings = {
        "frequency": FREQUENCY,
        "n_series": y_fit.shape[1],
        "horizon": horizon,
        "seeds": args.seeds,
        "max_epochs": args.max_epochs,
        "jobs": args.jobs,
        "torch_threads_per_net": 1,
        "candidates": {k: CANDIDATES[k][2] for k in args.candidates},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"m4_{FREQUENCY}_ensemble_choice"
    command = "python benchmarks/m4_ensemble_choice.py " + " ".join(argv if argv is not None else sys.argv[1:])
    write_json(
        f"{stem}.json",
        {
            "benchmark": stem.name,
            "environment": environment(),
            "settings": settings,
            "wall_seconds": wall,
            "command": command,
            "note": note,
            "nets": nets,
            "combinations": combos,
        },
    )
    lines = [
        f"# M4 {FREQUENCY}: which nets to average, chosen at a validation origin",
        "",
        (
            f"{y_fit.shape[1]} series; every series' last {horizon} training values held out (the M4 test values "
            "are not used); OWA of the mean of the nets' forecasts on them, relative to Naive2 on the same values."
        ),
        "",
        "| candidate | what | OWA per seed |",
        "|---|---|---|",
    ]
    for key in args.candidates:
        per_seed = " / ".join(f"{n['owa']:.3f}" for n in nets if n["candidate"] == key)
        lines.append(f"| {key} | {CANDIDATES[key][2]} | {per_seed} |")
    lines += ["", "| candidates averaged | nets | OWA |", "|---|---|---|"]
    lines += [f"| {c['candidates']} | {c['n_nets']} | {c['owa']:.4f} |" for c in combos]
    env = environment()
    lines += [
        "",
        f"Seeds {args.seeds}; {args.jobs} net(s) at a time, one torch thread each; total wall time "
        f"{wall:.0f} s. Machine: {env['machine']['platform']}, {env['machine']['cpu_count']} CPUs. Versions: "
        + ", ".join(f"{k} {v}" for k, v in env["versions"].items())
        + ".",
        "",
        f"Command: `{command}`",
    ]
    if note:
        lines += ["", f"Note: {note}"]
    Path(f"{stem}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {stem}.json, .md ({wall:.0f} s); best: {combos[0]['candidates']} {combos[0]['owa']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
