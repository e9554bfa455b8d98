"""How many differences an ARIMA model needs: KPSS tests for ``d`` (:func:`ndiffs`) and the STL seasonal
strength for ``D`` (:func:`nsdiffs`, :func:`seasonal_strength`), as R's ``forecast`` package."""

from __future__ import annotations

import math
import warnings

import numpy as np
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.stattools import kpss

from ._common import as_series, is_constant

__all__ = ["ndiffs", "nsdiffs", "seasonal_strength"]

# KPSS 5 % critical value for the level-stationary null (Kwiatkowski et al., 1992, table 1), as R's ndiffs.
_KPSS_CRIT_5 = 0.463
# Seasonal-strength threshold above which one seasonal difference is taken (R's nsdiffs, test="seas").
_SEAS_STRENGTH = 0.64


def ndiffs(y, max_d: int = 2) -> int:
    """Number of first differences by repeated KPSS tests at 5 %, as R's ``forecast::ndiffs``.

    The level-stationarity KPSS statistic with ``trunc(3 * sqrt(n) / 13)`` lags is compared with its 5 %
    critical value 0.463; while it rejects (and ``d < max_d``) the series is differenced once more.
    A constant series needs no difference (constant up to rounding: a range within 64 float epsilons of
    the largest magnitude of ``y``).
    """
    x = as_series(y, "ndiffs")
    d = 0
    while d < max_d and x.shape[0] > 3 and not is_constant(x, y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels' p-value interpolation warnings
            stat = kpss(x, regression="c", nlags=int(3 * math.sqrt(x.shape[0]) / 13))[0]
        if stat <= _KPSS_CRIT_5:
            break
        x = np.diff(x)
        d += 1
    return d


def seasonal_strength(y, sp: int) -> float:
    """Strength of seasonality ``max(0, 1 - Var(R) / Var(S + R))`` from an STL decomposition.

    Wang, Smith & Hyndman (2006); STL with a seasonal window of 11, as R's ``mstl`` default.
    """
    x = as_series(y, "seasonal_strength")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = STL(x, period=sp, seasonal=11).fit()
    detrended = fit.seasonal + fit.resid
    var_sr = np.var(detrended)
    if var_sr == 0:
        return 0.0
    return float(max(0.0, 1.0 - np.var(fit.resid) / var_sr))


def nsdiffs(y, sp: int, max_D: int = 1) -> int:
    """Number of seasonal differences: one when the STL seasonal strength exceeds 0.64 (R's ``nsdiffs``).

    No seasonal difference when ``sp < 2``, ``max_D == 0`` or the series is shorter than two seasons plus
    one value; at most ``max_D`` (the strength is re-tested on the seasonally differenced series).
    """
    x = as_series(y, "nsdiffs")
    D = 0
    while max_D > D and sp >= 2 and x.shape[0] > 2 * sp and not is_constant(x, y):
        if seasonal_strength(x, sp) <= _SEAS_STRENGTH:
            break
        x = x[sp:] - x[:-sp]
        D += 1
    return D
