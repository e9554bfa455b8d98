"""Naive-family forecast kernels: pure numpy functions on one series, no pandas.

These are the computing cores behind the naive baselines and M4's benchmarks. Each takes one series as a
1-D array in time order and returns the next ``horizon`` values as a 1-D float array. Pandas, indexes and
several series at once are the forecasters' business (``seqforecast.baselines``).

M4 definitions follow the organisers' R code (``Benchmarks and Evaluation.R`` in their M4-methods
repository; Makridakis, Spiliotis & Assimakopoulos, IJF 36(1), 2020):

* ``seasonality_test``: the lag-``sp`` autocorrelation test at 90 % (their ``SeasonalityTest``);
* ``seasonal_indices``: R's ``decompose(type="multiplicative")`` seasonal figure;
* ``deseasonalise``: divide by the seasonal indices when the test passes (also used by ARIMA's
  ``seasonal="adjust"``);
* ``seasonal_adjustment``: the deseasonalised series and the indices continuing the cycle;
* ``naive2_forecast``: naive forecast of the adjusted series, reseasonalised (their ``f3``);
* ``theta_forecast``: their ``Theta.classic`` on the adjusted series, reseasonalised (their ``f7``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.signal import lfilter

from .._utils.validation import check_int, check_option, check_sp

__all__ = [
    "naive_forecast",
    "seasonal_naive_forecast",
    "seasonality_test",
    "seasonal_indices",
    "deseasonalise",
    "seasonal_adjustment",
    "naive2_forecast",
    "ThetaFit",
    "theta_fit",
    "theta_predict",
    "theta_forecast",
]

_STRATEGIES = ("last", "mean", "drift")

# Bounds of the SES smoothing parameter in R's forecast::ets (used by forecast::ses, hence by M4's Theta).
_ALPHA_BOUNDS = (1e-4, 0.9999)


def _check_series(y, func: str, *, min_length: int = 1, why: str = "") -> np.ndarray:
    """Return ``y`` as a finite 1-D float array of at least ``min_length`` values, or raise."""
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{func}: y must be a 1-D array of numbers; got an object of type {type(y).__name__} that numpy "
            f"cannot convert to float ({exc})."
        ) from None
    if arr.ndim != 1:
        raise ValueError(
            f"{func}: y must be one series, a 1-D array of shape (n_timesteps,); got shape {arr.shape}. "
            "Call the function once per series (e.g. per column)."
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{func}: y contains {int(bad.sum())} NaN or infinite value(s) (first at position "
            f"{int(np.flatnonzero(bad)[0])}); the kernels need a complete series. Remove leading NaN and "
            "fill or drop the gaps before forecasting."
        )
    if arr.shape[0] < min_length:
        fix = " or a smaller sp" if "sp=" in why else ""
        raise ValueError(
            f"{func}: y needs at least {min_length} value(s){why}; got {arr.shape[0]}. Pass a longer series{fix}."
        )
    return arr


def _unit(y: np.ndarray) -> float:
    """The power of two that brings the largest magnitude of ``y`` into [1, 2) (1.0 for zeros).

    Dividing by it is exact, so the kernels below compute on ``y / _unit(y)`` and multiply back: the same
    bits as on ``y`` itself for ordinary values, and no overflow of squares or sums (nor underflow) for
    values near the float limits (1e200, 1e-200).
    """
    largest = float(np.max(np.abs(y))) if y.size else 0.0
    return 1.0 if largest == 0.0 else math.ldexp(1.0, math.frexp(largest)[1] - 1)


# Models estimated by statsmodels' optimisers (ETS, a fixed ARIMA order) are fitted in the series' own units,
# so that they equal statsmodels' fits, unless its largest magnitude lies outside [2**-64, 2**64] (about 5e-20
# to 2e19): squared errors of values beyond ~1e154 overflow, and sums of squares of tiny values underflow.
_OWN_UNITS = (2.0**-64, 2.0**64)


def extreme_unit(y: np.ndarray) -> float:
    """1.0 for a series whose largest magnitude lies in [2**-64, 2**64] (the usual case); otherwise the power of
    two that brings it into [1, 2), to fit the model in (an exact rescaling)."""
    largest = float(np.max(np.abs(y))) if y.size else 0.0
    return 1.0 if largest == 0.0 or _OWN_UNITS[0] <= largest <= _OWN_UNITS[1] else _unit(y)


def _check_horizon(horizon, func: str) -> int:
    """The number of steps to forecast: an int >= 1."""
    return check_int(horizon, "horizon", func, hint="horizon is the number of steps to forecast.")


_SHIFT = "Shift the series to positive values before forecasting, or use seasonal_naive_forecast."


def _check_positive(y: np.ndarray, func: str, fix: str) -> None:
    """A multiplicative decomposition divides by the series: refuse values <= 0."""
    nonpositive = y <= 0
    if nonpositive.any():
        raise ValueError(
            f"{func}: a multiplicative decomposition needs a strictly positive series; y has "
            f"{int(nonpositive.sum())} value(s) <= 0 (first at position {int(np.flatnonzero(nonpositive)[0])}). "
            f"{fix}"
        )


def naive_forecast(y, horizon: int, strategy: str = "last") -> np.ndarray:
    """Forecast a series by its last value, its mean, or the drift between its first and last values.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order.
    horizon : int
        Number of steps to forecast (>= 1).
    strategy : {"last", "mean", "drift"}, default="last"
        ``"last"``: every step equals ``y[-1]`` (the random-walk forecast; M4's Naive 1).
        ``"mean"``: every step equals the mean of ``y``.
        ``"drift"``: step ``h`` equals ``y[-1] + h * (y[-1] - y[0]) / (n_timesteps - 1)``, the line through
        the first and last values extended (Hyndman & Athanasopoulos, FPP3 section 5.2); needs 2 values.

    Returns
    -------
    y_pred : ndarray of shape (horizon,)
    """
    check_option(strategy, "strategy", _STRATEGIES, "naive_forecast")
    horizon = _check_horizon(horizon, "naive_forecast")
    min_length = 2 if strategy == "drift" else 1
    y = _check_series(y, "naive_forecast", min_length=min_length, why=f" for strategy={strategy!r}")
    if strategy == "last":
        return np.full(horizon, y[-1])
    if strategy == "mean":
        return np.full(horizon, y.mean())
    slope = (y[-1] - y[0]) / (y.shape[0] - 1)
    return y[-1] + slope * np.arange(1, horizon + 1)


def seasonal_naive_forecast(y, horizon: int, sp: int) -> np.ndarray:
    """Forecast each step by the value one season earlier: ``y_pred[h-1] = y[n - sp + (h-1) % sp]``.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order, at least ``sp`` values long.
    horizon : int
        Number of steps to forecast (>= 1).
    sp : int
        Seasonal period (>= 1); ``sp=1`` is the naive ``"last"`` forecast.

    Returns
    -------
    y_pred : ndarray of shape (horizon,)
        The last ``sp`` values repeated, as M4's ``naive_seasonal``.
    """
    horizon = _check_horizon(horizon, "seasonal_naive_forecast")
    sp = check_sp(sp, "seasonal_naive_forecast")
    y = _check_series(y, "seasonal_naive_forecast", min_length=sp, why=f" (one full season, sp={sp})")
    last_season = y[-sp:]
    return last_season[np.arange(horizon) % sp]


def _acf(y: np.ndarray, max_lag: int) -> np.ndarray:
    """Autocorrelations at lags 1..max_lag as R's ``acf``: demeaned, every lag divided by n * variance."""
    y = y / _unit(y)  # the autocorrelations do not depend on the unit; the squares must not overflow
    centred = y - y.mean()
    denom = centred @ centred
    n = centred.shape[0]
    return np.array([centred[: n - k] @ centred[k:] for k in range(1, max_lag + 1)]) / denom


def seasonality_test(y, sp: int) -> bool:
    """M4's test for seasonality: is the lag-``sp`` autocorrelation significant at the 90 % level?

    The series is called seasonal when ``|r_sp| > 1.645 * sqrt((1 + 2 * sum_{k=1}^{sp-1} r_k**2) / n)``,
    where ``r_k`` is the sample autocorrelation at lag ``k`` (demeaned, biased denominator, as R's ``acf``)
    and ``n`` the series length: Bartlett's standard error under an MA(sp-1) null. As the organisers'
    ``SeasonalityTest``, the test is not applied (the answer is ``False``) when ``sp <= 1`` or
    ``n < 3 * sp``; a constant series (undefined autocorrelation) is not seasonal either.

    Notes
    -----
    The organisers' R code takes ``r_k`` from ``acf(input)`` with its default ``lag.max = floor(10 *
    log10(n))``; when that is below ``sp`` the autocorrelation it indexes is ``NA`` and their test answers
    ``FALSE`` (e.g. ``sp=24`` with ``n < 252``). This function applies the formula at every length: both agree
    on all of M4 (Hourly series have ``n >= 700``; Weekly and Daily use ``sp=1``), and may differ outside it.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order.
    sp : int
        Seasonal period (>= 1).

    Returns
    -------
    seasonal : bool
    """
    sp = check_sp(sp, "seasonality_test")
    y = _check_series(y, "seasonality_test")
    n = y.shape[0]
    if sp <= 1 or n < 3 * sp or np.ptp(y) == 0:
        return False
    acf = _acf(y, sp)
    # clim[sp] = 1.645 / sqrt(n) * sqrt(1 + 2 * sum_{k<sp} r_k^2), as cumsum(c(1, 2 * xacf^2))[sp] in R
    limit = 1.645 * np.sqrt((1.0 + 2.0 * np.sum(acf[: sp - 1] ** 2)) / n)
    return bool(abs(acf[sp - 1]) > limit)


def seasonal_indices(y, sp: int) -> np.ndarray:
    """Seasonal indices of a classical multiplicative decomposition, as R's ``decompose(type="multiplicative")``.

    1. Trend: a centred moving average of order ``sp`` (for even ``sp`` the 2 x sp average, weights
       ``[1/2, 1, ..., 1, 1/2] / sp``); undefined on the first and last ``sp // 2`` steps.
    2. Ratios ``y_t / trend_t`` where the trend is defined.
    3. Index of season position ``i``: the mean of the ratios at steps ``t % sp == i``.
    4. Normalised so that the ``sp`` indices average 1.

    Positions count from the first observation: ``indices[t % sp]`` is the index of step ``t``, so the index
    of the forecast step ``h`` (1-based) is ``indices[(n_timesteps + h - 1) % sp]``.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete, strictly positive series of at least two full seasons (``2 * sp`` values).
    sp : int
        Seasonal period (>= 2).

    Returns
    -------
    indices : ndarray of shape (sp,)
    """
    sp = check_int(sp, "sp", "seasonal_indices", minimum=2, hint="sp is the seasonal period, 2 or more here.")
    y = _check_series(y, "seasonal_indices", min_length=2 * sp, why=f" (two full seasons, sp={sp})")
    _check_positive(y, "seasonal_indices", _SHIFT)
    y = y / _unit(y)  # ratios to the trend do not depend on the unit; sums of sp values must not overflow
    if sp % 2 == 0:
        weights = np.r_[0.5, np.ones(sp - 1), 0.5] / sp
    else:
        weights = np.ones(sp) / sp
    half = weights.shape[0] // 2
    # [n] -> [n - 2 * half]: trend_t for t in half .. n - half - 1
    trend = np.convolve(y, weights, mode="valid")
    steps = np.arange(half, half + trend.shape[0])
    ratios = y[steps] / trend
    figure = np.array([ratios[steps % sp == i].mean() for i in range(sp)])
    return figure / figure.mean()


def seasonal_adjustment(y, horizon: int, sp: int) -> tuple[np.ndarray, np.ndarray]:
    """Seasonally adjust a series as M4's benchmarks do, and return the indices for the forecast steps.

    When ``sp > 1`` and :func:`seasonality_test` passes, ``y`` is divided by its multiplicative
    :func:`seasonal_indices`; otherwise it is returned unchanged and the future indices are all 1.
    A forecast of the adjusted series times ``future_indices`` is the reseasonalised forecast.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order (strictly positive when it tests seasonal).
    horizon : int
        Number of forecast steps (>= 1).
    sp : int
        Seasonal period (>= 1).

    Returns
    -------
    y_adjusted : ndarray of shape (n_timesteps,)
    future_indices : ndarray of shape (horizon,)
        Seasonal index of each forecast step, continuing the cycle after the last observation.
    """
    return _adjustment(y, horizon, sp, "seasonal_adjustment")


def _adjustment(y, horizon, sp, func: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`seasonal_adjustment`, its messages naming ``func``."""
    horizon = _check_horizon(horizon, func)
    adjusted, indices = deseasonalise(y, sp, func=func)
    if indices is None:
        return adjusted, np.ones(horizon)
    return adjusted, indices[(adjusted.shape[0] + np.arange(horizon)) % sp]


def deseasonalise(y, sp: int, *, func: str = "deseasonalise", fix: str = _SHIFT):
    """M4's classical multiplicative seasonal adjustment: divide by the :func:`seasonal_indices` when
    :func:`seasonality_test` passes.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order (strictly positive when it tests seasonal).
    sp : int
        Seasonal period (>= 1).
    func : str, default="deseasonalise"
        The function named in error messages (the caller's).
    fix : str
        The advice given when a seasonal series has values <= 0.

    Returns
    -------
    y_adjusted : ndarray of shape (n_timesteps,)
        A new array: ``y`` itself (copied) when it does not test seasonal.
    indices : ndarray of shape (sp,) or None
        The seasonal index of each position from the first observation (``indices[t % sp]`` is that of
        step ``t``), or None when ``y`` does not test seasonal.
    """
    sp = check_sp(sp, func)
    y = _check_series(y, func)
    if not seasonality_test(y, sp):
        return y.copy(), None
    _check_positive(y, func, fix)
    indices = seasonal_indices(y, sp)
    return y / indices[np.arange(y.shape[0]) % sp], indices


def naive2_forecast(y, horizon: int, sp: int) -> np.ndarray:
    """M4's Naive2: the naive forecast of the seasonally adjusted series, reseasonalised.

    Equals ``naive_forecast(y, horizon)`` when the series does not test seasonal (or ``sp == 1``).

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order (strictly positive when it tests seasonal).
    horizon : int
        Number of steps to forecast (>= 1).
    sp : int
        Seasonal period (>= 1): 24 for M4 Hourly, 12 Monthly, 4 Quarterly, 1 otherwise.

    Returns
    -------
    y_pred : ndarray of shape (horizon,)
    """
    adjusted, future = _adjustment(y, horizon, sp, "naive2_forecast")
    return adjusted[-1] * future


def _ses_profile(y: np.ndarray, alpha: float) -> tuple[float, float]:
    """Return (SSE, final level) of simple exponential smoothing at ``alpha`` with the best initial level.

    The one-step errors are linear in the initial level ``l0``: ``e_t = a_t - (1 - alpha)**t * l0`` with
    ``a_t`` the errors when ``l0 = 0``; the SSE-minimising ``l0`` is therefore a least-squares coefficient.
    """
    decay = (1.0 - alpha) ** np.arange(y.shape[0])
    # levels with l0 = 0: l_t = alpha * y_t + (1 - alpha) * l_{t-1}
    levels0 = lfilter([alpha], [1.0, alpha - 1.0], y)
    a = y - np.r_[0.0, levels0[:-1]]
    l0 = (a @ decay) / (decay @ decay)
    errors = a - decay * l0
    final_level = levels0[-1] + (1.0 - alpha) ** y.shape[0] * l0
    return float(errors @ errors), float(final_level)


def _ses_fit(y: np.ndarray) -> tuple[float, float]:
    """(alpha, final level) of SES fitted by least squares: alpha in [1e-4, 0.9999], the initial level free."""
    grid = np.linspace(*_ALPHA_BOUNDS, 20)
    sse = np.array([_ses_profile(y, a)[0] for a in grid])
    best = int(np.argmin(sse))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, grid.shape[0] - 1)]
    result = minimize_scalar(
        lambda a: _ses_profile(y, a)[0], bounds=(lo, hi), method="bounded", options={"xatol": 1e-8}
    )
    alpha = float(result.x) if result.fun <= sse[best] else float(grid[best])
    return alpha, _ses_profile(y, alpha)[1]


class ThetaFit(NamedTuple):
    """M4's Theta benchmark fitted to one series (see :func:`theta_fit`)."""

    n_timesteps: int
    #: intercept and slope of theta line 0, ``b0 + b1 * t`` for ``t = 1..n_timesteps`` (adjusted series)
    intercept: float
    slope: float
    #: SES smoothing parameter and final level on theta line 2
    alpha: float
    level: float
    #: multiplicative seasonal indices by position from the first observation, None when not seasonal
    seasonal_indices: np.ndarray | None


def theta_fit(y, sp: int) -> ThetaFit:
    """Fit M4's Theta benchmark (the organisers' ``Theta.classic``) to one series; see :func:`theta_forecast`.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order, at least 2 values (strictly positive when it tests seasonal).
    sp : int
        Seasonal period (>= 1).

    Returns
    -------
    fit : ThetaFit
    """
    sp = check_sp(sp, "theta_fit")
    y = _check_series(y, "theta_fit", min_length=2, why=" to fit a trend line")
    adjusted, indices = deseasonalise(y, sp, func="theta_fit")
    unit = _unit(adjusted)  # the fit is linear in the series: computed in this unit, multiplied back exactly
    adjusted = adjusted / unit
    n = adjusted.shape[0]
    t = np.arange(1, n + 1, dtype=np.float64)
    slope, intercept = np.polyfit(t, adjusted, 1)
    alpha, level = _ses_fit(2.0 * adjusted - (intercept + slope * t))
    return ThetaFit(n, float(intercept) * unit, float(slope) * unit, alpha, level * unit, indices)


def theta_predict(fit: ThetaFit, horizon: int) -> np.ndarray:
    """Forecast ``horizon`` steps from a :class:`ThetaFit`; see :func:`theta_forecast`.

    Returns
    -------
    y_pred : ndarray of shape (horizon,)
    """
    horizon = _check_horizon(horizon, "theta_predict")
    steps = np.arange(fit.n_timesteps + 1, fit.n_timesteps + horizon + 1)
    forecast = 0.5 * fit.level + 0.5 * (fit.intercept + fit.slope * steps)
    if fit.seasonal_indices is None:
        future = np.ones(horizon)
    else:
        sp = fit.seasonal_indices.shape[0]
        future = fit.seasonal_indices[(steps - 1) % sp]
    return np.maximum(forecast, 0.0) * future


def theta_forecast(y, horizon: int, sp: int) -> np.ndarray:
    """M4's Theta benchmark (the organisers' ``Theta.classic``) on the seasonally adjusted series.

    On the series adjusted by :func:`seasonal_adjustment`:

    1. theta line 0: the least-squares line ``b0 + b1 * t`` over ``t = 1..n``;
    2. theta line 2: ``2 * y - line0``, forecast by simple exponential smoothing (a flat forecast at its
       final level) with ``alpha`` in [1e-4, 0.9999] and the initial level chosen by least squares, as
       R's ``forecast::ses``;
    3. forecast: ``0.5 * SES forecast + 0.5 * line 0 extended``, negative values set to 0, reseasonalised.

    This is SES with a drift of half the trend slope (Hyndman & Billah, IJF 19(2), 2003).
    R fits SES with Nelder-Mead; here the least-squares fit is exact (a grid then a bounded scalar search
    over ``alpha``, the initial level in closed form), so forecasts may differ from R's in late digits;
    the published M4 Hourly and Weekly Theta scores are reproduced to their 3 decimals.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One complete series in time order, at least 2 values (strictly positive when it tests seasonal).
    horizon : int
        Number of steps to forecast (>= 1).
    sp : int
        Seasonal period (>= 1).

    Returns
    -------
    y_pred : ndarray of shape (horizon,)
    """
    horizon = _check_horizon(horizon, "theta_forecast")
    return theta_predict(theta_fit(y, sp), horizon)
