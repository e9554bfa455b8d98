"""Quantile forecasts: the checks and the frame of :meth:`BaseForecaster.forecast_quantiles`.

Pure functions on numpy arrays, with pandas only in :func:`quantile_frame`. A forecaster without a quantile
head of its own reads its quantiles from its central prediction intervals (:func:`interval_coverage` says
which interval and which bound), so the quantiles of a model are those of its intervals::

    quantile q < 0.5   lower bound of the central interval of coverage 1 - 2q
    quantile q = 0.5   the point forecast
    quantile q > 0.5   upper bound of the central interval of coverage 2q - 1

    q:      0.05      0.25      0.5      0.75      0.95
            |---------|---------+---------|---------|      coverage 0.5: [0.25, 0.75]; 0.9: [0.05, 0.95]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._utils.validation import check_quantiles

__all__ = ["check_quantiles", "interval_coverage", "check_not_crossing", "quantile_frame"]  # the first from _utils


def interval_coverage(q: float) -> tuple[float, int]:
    """The coverage of the central interval whose bound is the quantile ``q`` (not 0.5), and which bound it is
    (0 lower, 1 upper). The coverage is rounded to 12 decimals, so ``q`` and ``1 - q`` share one interval.

    Examples
    --------
    >>> interval_coverage(0.05), interval_coverage(0.95)
    ((0.9, 0), (0.9, 1))
    """
    return round(abs(1.0 - 2.0 * q), 12), int(q > 0.5)


def check_not_crossing(values: np.ndarray, levels: list, owner: str, names: list, source: str) -> None:
    """Refuse quantile forecasts that are not finite or that decrease from one quantile to the next.

    Parameters
    ----------
    values : ndarray of shape (horizon, n_series, n_quantiles)
    levels : list of float, the quantiles, increasing
    owner : str, the forecaster's class name
    names : list, the series names in column order
    source : str, where the quantiles came from (a sentence), for the message
    """
    bad = ~np.isfinite(values)
    if bad.any():
        step, col, k = (int(i) for i in np.argwhere(bad)[0])
        raise RuntimeError(
            f"{owner} gave {int(bad.sum())} NaN or infinite quantile forecast value(s) (first: quantile "
            f"{levels[k]} at step {step + 1} of series {names[col]!r}). {source}"
        )
    crossed = np.diff(values, axis=2) < 0  # [H, S, Q - 1]: quantile k + 1 below quantile k
    if crossed.any():
        step, col, k = (int(i) for i in np.argwhere(crossed)[0])
        low, high = values[step, col, k], values[step, col, k + 1]
        raise RuntimeError(
            f"{owner}'s quantile forecasts cross: at step {step + 1} of series {names[col]!r} the {levels[k]} "
            f"quantile ({low:.6g}) is above the {levels[k + 1]} quantile ({high:.6g}), in {int(crossed.sum())} "
            f"place(s). {source} They are not sorted silently: quantiles that cross are not a distribution."
        )


def quantile_frame(values: np.ndarray, levels: list, index: pd.Index, y_train) -> pd.DataFrame:
    """The quantile forecasts on the future ``index``: columns named by the quantile (a float, the column
    index named ``"quantile"``) for a Series ``y_train``, a column MultiIndex (series, quantile) otherwise."""
    if isinstance(y_train, pd.Series):
        return pd.DataFrame(values[:, 0, :], index=index, columns=pd.Index(levels, name="quantile"))
    columns = pd.MultiIndex.from_product([y_train.columns, levels], names=[y_train.columns.name, "quantile"])
    return pd.DataFrame(values.reshape(len(index), -1), index=index, columns=columns)  # [H, S, Q] -> [H, S*Q]
