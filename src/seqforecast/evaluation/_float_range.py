"""The metrics' arithmetic near the float limits: every series is scored in units of a power of two near its
largest magnitude.

Dividing by a power of two is exact (``ldexp``), so ordinary values give the same bits as the plain formulas,
while differences, squares and sums of values near 1e308 cannot overflow (nor those near 1e-308 underflow).
A result is multiplied back at the end; one beyond the float range raises ``OverflowError`` naming the series,
its approximate value and what to do.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "FLOAT_MAX",
    "RESCALE",
    "check_representable",
    "errors_in_units",
    "exponents_of",
    "mean_of_terms",
    "rms",
    "scaled_down",
    "times_power_of_two",
]

FLOAT_MAX = float(np.finfo(np.float64).max)
#: The way out of a result beyond the float range, for the metrics that scale with the data.
RESCALE = (
    "Divide y_true, y_pred (and y_train) by a common factor, e.g. 1e6, and score again: MAE and RMSE scale with "
    "it, sMAPE and MASE do not."
)


def rms(values: np.ndarray) -> np.ndarray:
    """Root mean square over axis 0, without overflow: ``m * sqrt(mean((x / m)**2))`` with ``m = max|x|``.

    Squaring values beyond ~1e154 would overflow to inf (and inf / inf to NaN in RMSSE); the result is
    representable whenever the values are, so it is computed on the values divided by their largest magnitude.
    """
    largest = np.max(np.abs(values), axis=0)
    safe = np.where(largest > 0, largest, 1.0)
    return safe * np.sqrt(np.mean((values / safe) ** 2, axis=0))


def exponents_of(*arrays) -> np.ndarray:
    """Per series (column of arrays of shape (n_i, n_series)), the exponent ``e`` of the power of two
    ``2**e`` that brings its largest magnitude into [1, 2): dividing by it is exact, and afterwards no
    difference or sum of a few values can overflow."""
    largest = np.max(np.vstack([np.max(np.abs(a), axis=0, keepdims=True) for a in arrays]), axis=0)  # [S]
    return np.frexp(largest)[1] - 1  # largest = m * 2**(e + 1) with m in [0.5, 1); 0 -> -1 (any will do)


def scaled_down(array: np.ndarray, exponents: np.ndarray) -> np.ndarray:
    """``array / 2**exponents`` per column, exactly (``ldexp``; no rounding)."""
    return np.ldexp(array, -exponents)


def times_power_of_two(values: np.ndarray, exponents: np.ndarray) -> np.ndarray:
    """``values * 2**exponents``, inf where the product is beyond the float range (checked by the caller)."""
    with np.errstate(over="ignore"):
        return np.ldexp(values, exponents)


def _about(mantissa: float, exponent: int) -> str:
    """``mantissa * 2**exponent`` written as ``"about 2.0e+308"``, for a value a float cannot hold."""
    digits = np.log10(abs(mantissa)) + exponent * np.log10(2.0)
    power = int(np.floor(digits))
    return f"about {10.0 ** (digits - power):.1f}e+{power}"


def check_representable(values, mantissas, exponents, func: str, what: str, labels: list[str], fix: str):
    """Raise ``OverflowError`` naming the first series whose ``what`` (``mantissas * 2**exponents``) is
    beyond the largest float."""
    bad = np.flatnonzero(np.isinf(values))  # NaN marks an undefined value, left to the caller
    if bad.size:
        j = int(bad[0])
        raise OverflowError(
            f"{func}: the {what} of series {labels[j]} is {_about(mantissas[j], int(exponents[j]))}, beyond the "
            f"largest float ({FLOAT_MAX:.3g}), so it cannot be returned. {fix}"
        )


def errors_in_units(true: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(y - y_hat)`` per series in units of ``2**exponents`` (values in [-4, 4]: no overflow), and the
    exponents: ``[H, S] -> ([H, S], [S])``."""
    exponents = exponents_of(true, pred)
    return scaled_down(true, exponents) - scaled_down(pred, exponents), exponents


def mean_of_terms(values: np.ndarray) -> np.ndarray:
    """Mean over axis 0 of non-negative terms that may each be near the float limit: ``[H, S] -> [S]``."""
    exponents = exponents_of(values)
    return np.ldexp(np.mean(scaled_down(values, exponents), axis=0), exponents)
