"""What the ARIMA estimation and the order search share: checks of one series and its regressors,
differencing, the AICc, the root bound, and M4's seasonal adjustment (``seasonal="adjust"``)."""

from __future__ import annotations

import math

import numpy as np

from ..._utils.validation import check_option
from .._kernels import deseasonalise

__all__ = [
    "METHODS",
    "MIN_ROOT",
    "adjust",
    "as_exog",
    "as_series",
    "check_method",
    "corrected_aic",
    "difference",
    "is_constant",
    "rounding",
    "unit_scale",
]

METHODS = ("ml", "css-ml", "css")
# R's auto.arima discards a model whose AR or MA polynomial has a root of modulus below 1 + 1e-2.
MIN_ROOT = 1.01


# The rounding of a series divided by its unit and differenced up to three times stays below 64 float epsilons
# of its largest magnitude: a difference whose range is below that is constant.
_ROUNDING = 2.0**-46


def rounding(reference: np.ndarray) -> float:
    """The rounding error of ``reference`` (a series in its unit) and of its differences: ``2**-46`` (64 float
    epsilons) of its largest magnitude."""
    return _ROUNDING * float(np.max(np.abs(reference)))


def is_constant(x: np.ndarray, reference: np.ndarray) -> bool:
    """Whether ``x`` (``reference`` or a difference of it) is constant up to :func:`rounding`."""
    return x.size == 0 or float(np.ptp(x)) <= rounding(reference)


def unit_scale(y: np.ndarray) -> float:
    """The unit of the automatic order search: the standard deviation of ``y`` (computed on ``y`` divided by
    its largest magnitude, so that it cannot overflow); for a constant series its magnitude, for zeros 1.

    ``y / unit_scale(y)`` is the same series (up to rounding) whatever the units of ``y``, so the search and
    its estimates do not depend on them.
    """
    largest = float(np.max(np.abs(y)))
    if largest == 0.0:
        return 1.0
    std = largest * float(np.std(y / largest))
    return std if std > 0.0 else largest


def check_method(method, func: str) -> str:
    """The estimator: one of :data:`METHODS`."""
    return check_option(
        method,
        "method",
        METHODS,
        func,
        hint="'ml' exact likelihood, 'css-ml' started from conditional sum of squares, 'css' alone.",
    )


def as_series(y, func: str) -> np.ndarray:
    """``y`` as a complete 1-D float array, or a ValueError naming ``func``."""
    arr = np.asarray(y, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{func}: y must be one series of shape (n_timesteps,); got shape {arr.shape}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{func}: y contains {int(bad.sum())} NaN or infinite value(s) (first at position "
            f"{int(np.flatnonzero(bad)[0])}); ARIMA needs a complete series. Fill or drop the gaps first."
        )
    return arr


def as_exog(exog, n: int, func: str, what: str = "exog") -> np.ndarray | None:
    """Regressors as a complete float array of shape (n, n_covariates), or None."""
    if exog is None:
        return None
    arr = np.asarray(exog, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)  # [n] -> [n, 1]
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(
            f"{func}: {what} must have shape ({n}, n_covariates), one row per time step; got shape {arr.shape}."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{func}: {what} contains NaN or infinite values; covariates must be complete.")
    return arr


def difference(x: np.ndarray, d: int, D: int, sp: int) -> np.ndarray:
    """``diff^d diff_sp^D x`` along the first axis (shape (n,) or (n, k) -> n - d - D * sp rows)."""
    for _ in range(D):
        x = x[sp:] - x[:-sp]
    for _ in range(d):
        x = x[1:] - x[:-1]
    return x


def corrected_aic(loglik: float, n_eff: int, k: int) -> float:
    """AICc with ``k`` estimated parameters (sigma2 included) from ``n_eff`` observations, as R's arima."""
    if n_eff - k - 1 <= 0:
        return math.inf
    return -2.0 * loglik + 2.0 * k + 2.0 * k * (k + 1) / (n_eff - k - 1)


def adjust(y: np.ndarray, sp: int, func: str):
    """M4's classical multiplicative seasonal adjustment when its seasonality test passes: (adjusted series,
    seasonal indices by position, or None); see :func:`seqforecast.baselines._kernels.deseasonalise`."""
    return deseasonalise(
        y, sp, func=func, fix="seasonal='adjust' divides by seasonal indices; use seasonal='full' for such a series."
    )
