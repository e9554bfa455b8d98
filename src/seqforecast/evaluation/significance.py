"""The Diebold-Mariano test of equal forecast accuracy, with the Harvey-Leybourne-Newbold correction.

Diebold, F. X. & Mariano, R. S. (1995), Comparing predictive accuracy, J. Business & Economic Statistics
13(3); Harvey, D., Leybourne, S. & Newbold, P. (1997), Testing the equality of prediction mean squared
errors, Int. J. Forecasting 13(2). Used by :meth:`seqforecast.reporting.ComparisonResult.significance`.
"""

from __future__ import annotations

import math
import warnings
from collections import namedtuple
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from .._utils.validation import check_option, check_param
from ..exceptions import SeqforecastWarning

__all__ = ["diebold_mariano", "DieboldMarianoResult"]

DieboldMarianoResult = namedtuple("DieboldMarianoResult", ["statistic", "pvalue", "mean_difference", "n", "h"])
DieboldMarianoResult.__doc__ = """Result of :func:`diebold_mariano`.

statistic : the HLN-corrected DM statistic; pvalue : from Student's t with n - 1 degrees of freedom;
mean_difference : mean of the loss differential (model 1 minus model 2; negative: model 1 more accurate);
n : number of loss differentials; h : the forecast horizon used for the autocovariances."""


# ---------------------------------------------------------------------------------------- Diebold-Mariano
def _dm_from_differential(d, h, alternative="two-sided"):
    """DM test with the HLN correction on the loss differential ``d`` (time-ordered, 1-D)."""
    from scipy import stats

    d = np.asarray(d, dtype=np.float64)
    n = len(d)
    mean = float(d.mean())
    dev = d - mean
    # autocovariances gamma_k = (1/n) sum_t dev_t dev_{t-k}, k = 0 .. h-1 (Diebold & Mariano 1995, eq. 8)
    gamma = np.array([np.dot(dev[k:], dev[: n - k]) / n for k in range(h)])
    variance = (gamma[0] + 2.0 * gamma[1:].sum()) / n
    if variance <= 0 and h > 1 and gamma[0] > 0:
        warnings.warn(
            f"diebold_mariano: the long-run variance of the loss differential is not positive with h={h} "
            "autocovariances; using h=1 (the plain variance) instead.",
            SeqforecastWarning,
            stacklevel=3,
        )
        return _dm_from_differential(d, 1, alternative)
    if variance <= 0:  # every differential equal: no sampling variability at all
        statistic = 0.0 if mean == 0 else math.copysign(math.inf, mean)
    else:
        # Harvey, Leybourne & Newbold (1997), eq. 9: DM * sqrt((n + 1 - 2h + h(h-1)/n) / n)
        statistic = mean / math.sqrt(variance) * math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    t = stats.t(df=n - 1)
    pvalue = {"two-sided": 2 * t.sf(abs(statistic)), "less": t.cdf(statistic), "greater": t.sf(statistic)}[alternative]
    return DieboldMarianoResult(float(statistic), float(pvalue), mean, n, h)


def diebold_mariano(errors_1, errors_2, *, h=1, loss="squared", alternative="two-sided"):
    """Diebold-Mariano test of equal forecast accuracy, with the Harvey-Leybourne-Newbold correction.

    The loss differential is ``d_t = L(errors_1[t]) - L(errors_2[t])``. With ``n`` differentials, mean
    ``d_bar`` and autocovariances ``gamma_k = (1/n) sum_t (d_t - d_bar)(d_{t-k} - d_bar)``, the statistic is::

        DM = d_bar / sqrt((gamma_0 + 2 * sum_{k=1}^{h-1} gamma_k) / n)
        DM_HLN = DM * sqrt((n + 1 - 2h + h (h - 1) / n) / n)

    compared with Student's t with ``n - 1`` degrees of freedom (HLN 1997). ``h``-step forecast errors
    are autocorrelated up to lag ``h - 1``, hence the ``h - 1`` autocovariances. When that long-run
    variance is not positive (possible for ``h > 1``), the test falls back to ``h = 1`` with a warning.

    Parameters
    ----------
    errors_1, errors_2 : array-like of shape (n,)
        Forecast errors (actual minus forecast) of the two models on the same ``n`` time-ordered targets.
    h : int >= 1, default=1
        Forecast horizon of the errors; must be < n.
    loss : {"squared", "absolute"}, default="squared"
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        ``"less"``: model 1 is more accurate (mean differential < 0); ``"greater"``: less accurate.

    Returns
    -------
    DieboldMarianoResult
        ``(statistic, pvalue, mean_difference, n, h)``.
    """
    e1 = np.asarray(errors_1, dtype=np.float64)
    e2 = np.asarray(errors_2, dtype=np.float64)
    if e1.ndim != 1 or e1.shape != e2.shape:
        raise ValueError(
            f"diebold_mariano: errors_1 and errors_2 must be 1-D of the same length; got shapes {e1.shape} "
            f"and {e2.shape}."
        )
    if not (np.isfinite(e1).all() and np.isfinite(e2).all()):
        raise ValueError("diebold_mariano: the errors contain NaN or infinite values; drop those time steps.")
    check_option(loss, "loss", ("squared", "absolute"), "diebold_mariano")
    check_option(alternative, "alternative", ("two-sided", "less", "greater"), "diebold_mariano")
    n = len(e1)
    h = check_param(
        h,
        "h",
        [Interval(Integral, 1, max(n, 2), closed="left")],
        "diebold_mariano",
        hint=f"h must be below n, the number of errors ({n}).",
    )
    if n < 2:
        raise ValueError(f"diebold_mariano: needs at least 2 errors per model; got {n}.")
    d = e1**2 - e2**2 if loss == "squared" else np.abs(e1) - np.abs(e2)
    return _dm_from_differential(d, int(h), alternative)
