"""Which nets to average on M4 Hourly or Weekly, chosen at a validation origin (the M4 test values are not used).

Every series' last horizon of training values is held out (``m4.holdout_split``); each candidate net of
``CANDIDATES[frequency]`` is fitted with seeds 0, 1, 2 on the rest, and every combination of candidates is
scored by the OWA of the mean of its nets' forecasts on the held-out values. The nets are
``benchmarks/m4.py``'s direct GRU/LSTM models (its ``build_model``) with some parameters changed.

Hourly's candidates chose the recipe's ensemble. Weekly's compare the nets that ``AutoRNNForecaster``
plans for the same data (``config.plan`` of the ``auto`` row in ``results/m4_Weekly_holdout_members.json``:
GRU/LSTM of 128 units, dropout 0.2, 13 epochs, windows of 52 and 105 weeks in patches of 4 and 7) with the
recipe's (GRU of 64 units, no dropout, 15 epochs, windows of 52 and 64 weeks in patches of 4), one
difference at a time, to find what makes the recipe's ensemble better at this origin.

Run from the repository root (about 25 minutes of CPU per 15 Hourly nets; --jobs 2 runs two nets at a
time)::

    nice .venv/bin/python benchmarks/m4_ensemble_choice.py --candidates A B C D E --jobs 2 --out benchmarks/results
    nice .venv/bin/python benchmarks/m4_ensemble_choice.py --frequency Weekly --jobs 2 --out benchmarks/results
    nice .venv/bin/python benchmarks/m4_ensemble_choice.py --frequency Weekly --candidates A B C D --earlier 13 \
        --jobs 2 --out benchmarks/results

Writes DIR/m4_<frequency>_ensemble_choice.json and .md (``_earlier<N>`` with ``--earlier N``; ``--save-forecasts``
adds every net's forecasts as .npz). Weekly: 819 s for the 21 nets, 433 s for the 12 at the earlier origin.
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
from seqforecast.forecasting._auto_select import extrapolate_ensemble as extrapolate

# AutoRNNForecaster's net on the Weekly holdout data (its plan there): m4.py's Weekly net with these changes
_AUTO_NET = {"estimator__hidden_size": 128, "estimator__dropout": 0.2, "estimator__max_epochs": 13}
_AUTO_LONG = {"window_length": 105, "patch_length": 7}
_AUTO_HOURLY = {"window_scale": "mean", "window_step": 2, "estimator__max_epochs": 14}
#: candidate -> (m4.py model, parameters changed from it, in words), per frequency
CANDIDATES = {
    "Hourly": {
        "A": ("gru-direct", {}, "GRU, 168-hour window"),
        "B": ("gru-direct", {"window_length": 336}, "GRU, 336-hour window"),
        "C": ("lstm-direct", {}, "LSTM, 168-hour window"),
        "D": ("gru-direct-series", {}, "GRU, per-series z-score"),
        "E": ("gru-direct", {"window_scale": "mean"}, "GRU, level-scaled windows"),
        # AutoRNNForecaster's nets on the Hourly holdout data (plan_nets there: level-scaled windows of 168 and
        # 336 hours in daily patches, every 2nd window, 14 epochs; 16 at the origin 48 hours earlier)
        "F": ("gru-direct", _AUTO_HOURLY, "auto's net: GRU 128, level-scaled, 168-hour window"),
        "G": ("gru-direct", {**_AUTO_HOURLY, "window_length": 336}, "auto's net: GRU, 336-hour window"),
        "H": ("lstm-direct", _AUTO_HOURLY, "auto's net: LSTM, 168-hour window"),
        "I": ("lstm-direct", {**_AUTO_HOURLY, "window_length": 336}, "auto's net: LSTM, 336-hour window"),
    },
    "Weekly": {
        "A": ("gru-direct", _AUTO_NET, "auto's net: GRU 128, dropout 0.2, 13 epochs, 52-week window"),
        "B": ("gru-direct", {**_AUTO_NET, **_AUTO_LONG}, "auto's net: GRU, 105-week window (patches of 7)"),
        "C": ("lstm-direct", _AUTO_NET, "auto's net: LSTM, 52-week window"),
        "D": ("lstm-direct", {**_AUTO_NET, **_AUTO_LONG}, "auto's net: LSTM, 105-week window (patches of 7)"),
        "E": ("gru-direct", {}, "the recipe's net: GRU 64, no dropout, 15 epochs, 52-week window"),
        "F": ("gru-direct", {"window_length": 64}, "the recipe's net: GRU 64, 64-week window"),
        "G": ("gru-direct", {**_AUTO_NET, "window_length": 64}, "auto's net: GRU, 64-week window"),
    },
}


#: AutoRNNForecaster's nets in the order it trains them (window lengths in turn, GRU then LSTM), per frequency
AUTO_ORDER = {"Hourly": ["F", "G", "H", "I"], "Weekly": ["A", "B", "C", "D"]}
#: The seasonal period AutoRNNForecaster finds on these data (its config.sp)
AUTO_SP = {"Hourly": 24, "Weekly": 52}
#: The statistical forecaster AutoRNNForecaster mixed 1/4 of into its nets' forecast on these data (its
#: config.weights on the M4 test runs: seasonal naive on Hourly, Theta on Weekly)
MIX = {"Hourly": "seasonal naive", "Weekly": "Theta"}


def fit_one(frequency, key, seed, y_fit, horizon, max_epochs, threads):
    import torch

    torch.set_num_threads(threads)
    name, params, _ = CANDIDATES[frequency][key]
    model = m4.build_model(name, frequency, quick=False, seed=seed).set_params(**params)
    if max_epochs is not None:
        model.set_params(estimator__max_epochs=max_epochs)
    start = time.process_time()
    forecast = model.fit(None, y_fit).forecast(horizon).to_numpy()
    return key, seed, forecast, time.process_time() - start, " ".join(repr(model).split())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=m4.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--frequency", choices=sorted(CANDIDATES), default="Hourly")
    parser.add_argument("--candidates", nargs="+", default=None, help="keys of CANDIDATES (default: all)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-series", type=int, default=None, help="a random subset (for a quick try)")
    parser.add_argument(
        "--earlier",
        type=int,
        default=0,
        help="move the origin this many steps back: the last N training values are dropped before the holdout",
    )
    parser.add_argument("--save-forecasts", action="store_true", help="also write every net's forecasts (.npz)")
    parser.add_argument("--max-epochs", type=int, default=None, help="override the nets' epochs (for a quick try)")
    parser.add_argument("--jobs", type=int, default=1, help="nets fitted at a time, one torch thread each")
    args = parser.parse_args(argv)
    FREQUENCY, candidates = args.frequency, CANDIDATES[args.frequency]
    args.candidates = args.candidates or sorted(candidates)
    unknown = sorted(set(args.candidates) - set(candidates))
    if unknown:
        parser.error(f"--candidates: {unknown} are not candidates for {FREQUENCY}; choose from {sorted(candidates)}")
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
    if args.earlier:  # an earlier origin: the series end N steps sooner (still only training values)
        y_train, rows = y_train.iloc[: -args.earlier].reset_index(drop=True), [r[: -args.earlier] for r in rows]
    y_fit, y_held, fit_rows, note = m4.holdout_split(y_train, rows, FREQUENCY)
    held = y_held.to_numpy()
    naive2 = Naive2Forecaster(sp=sp).fit(None, y_fit).forecast(horizon).to_numpy()

    def owa(forecast):
        return m4_scores(held, forecast, y_train=fit_rows, sp=sp, y_pred_naive2=naive2)["owa"]

    started = time.perf_counter()
    fits = Parallel(n_jobs=args.jobs)(
        delayed(fit_one)(FREQUENCY, key, seed, y_fit, horizon, args.max_epochs, 1)
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
    # AutoRNNForecaster weighed its nets 3/4 beside 1/4 of one statistical forecaster (MIX): the same mix here,
    # that forecaster run as AutoRNN runs it, on the seasonal period it finds (52 on Weekly, where M4 uses 1)
    from seqforecast.baselines import SeasonalNaiveForecaster, ThetaForecaster

    mixer = {"seasonal naive": SeasonalNaiveForecaster, "Theta": ThetaForecaster}[MIX[FREQUENCY]]
    mixed = mixer(sp=AUTO_SP[FREQUENCY]).fit(None, y_fit).forecast(horizon).to_numpy()
    mix_owa = owa(mixed)
    for c in combos:
        members = [forecasts[(key, seed)] for key in c["candidates"].split("+") for seed in args.seeds]
        c["owa_mixed"] = owa(0.75 * np.mean(members, axis=0) + 0.25 * mixed)
    # The mix's worth by ensemble size: AutoRNN judges it with its first HOLDOUT_MEMBERS (2) nets, then forecasts
    # with n_members (6). For each seed: its first nets in AutoRNN's order (AUTO_ORDER: window lengths in turn,
    # GRU then LSTM), their score extrapolated to 6 nets (extrapolate), and 6 nets in that order; then every net.
    from seqforecast import AutoRNNForecaster
    from seqforecast.forecasting.auto import HOLDOUT_MEMBERS as k_holdout

    by_size, n_final = [], AutoRNNForecaster(1).n_members
    order = AUTO_ORDER.get(FREQUENCY, [])

    def scores(members):
        mean = np.mean([forecasts[m] for m in members], axis=0)
        return owa(mean), owa(0.75 * mean + 0.25 * mixed)

    if order and set(order) <= set(args.candidates):
        for i, seed in enumerate(args.seeds):
            first = [(order[j], seed) for j in range(k_holdout)]  # the nets AutoRNN judges with
            pooled = scores(first)
            one = np.mean([scores([m]) for m in first], axis=0)
            six = [(order[j % len(order)], args.seeds[(i + j // len(order)) % len(args.seeds)]) for j in range(n_final)]
            rows_ = [
                (first, "", pooled),
                (
                    first,
                    f"extrapolated to {n_final}",
                    tuple(extrapolate(np.array(one), np.array(pooled), k_holdout, n_final)),
                ),
                (six, "", scores(six)),
            ]
            by_size += [
                {"nets": " ".join(f"{k}{s_}" for k, s_ in m), "how": how, "owa": a, "owa_mixed": b}
                for m, how, (a, b) in rows_
            ]
        every = [(key, seed) for seed in args.seeds for key in order]
        by_size.append({"nets": "all", "how": f"{len(every)} nets", **dict(zip(("owa", "owa_mixed"), scores(every)))})

    settings = {
        "frequency": FREQUENCY,
        "n_series": y_fit.shape[1],
        "horizon": horizon,
        "earlier": args.earlier,
        "seeds": args.seeds,
        "max_epochs": args.max_epochs,
        "jobs": args.jobs,
        "torch_threads_per_net": 1,
        "candidates": {k: candidates[k][2] for k in args.candidates},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / (f"m4_{FREQUENCY}_ensemble_choice" + (f"_earlier{args.earlier}" if args.earlier else ""))
    command = "python benchmarks/m4_ensemble_choice.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.save_forecasts:  # [net, horizon, series] with the held-out values and the mixed-in forecast beside them
        np.savez_compressed(
            f"{stem}.npz",
            keys=np.array([f"{key}{seed}" for key, seed in forecasts]),
            forecasts=np.stack(list(forecasts.values())),
            held=held,
            mix=mixed,
            naive2=naive2,
        )
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
            "mix": f"{MIX[FREQUENCY]} (sp={AUTO_SP[FREQUENCY]})",
            "mix_owa": mix_owa,
            "by_ensemble_size": by_size,
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
        lines.append(f"| {key} | {candidates[key][2]} | {per_seed} |")
    lines += [
        "",
        f"Last column: 3/4 the nets' mean and 1/4 {MIX[FREQUENCY]}'s forecast, as AutoRNNForecaster combined them "
        f"({MIX[FREQUENCY]} with sp={AUTO_SP[FREQUENCY]}, the seasonal period AutoRNNForecaster finds on these data; "
        f"alone: OWA {mix_owa:.4f}).",
        "",
        f"| candidates averaged | nets | OWA | with {MIX[FREQUENCY]} 1/4 |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c['candidates']} | {c['n_nets']} | {c['owa']:.4f} | {c['owa_mixed']:.4f} |" for c in combos]
    if by_size:
        lines += [
            "",
            f"The mix by ensemble size: AutoRNNForecaster judges it with its first {k_holdout} nets and forecasts "
            f"with {n_final}. Nets in its order ({', '.join(order)}), the {k_holdout}-net score extrapolated to "
            f"{n_final} nets in 1/n from the single nets and their mean, then every net:",
            "",
            f"| nets | | OWA | with {MIX[FREQUENCY]} 1/4 |",
            "|---|---|---|---|",
        ]
        lines += [f"| {b['nets']} | {b['how']} | {b['owa']:.4f} | {b['owa_mixed']:.4f} |" for b in by_size]
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
