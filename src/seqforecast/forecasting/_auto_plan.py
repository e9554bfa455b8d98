"""The rules by which :class:`~seqforecast.AutoRNNForecaster` sizes its nets from the training data.

Pure functions of the training data's shape (lengths, horizon, seasonal period, positivity): no fitting
and no clock, so the same data always give the same plan. Each rule states what it is for; the values
came from global models on M4 Hourly and Weekly (``benchmarks/results/m4_*.tried.md``: daily patches,
per-window scaling, the absolute-error loss, about 4,000 optimiser steps, ensembles over seeds and window
lengths), generalised by the horizon and the seasonal period rather than by the frequency's name.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["NetPlan", "net_settings", "plan_nets", "seasonal_period", "SP_BY_FREQ"]

#: Seasonal period by pandas frequency prefix (the cycle a forecaster should know about), and a longer
#: second cycle that a window may cover (a week of hours, a year of days).
SP_BY_FREQ = {
    "min": (60, 1440),
    "T": (60, 1440),
    "h": (24, 168),
    "H": (24, 168),
    "B": (5, 260),
    "C": (5, 260),
    "D": (7, 365),
    "W": (52, 52),
    "SM": (24, 24),
    "SMS": (24, 24),
    "M": (12, 12),
    "ME": (12, 12),
    "MS": (12, 12),
    "BM": (12, 12),
    "BME": (12, 12),
    "BMS": (12, 12),
    "Q": (4, 4),
    "QE": (4, 4),
    "QS": (4, 4),
    "BQ": (4, 4),
    "BQE": (4, 4),
    "BQS": (4, 4),
    "Y": (1, 1),
    "YE": (1, 1),
    "YS": (1, 1),
    "A": (1, 1),
    "AS": (1, 1),
    "BA": (1, 1),
    "BY": (1, 1),
    "BYE": (1, 1),
    "BYS": (1, 1),
    "s": (60, 3600),
    "S": (60, 3600),
}

# Seasonal periods tried on data whose index says nothing (an integer index), most common first.
_CANDIDATE_PERIODS = (12, 4, 7, 24, 52)

#: Optimiser steps a net takes at most (about 15 epochs of 70,000 windows in batches of 256 on M4 Hourly).
TARGET_STEPS = 4000
#: Windows per epoch above which every k-th window is kept (an epoch then costs about the same everywhere).
MAX_WINDOWS_PER_EPOCH = 100_000
#: Recurrent steps a window is read in when it is cut into patches.
TARGET_RECURRENT_STEPS = 16


def _freq_prefix(freq) -> str | None:
    if freq is None:
        return None
    text = freq if isinstance(freq, str) else getattr(freq, "freqstr", str(freq))
    prefix = text.lstrip("0123456789").split("-")[0]
    return prefix or None


def seasonal_period(freq, series: list[np.ndarray]) -> tuple[int, int, str]:
    """The seasonal period, a longer cycle for windows, and where they came from.

    From the index frequency when it is known (24 for hourly data, 12 monthly, ...). Otherwise from the
    data: on the first differences of each series (a trend makes every lag look seasonal), the candidate
    period (12, 4, 7, 24, 52) whose autocorrelation is positive and passes M4's 90 % test in the largest
    share of the series long enough to test (three full cycles), if that share is at least a half; else 1.
    """
    from ..baselines._kernels import seasonality_test

    prefix = _freq_prefix(freq)
    if prefix in SP_BY_FREQ:
        sp, cycle = SP_BY_FREQ[prefix]
        return sp, cycle, f"the index frequency {prefix!r}"
    diffs = [np.diff(y) for y in series if len(y) > 1]
    best, best_share = 1, 0.5
    for sp in _CANDIDATE_PERIODS:
        testable = [d for d in diffs if len(d) >= 3 * sp and np.ptp(d) > 0]
        if not testable:
            continue
        hits = sum(seasonality_test(d, sp) and _autocorrelation(d, sp) > 0 for d in testable)
        share = hits / len(testable)
        if share > best_share:
            best, best_share = sp, share
    if best > 1:
        return best, best, f"the data (positive lag-{best} autocorrelation in {best_share:.0%} of the series)"
    return 1, 1, "the data (no seasonal period found)"


def _autocorrelation(x: np.ndarray, lag: int) -> float:
    centred = x - x.mean()
    return float(centred[:-lag] @ centred[lag:] / (centred @ centred))


@dataclass
class NetPlan:
    """What the nets of an :class:`~seqforecast.AutoRNNForecaster` are, chosen by :func:`plan_nets`."""

    window_lengths: list = field(default_factory=list)
    patch_lengths: list = field(default_factory=list)
    window_scale: str = "mean"
    window_step: int = 1
    min_observations: int | None = None
    hidden_size: int = 64
    dropout: float = 0.2
    batch_size: int = 64
    lr: float = 3e-3
    max_epochs: int = 20
    patience: int | None = None
    n_windows: int = 0
    reasons: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _round_up(value: int, multiple: int) -> int:
    return int(math.ceil(value / multiple) * multiple)


def _patch(length: int, sp: int) -> int:
    """Whole seasons as patches when a window holds four or more; else about 16 recurrent steps."""
    if sp >= 4 and length >= 4 * sp:
        return sp
    return max(1, math.ceil(length / TARGET_RECURRENT_STEPS))


def _windows(lengths: np.ndarray, window_length: int, horizon: int, min_observations: int | None) -> int:
    """Training windows over all series: every end with ``horizon`` targets and a whole window of inputs; with
    padding, a series too short for that has the windows with ``min_observations`` observed values or more."""
    full = lengths >= window_length + horizon
    need = np.where(full | (min_observations is None), window_length, min_observations or 0)
    return int(np.maximum(lengths - horizon - need + 1, 0).sum())


def net_settings(n_windows: int, *, early_stopping="auto") -> dict:
    """The net's size and training length for ``n_windows`` training windows per epoch.

    Capacity and batches grow with the data (GRU/LSTM of 32, 64 or 128 units; batches of 16 to 256, about
    40 per epoch for small data); epochs give about :data:`TARGET_STEPS` optimiser steps, between 5 and 100.
    Above :data:`MAX_WINDOWS_PER_EPOCH` windows an epoch draws that many at random (``samples_per_epoch``),
    so the training time stops growing with the size of the collection.
    ``early_stopping``: True always holds out the most recent 10 % of windows and stops after 10 epochs
    without improvement (keeping the best weights); ``"auto"`` does so only with 30 epochs or more (small
    data, where nets overfit; with few epochs over many windows the step budget is the regulariser and
    every recent window trains). Fewer than 20 windows never hold out a validation tail.
    """
    n = int(n_windows)
    hidden = 128 if n >= 20_000 else 64 if n >= 2_000 else 32
    batch = 256 if n >= 20_000 else int(min(256, max(16, 2 ** round(math.log2(max(n, 1) / 40)))))
    per_epoch = min(n, MAX_WINDOWS_PER_EPOCH)  # more windows: each epoch draws this many (samples_per_epoch)
    steps_per_epoch = max(1, math.ceil(per_epoch / batch))
    epochs = int(min(100, max(5, math.ceil(TARGET_STEPS / steps_per_epoch))))
    stop = n >= 20 and (early_stopping is True or (early_stopping == "auto" and epochs >= 30))
    return {
        "hidden_size": hidden,
        "dropout": 0.2 if hidden >= 64 else 0.1,
        "batch_size": batch,
        "samples_per_epoch": None if n <= MAX_WINDOWS_PER_EPOCH else MAX_WINDOWS_PER_EPOCH,
        "lr": 3e-3,
        "max_epochs": epochs,
        "patience": 10 if stop else None,
    }


def plan_nets(lengths, horizon: int, sp: int, cycle: int, *, positive: bool, shortest: int | None = None) -> NetPlan:
    """Size the nets for series of the given ``lengths`` (observations per series, training part).

    Parameters
    ----------
    lengths : array-like of int
        Observations of each series the nets train on.
    horizon : int
        Steps each net forecasts at once (a direct, multi-output net).
    sp, cycle : int
        Seasonal period and a longer cycle (e.g. 24 and 168 for hourly data).
    positive : bool
        Whether every training value is > 0 (windows are then scaled by their level).
    shortest : int, optional
        The fewest observations a series will have where nets are trained (earlier holdout origins cut
        more than ``lengths`` shows); short series are padded when it is below a window and a horizon.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    plan = NetPlan()
    typical = int(np.median(lengths))
    # Window lengths: 3.5 and 7 horizons (N-BEATS reads 2 to 7), moved to whole seasonal cycles when a
    # cycle fits, and no longer than a typical series leaves room for (shorter series are padded).
    room = max(horizon, typical - horizon)
    wanted = []
    for factor in (3.5, 7.0):
        length = int(math.ceil(factor * horizon))
        for period in sorted({cycle, sp}, reverse=True):
            if 2 <= period <= 1.5 * length:  # the window holds at least two thirds of a cycle: whole cycles
                length = max(1, int(round(length / period))) * period
                break
        wanted.append(max(horizon, min(length, room)))
    for length in dict.fromkeys(wanted):
        patch = _patch(length, sp)
        plan.window_lengths.append(_round_up(length, patch))
        plan.patch_lengths.append(patch)
    plan.reasons["window_lengths"] = (
        f"3.5 and 7 horizons, rounded to whole cycles of {cycle if cycle > 1 else sp} steps where one fits, at most "
        f"{room} (a typical series of {typical} observations less the horizon)"
    )
    plan.reasons["patch_lengths"] = (
        f"whole seasons of {sp} steps when a window holds 4 or more, else about "
        f"{TARGET_RECURRENT_STEPS} recurrent steps per window"
    )
    # Padding only when some series is too short for the longest window; the short series' windows then need
    # some observed history: a quarter of the shortest window, at least 1, at most 2 seasons.
    shortest = int(lengths.min() if shortest is None else min(shortest, lengths.min()))
    if shortest < max(plan.window_lengths) + horizon:
        plan.min_observations = int(max(1, min(min(plan.window_lengths) // 4, 2 * max(sp, 1))))
        plan.reasons["min_observations"] = (
            f"the shortest series has {shortest} observations, fewer than "
            f"the longest window and the horizon: short series are padded"
        )
    else:
        plan.min_observations = None
        plan.reasons["min_observations"] = "every series fills the longest window and the horizon: no padding"
    plan.window_scale = "mean" if positive else "std"
    plan.reasons["window_scale"] = (
        "every value is > 0: windows divided by their level (relative changes; bounded after flat stretches)"
        if positive
        else "some values are <= 0: windows z-scored (a level is not defined)"
    )
    n_windows = _windows(lengths, max(plan.window_lengths), horizon, plan.min_observations)
    plan.window_step = max(1, math.ceil(n_windows / MAX_WINDOWS_PER_EPOCH))
    plan.n_windows = int(math.ceil(n_windows / plan.window_step))
    plan.reasons["window_step"] = f"{n_windows} windows in all, at most {MAX_WINDOWS_PER_EPOCH} per epoch"
    settings = net_settings(plan.n_windows, early_stopping="auto")
    settings.pop("samples_per_epoch")  # None: window_step already keeps an epoch within MAX_WINDOWS_PER_EPOCH
    for key, value in settings.items():
        setattr(plan, key, value)
    n = plan.n_windows
    plan.reasons["training"] = (
        f"{n} windows per epoch: GRU/LSTM of {plan.hidden_size} units, batches of {plan.batch_size}, at most "
        f"{plan.max_epochs} epochs (about {TARGET_STEPS} optimiser steps)"
        + ("; early stopping (patience 10) on the most recent 10 % of windows" if plan.patience else "")
    )
    return plan
