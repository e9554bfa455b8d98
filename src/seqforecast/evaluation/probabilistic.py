"""Probabilistic forecast metrics: the quantile (pinball) loss, the CRPS from quantiles or from samples, and the
scores of prediction intervals (coverage, width, M4's MSIS and ACD).

Conventions are those of :mod:`seqforecast.evaluation.metrics`:

* ``y_true`` is 1-D, one series over the horizon, or 2-D of shape ``(horizon, n_series)``; numpy arrays, lists,
  pandas Series and DataFrames are accepted. A score is computed **per series, then averaged over the series**
  (``multioutput="raw_values"`` returns the per-series values), except :func:`acd`, which pools every value as
  M4 does.
* Quantile forecasts and samples have ``y_true``'s shape plus a **last axis**, one value per quantile level or
  per draw: ``(horizon, n_quantiles)`` for one series, ``(horizon, n_series, n_quantiles)`` for several.
  Interval bounds ``lower`` and ``upper`` have ``y_true``'s shape, with ``lower <= upper`` everywhere.
* NaN or infinite values, empty input and mismatched shapes raise ``ValueError``; nothing is imputed. Each
  series is scored in units of a power of two near its largest magnitude, so values near the float limits do
  not overflow on the way; a result beyond the float range raises ``OverflowError``.

Quantile levels and the pinball loss, for a level ``tau`` and its forecast ``q`` (``y`` the actual value)::

    rho_tau(y, q) = tau * (y - q)         if y >= q     (under-forecast: weighted by tau)
                    (1 - tau) * (q - y)   if y < q      (over-forecast: weighted by 1 - tau)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._utils.finite import format_positions
from .._utils.validation import check_real
from ._float_range import check_representable, errors_in_units, exponents_of, scaled_down, times_power_of_two
from .metrics import (
    _aggregate,
    _as_horizon_array,
    _check_finite,
    _check_multioutput,
    _scaled_ratio,
    _scales,
    _series_labels,
    _to_float_array,
)

__all__ = [
    "pinball_loss",
    "crps_from_quantiles",
    "crps_from_samples",
    "interval_coverage",
    "interval_width",
    "msis",
    "acd",
]

#: The way out of a result beyond the float range, for the scores that scale with the data.
_RESCALE = "Divide y_true and the forecasts by a common factor, e.g. 1e6, and score again: the score scales with it."
_COVERAGE_HINT = "It is the nominal coverage of the intervals, e.g. 0.95 for M4's 95 % intervals."


# --------------------------------------------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------------------------------------------
def _check_levels(quantiles, func: str) -> np.ndarray:
    """The quantile levels as a 1-D float array: non-empty, strictly inside (0, 1), strictly increasing."""
    levels = _to_float_array(quantiles, "quantiles", func)
    if levels.ndim != 1 or levels.size == 0:
        raise ValueError(
            f"{func}: quantiles must be a non-empty 1-D sequence of levels in (0, 1), e.g. [0.1, 0.5, 0.9]; got "
            f"shape {levels.shape}. Pass [0.5] for the median alone."
        )
    outside = ~((levels > 0) & (levels < 1))  # NaN is outside too
    if outside.any():
        raise ValueError(
            f"{func}: quantiles must lie strictly between 0 and 1; got {levels[outside].tolist()} at position(s) "
            f"{format_positions(np.flatnonzero(outside))}. A level is a probability: 0.9 for the 90 % quantile."
        )
    not_up = np.flatnonzero(np.diff(levels) <= 0)
    if not_up.size:
        i = int(not_up[0]) + 1
        raise ValueError(
            f"{func}: quantiles must be strictly increasing; got {float(levels[i])!r} at position {i} after "
            f"{float(levels[i - 1])!r}. Sort the levels and the last axis of the forecasts together: order = "
            "np.argsort(quantiles), then quantiles[order] and y_pred_quantiles[..., order]."
        )
    return levels


def _with_last_axis(y_true, values, name: str, func: str, n_levels: int | None = None):
    """``y_true`` as (horizon, n_series) and forecasts with a last axis of levels or draws as
    (horizon, n_series, k): ``[H] & [H, K] -> [H, 1] & [H, 1, K]``; ``[H, S] & [H, S, K]`` unchanged.

    ``n_levels`` is the number of quantile levels the last axis must hold; ``None`` for samples (any number).
    """
    true = _to_float_array(y_true, "y_true", func)
    arr = _to_float_array(values, name, func)
    fits = arr.ndim == true.ndim + 1 and arr.shape[:-1] == true.shape
    if not fits or (n_levels is not None and arr.shape[-1] != n_levels):
        last = "n_samples" if n_levels is None else str(n_levels)
        wanted = "(" + ", ".join([*map(str, true.shape), last]) + ")"
        what = "draws (any number)" if n_levels is None else f"one value per quantile level ({n_levels} levels)"
        hint = ""
        if n_levels is not None and arr.shape == (n_levels, *true.shape):
            hint = " The levels look to be on the first axis: move them last with np.moveaxis(y_pred_quantiles, 0, -1)."
        raise ValueError(
            f"{func}: {name} must have shape {wanted}, y_true's shape {true.shape} and a last axis of {what}; got "
            f"{arr.shape}.{hint}"
        )
    true = _as_horizon_array(true, "y_true", func)
    if arr.shape[-1] == 0:
        raise ValueError(f"{func}: {name} has no draw (its last axis has length 0); pass at least one per step.")
    _check_finite(arr, name, func)
    return true, arr.reshape(*true.shape, -1)  # [H, K] -> [H, 1, K]; [H, S, K] unchanged


def _check_same_index(named: dict, func: str) -> None:
    """Refuse pandas inputs whose index or columns differ: scores compare values position by position."""
    frames = [(name, v) for name, v in named.items() if isinstance(v, (pd.Series, pd.DataFrame))]
    for name, other in frames[1:]:
        first, ref = frames[0]
        for attr in ("index", "columns"):
            a, b = getattr(ref, attr, None), getattr(other, attr, None)
            if a is not None and b is not None and not a.equals(b):
                raise ValueError(
                    f"{func}: {first} and {name} are pandas objects with different {attr} ({list(a[:3])}... vs "
                    f"{list(b[:3])}...); scores compare values position by position and do not realign. Reindex "
                    f"one onto the other (e.g. {name}.reindex_like({first})) or pass arrays."
                )


def _prepare_interval(func: str, **named) -> list[np.ndarray]:
    """Validate ``y_true`` (when passed), ``lower`` and ``upper``, in that order; return them as
    (horizon, n_series) arrays."""
    _check_same_index(named, func)
    raw = {name: _to_float_array(v, name, func) for name, v in named.items()}
    if len({a.shape for a in raw.values()}) > 1:
        names = [*raw]
        together = f"{', '.join(names[:-1])} and {names[-1]}"
        listed = ", ".join(f"{name} {a.shape}" for name, a in raw.items())
        raise ValueError(
            f"{func}: {together} must have the same shape, (horizon,) or (horizon, n_series); got {listed}."
        )
    arrays = [_as_horizon_array(a, name, func) for name, a in raw.items()]
    lower, upper = arrays[-2:]
    above = lower > upper
    if above.any():
        first = tuple(int(i) for i in np.argwhere(above)[0])
        raise ValueError(
            f"{func}: lower must be <= upper everywhere; got lower > upper at {int(above.sum())} position(s), the "
            f"first at (step, series) {first}: lower {float(lower[first])!r}, upper {float(upper[first])!r}. Check "
            "that the bounds are not swapped (pass lower= and upper= by name)."
        )
    return arrays


def _series_exponents(true: np.ndarray, forecasts: np.ndarray) -> np.ndarray:
    """Per series, the power of two near the largest magnitude of its actuals and forecasts: ``[S]``."""
    return exponents_of(true, forecasts.transpose(0, 2, 1).reshape(-1, true.shape[1]))  # [H, S, K] -> [H*K, S]


def _result(in_units, exponents, func: str, what: str, labels: list[str], multioutput: str):
    """Per-series values from values in units of ``2**exponents``; their mean or themselves."""
    values = times_power_of_two(in_units, exponents)
    check_representable(values, in_units, exponents, func, what, labels, _RESCALE)
    return _aggregate(values, multioutput)


def _pinball_in_units(true, pred, levels):
    """Mean pinball loss per series over the horizon and the levels, in units of ``2**exponents``: ``[S], [S]``."""
    exponents = _series_exponents(true, pred)
    diff = scaled_down(true, exponents)[:, :, None] - scaled_down(pred, exponents[:, None])  # y - q: [H, S, Q]
    loss = np.maximum(levels * diff, (levels - 1.0) * diff)
    return loss.mean(axis=(0, 2)), exponents


# --------------------------------------------------------------------------------------------------------------
# quantiles and samples
# --------------------------------------------------------------------------------------------------------------
def pinball_loss(y_true, y_pred_quantiles, quantiles, *, multioutput: str = "uniform_average"):
    """Mean quantile (pinball) loss over the horizon and the quantile levels, per series then over series.

    ``rho_tau(y, q) = max(tau * (y - q), (tau - 1) * (y - q))``; at ``tau = 0.5`` it is half the absolute
    error, so ``pinball_loss(y, q[..., None], [0.5])`` is ``mae(y, q) / 2``.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (horizon, n_series)
    y_pred_quantiles : array-like of shape (horizon, n_quantiles) or (horizon, n_series, n_quantiles)
        The forecast quantiles, one per level on the last axis. Crossing quantiles are scored as they are.
    quantiles : array-like of shape (n_quantiles,)
        The levels, strictly increasing and strictly inside (0, 1).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Return the mean over series (a float) or the per-series values, ndarray of shape (n_series,).
    """
    _check_multioutput(multioutput, "pinball_loss")
    levels = _check_levels(quantiles, "pinball_loss")
    true, pred = _with_last_axis(y_true, y_pred_quantiles, "y_pred_quantiles", "pinball_loss", levels.size)
    in_units, exponents = _pinball_in_units(true, pred, levels)
    labels = _series_labels(true.shape[1], y_true)
    return _result(in_units, exponents, "pinball_loss", "pinball loss", labels, multioutput)


def crps_from_quantiles(y_true, y_pred_quantiles, quantiles, *, multioutput: str = "uniform_average"):
    """The CRPS approximated from forecast quantiles: twice the mean pinball loss over evenly spaced levels.

    The CRPS is twice the integral of the pinball loss over the levels, ``CRPS(F, y) = 2 * integral_0^1
    rho_tau(y, F^-1(tau)) dtau`` (the quantile decomposition of the CRPS: Laio & Tamea 2007, Hydrol. Earth
    Syst. Sci. 11; Gneiting & Ranjan 2011, J. Bus. Econ. Stat. 29(3)). This function takes the midpoint rule
    of that integral, ``2 * mean_k rho_tau_k(y, q_k)``. At the midpoint levels ``tau_k = (k - 1/2) / K``,
    k = 1..K (e.g. 0.05, 0.15, ..., 0.95), it is exactly the CRPS of the distribution putting mass 1/K on each
    of the K forecast quantiles (:func:`crps_from_samples` of those values), and it converges to the CRPS of
    ``F`` as K grows (3e-6 relative for a Gaussian at K = 1000). On another evenly spaced grid, such as
    0.1, ..., 0.9, it is the same average, which leaves out the tails beyond the outermost levels. Uneven
    levels are refused (an equal-weight mean would over-weigh where they crowd); score those with
    :func:`pinball_loss`.

    Parameters are those of :func:`pinball_loss`; ``quantiles`` must also be evenly spaced.
    """
    func = "crps_from_quantiles"
    _check_multioutput(multioutput, func)
    levels = _check_levels(quantiles, func)
    steps = np.diff(levels)
    if steps.size and np.ptp(steps) > 1e-9:
        i = int(np.argmax(np.abs(steps - steps[0]))) + 1
        raise ValueError(
            f"{func}: quantiles must be evenly spaced, the CRPS being approximated by the midpoint rule; the step "
            f"from position {i - 1} to {i} is {steps[i - 1]:.6g} against {steps[0]:.6g} at the start. Use "
            "evenly spaced levels, e.g. (np.arange(K) + 0.5) / K, or score uneven ones with pinball_loss."
        )
    true, pred = _with_last_axis(y_true, y_pred_quantiles, "y_pred_quantiles", func, levels.size)
    in_units, exponents = _pinball_in_units(true, pred, levels)
    return _result(2.0 * in_units, exponents, func, "CRPS", _series_labels(true.shape[1], y_true), multioutput)


def crps_from_samples(y_true, samples, *, multioutput: str = "uniform_average"):
    """The CRPS of the empirical distribution of samples (an ensemble): ``E|X - y| - 1/2 E|X - X'|``.

    The kernel form of the CRPS (Gneiting & Raftery 2007, J. Am. Stat. Assoc. 102(477)) with ``X, X'``
    independent draws from the m samples, each with weight 1/m (not the "fair" estimator, which divides the
    second term by m(m - 1) instead of m**2). The second term is computed from the sorted samples in
    O(m log m), ``E|X - X'| = 2 / m**2 * sum_i (2i - m - 1) x_(i)``, instead of over all m**2 pairs. With one
    sample the CRPS is the absolute error. The value equals ``scoringrules.crps_ensemble(..., estimator="nrg")``
    and ``properscoring.crps_ensemble``.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (horizon, n_series)
    samples : array-like of shape (horizon, n_samples) or (horizon, n_series, n_samples)
        Draws from the forecast distribution of each step, on the last axis (in any order).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
    """
    func = "crps_from_samples"
    _check_multioutput(multioutput, func)
    true, draws = _with_last_axis(y_true, samples, "samples", func)
    exponents = _series_exponents(true, draws)
    # x_(i) - y, sorted over the draws: [H, S, m] (the weights below sum to 0: the shift by y changes no E|X - X'|)
    dev = np.sort(scaled_down(draws, exponents[:, None]), axis=-1) - scaled_down(true, exponents)[:, :, None]
    m = dev.shape[-1]
    weights = (2.0 * np.arange(1, m + 1) - m - 1.0) / m**2  # 1/2 E|X - X'| = sum_i weights_i x_(i)
    crps = np.maximum(np.mean(np.abs(dev), axis=-1) - dev @ weights, 0.0)  # [H, S]; >= 0 up to rounding
    return _result(crps.mean(axis=0), exponents, func, "CRPS", _series_labels(true.shape[1], y_true), multioutput)


# --------------------------------------------------------------------------------------------------------------
# prediction intervals
# --------------------------------------------------------------------------------------------------------------
def interval_coverage(y_true, lower, upper, *, multioutput: str = "uniform_average"):
    """Share of the actual values inside their interval ``[lower, upper]`` (bounds included), per series then
    averaged over series (with one horizon for all, the same as the share of all values).

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (horizon,) or (horizon, n_series)
        ``lower <= upper`` everywhere.
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
    """
    _check_multioutput(multioutput, "interval_coverage")
    true, lo, up = _prepare_interval("interval_coverage", y_true=y_true, lower=lower, upper=upper)
    return _aggregate(np.mean((lo <= true) & (true <= up), axis=0), multioutput)


def interval_width(lower, upper, *, multioutput: str = "uniform_average"):
    """Mean width ``upper - lower`` of the intervals, per series then averaged over series.

    Parameters
    ----------
    lower, upper : array-like of shape (horizon,) or (horizon, n_series)
        ``lower <= upper`` everywhere.
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
    """
    _check_multioutput(multioutput, "interval_width")
    lo, up = _prepare_interval("interval_width", lower=lower, upper=upper)
    widths, exponents = errors_in_units(up, lo)
    labels = _series_labels(lo.shape[1], lower, upper)
    return _result(widths.mean(axis=0), exponents, "interval_width", "mean width", labels, multioutput)


def msis(y_true, lower, upper, *, y_train, sp: int = 1, coverage: float = 0.95, multioutput: str = "uniform_average"):
    """Mean scaled interval score, as M4 (Makridakis, Spiliotis & Assimakopoulos 2020).

    Per series, with ``alpha = 1 - coverage`` and the bounds ``L, U``: the mean over the horizon of
    ``(U - L) + (2 / alpha) * (L - y) * 1{y < L} + (2 / alpha) * (y - U) * 1{y > U}``, divided by the scale of
    :func:`~seqforecast.evaluation.metrics.mase` (the in-sample MAE of the lag-``sp`` naive forecast of the
    training series); then the mean over series. An interval that holds every value scores its mean width over
    the scale; each value outside adds ``2 / alpha`` (40 for 95 % intervals) times its distance to the bound.

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (horizon,) or (horizon, n_series)
        ``lower <= upper`` everywhere.
    y_train : array-like of shape (n_timesteps,) or (n_timesteps, n_series), or list of n_series 1-D arrays
        The training series, as in :func:`~seqforecast.evaluation.metrics.mase` (leading NaN of a 2-D input
        mark a series that starts later; each needs at least ``sp + 1`` values).
    sp : int, default=1
        Seasonal period of the scale (M4: 24 Hourly, 12 Monthly, 4 Quarterly, 1 Yearly/Weekly/Daily).
    coverage : float in (0, 1), default=0.95
        The nominal coverage of the intervals; M4 scored 95 % intervals.
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"

    Raises
    ------
    ValueError
        If a training series has a zero scale (it repeats exactly at lag ``sp``), naming the series, as ``mase``.
    OverflowError
        If the MSIS of a series is beyond the float range (a scale tiny against the interval scores).
    """
    _check_multioutput(multioutput, "msis")
    coverage = check_real(coverage, "coverage", "msis", low=0, high=1, closed="neither", hint=_COVERAGE_HINT)
    true, lo, up = _prepare_interval("msis", y_true=y_true, lower=lower, upper=upper)
    labels = _series_labels(true.shape[1], y_true, lower, upper, y_train)
    scales, scale_exponents = _scales(y_train, true.shape[1], sp, "msis", squared=False, labels=labels)
    exponents = exponents_of(true, lo, up)
    t, lo, up = (scaled_down(a, exponents) for a in (true, lo, up))
    penalty = (2.0 / (1.0 - coverage)) * (np.maximum(lo - t, 0.0) + np.maximum(t - up, 0.0))  # [H, S]
    in_units = np.mean((up - lo) + penalty, axis=0)
    return _aggregate(_scaled_ratio(in_units, exponents, scales, scale_exponents, "msis", labels, sp), multioutput)


def acd(y_true, lower, upper, *, coverage: float = 0.95) -> float:
    """Absolute coverage difference, as M4: ``|share of all values inside their interval - coverage|``.

    Unlike the other scores, the share is **pooled** over every step of every series (M4's definition), not
    computed per series and averaged; with one horizon for all series the two are the same.

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (horizon,) or (horizon, n_series)
        ``lower <= upper`` everywhere; a value on a bound is inside.
    coverage : float in (0, 1), default=0.95
        The nominal coverage of the intervals.
    """
    coverage = check_real(coverage, "coverage", "acd", low=0, high=1, closed="neither", hint=_COVERAGE_HINT)
    true, lo, up = _prepare_interval("acd", y_true=y_true, lower=lower, upper=upper)
    return float(abs(np.mean((lo <= true) & (true <= up)) - coverage))
