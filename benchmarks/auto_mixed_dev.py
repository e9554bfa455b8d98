"""Which weights AutoRNNForecaster should give the series its holdout cannot judge, studied on a dev set.

AutoRNN judges its candidates on the series long enough to lose their last ``horizon`` steps and still
have ``horizon + 1`` observations. In a collection that mixes long and short series, the short ones are
never judged, and the weights chosen on the long ones (often the nets alone) were applied to them too:
``auto_edge_cases.py``'s mixed case (10- and 500-value M4 Weekly series) scored MASE 3.91 against naive's
3.04 in seqforecast 0.5.0. This script compares rules for those unjudged series.

The dev collections are made of M4 Weekly and Hourly **training** parts only (the M4 test files are never
read; the series are drawn with a seed of their own, and each is scored on the last horizon of its training
part):

* ``weekly``: 50 series cut to 10 values and 50 to 500, horizon 13;
* ``weekly20``: 50 series cut to 20 values and 50 to 300, horizon 13;
* ``hourly``: 50 series cut to 40 values and 50 to 700, horizon 48;
* ``quarterly``: sums of 13 weeks, 50 series of 12 values and 50 of 80, horizon 8.

One ``AutoRNNForecaster`` fit per collection, every component kept in the final fit (so each rule can be
scored on the same fit), then for the unjudged series:

* ``judged``: the weights chosen on the judged series (the rule of 0.5.0);
* ``equal``: every component with the same weight (AutoRNN's rule when nothing can be judged);
* ``stats``: the statistical components with equal weights, no nets;
* each component alone.

Result (``results/auto_mixed_dev.md``, seqforecast 0.5.0, seed 0): geometric mean over the four collections
of the unjudged series' mean MASE, ``equal`` 3.836, ``stats`` 4.189, ``judged`` 4.264; ``equal`` is better
than ``judged`` on three of the four (not on ``quarterly``: 1.834 against 1.786). Seasonal naive alone is
better still (2.589), but only because of ``hourly`` (1.311 against 9.699), where a 40-value series is too
short for anything but its last day; it is worse than ``equal`` on the three others. From 0.5.1 AutoRNN
uses ``equal`` for the series its holdout cannot judge (``config_["unjudged"]``). The script keeps every
component in the final fit, so it measures the same rules with later versions too.

Usage::

    python benchmarks/auto_mixed_dev.py     # writes benchmarks/results/auto_mixed_dev.{json,md}
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seqforecast.forecasting._auto_select as auto_select  # noqa: E402
import seqforecast.forecasting.auto as auto  # noqa: E402
from _meta import environment, write_json  # noqa: E402
from m4 import DEFAULT_DATA, load_m4  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
_CAPTURED: dict = {}
_choose = auto.AutoRNNForecaster._choose


def _capture(self, components, holdout, non_negative):
    """Record the chosen weights, and let every component into the final fit."""
    table, weights = _choose(self, components, holdout, non_negative)
    _CAPTURED.clear()
    _CAPTURED.update(components=list(components), chosen=dict(weights))
    return table, {name: 1.0 / len(components) for name in components}


def _collection(rows, n_short, n_long, horizon, rng):
    """(histories, truths): ``n_short`` + ``n_long`` training parts cut to their last values (truth: the last
    ``horizon`` values, history: the ``n`` before them)."""
    out = []
    eligible = [r for r in rows if len(r) >= n_long + horizon]
    for i, n in zip(rng.choice(len(eligible), 100, replace=False), [n_short] * 50 + [n_long] * 50):
        r = eligible[i]
        out.append((r[-(n + horizon) : -horizon], r[-horizon:]))
    return out


def dev_collections(data):
    rng = np.random.default_rng(11)
    _, _, weekly = load_m4(data, "Weekly")
    _, _, hourly = load_m4(data, "Hourly")
    quarterly = []
    for w in weekly:
        n = len(w) // 13
        quarterly.append(w[-13 * n :].reshape(n, 13).sum(axis=1))
    return {
        "weekly": (_collection(weekly, 10, 500, 13, rng), 13, 1),
        "weekly20": (_collection(weekly, 20, 300, 13, rng), 13, 1),
        "hourly": (_collection(hourly, 40, 700, 48, rng), 48, 24),
        "quarterly": (_collection(quarterly, 12, 80, 8, rng), 8, 4),
    }


def _frame(histories):
    longest = max(len(h) for h in histories)
    return pd.DataFrame({j: np.r_[np.full(longest - len(h), np.nan), h] for j, h in enumerate(histories)})


def run(name, collection, horizon, mase_sp, seed):
    histories = [h for h, _ in collection]
    truth = np.column_stack([t for _, t in collection])  # [H, S]
    frame = _frame(histories)
    auto.AutoRNNForecaster._choose = _capture
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = auto.AutoRNNForecaster(horizon, random_state=seed).fit(None, frame)
    finally:
        auto.AutoRNNForecaster._choose = _choose
    seconds = time.perf_counter() - started
    Y = frame.to_numpy(dtype=np.float64)
    parts = {}
    if f.members_:
        parts["rnn"] = np.mean([m._predict(horizon, Y, None, None) for m in f.members_], axis=0)
    for c in _CAPTURED["components"]:
        if c != "rnn":
            parts[c] = auto._STATISTICAL[c](Y, horizon, f.sp_)
    parts["naive"] = np.tile(np.array([h[-1] for h in histories]), (horizon, 1))
    lengths = np.array([len(h) for h in histories])
    judged = lengths - horizon >= horizon + 1
    scales = np.array([auto._scale(h, mase_sp) for h in histories])
    components = _CAPTURED["components"]
    stats = [c for c in components if c != "rnn"]
    rules = {
        "judged": _CAPTURED["chosen"],
        "equal": {c: 1.0 / len(components) for c in components},
        "stats": {c: 1.0 / len(stats) for c in stats},
        **{c: {c: 1.0} for c in parts},
    }
    out = {"seconds": round(seconds, 1), "sp": f.sp_, "chosen": _CAPTURED["chosen"], "n_unjudged": int((~judged).sum())}
    for rule, weights in rules.items():
        names = [n for n, w in weights.items() if w > 0 and n in parts]
        forecast = auto_select._combine([parts[n] for n in names], [weights[n] for n in names], histories, True)
        mase = np.mean(np.abs(truth - forecast), axis=0) / scales
        out[rule] = {
            "unjudged": float(np.mean(mase[~judged])),
            "judged": float(np.mean(mase[judged])) if judged.any() else math.nan,
        }
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--collections", nargs="+", default=["weekly", "weekly20", "hourly", "quarterly"])
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    started = time.perf_counter()
    collections = dev_collections(args.data)
    results = {}
    for name in args.collections:
        collection, horizon, mase_sp = collections[name]
        results[name] = run(name, collection, horizon, mase_sp, args.seed)
        print(name, results[name], file=sys.stderr, flush=True)
    wall = time.perf_counter() - started
    rules = [k for k in next(iter(results.values())) if isinstance(next(iter(results.values()))[k], dict)]
    rules = [r for r in rules if r != "chosen"]
    table = pd.DataFrame(
        {name: {rule: r[rule]["unjudged"] if rule in r else math.nan for rule in rules} for name, r in results.items()}
    )
    table["geometric mean"] = np.exp(np.log(table.clip(lower=1e-6)).mean(axis=1))
    write_json(
        RESULTS / "auto_mixed_dev.json",
        {"results": results, "seed": args.seed, "wall_seconds": round(wall, 1), **environment()},
    )
    lines = [
        "# AutoRNN on mixed-length collections: weights for the series its holdout cannot judge (dev set)",
        "",
        "Mean MASE of the unjudged (short) series on the last horizon of their M4 training parts, by rule "
        "(rows) and collection (columns). Command: `python benchmarks/auto_mixed_dev.py`.",
        "",
        table.round(3).to_markdown(),
        "",
        "Chosen on the judged series, per collection: "
        + "; ".join(f"{n}: {r['chosen']} (sp {r['sp']}, fit {r['seconds']} s)" for n, r in results.items()),
        "",
        f"Seed {args.seed}. Wall time {wall:.0f} s. Versions and machine: `auto_mixed_dev.json`.",
    ]
    (RESULTS / "auto_mixed_dev.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
