"""ARIMAForecaster: (seasonal) ARIMA through statsmodels, with a fixed or an automatically chosen order."""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.special import boxcox, inv_boxcox
from sklearn.utils._param_validation import Interval

from ..._utils.validation import options, positive_int, validate_params
from ...base import PerSeriesForecaster
from ._fit import check_orders, fit_arima
from ._search import auto_arima

__all__ = ["ARIMAForecaster"]


class ARIMAForecaster(PerSeriesForecaster):
    """Seasonal ARIMA through statsmodels' SARIMAX: a fixed order, or the order chosen automatically.

    One model per series (each column of ``y``), with the known-ahead covariates ``X`` as regressors
    (a regression with SARIMA errors) when given.

    * **Fixed order** (``order`` given): ``SARIMAX(y, exog=X, order, seasonal_order + (sp,), trend)``,
      estimated by exact maximum likelihood with statsmodels' own defaults (``method=None`` -> ``"ml"``),
      so that forecasts equal statsmodels'.
    * **Automatic order** (``order=None``): the stepwise search of Hyndman & Khandakar (2008), as R's
      ``forecast::auto.arima``: ``D`` from the STL seasonal strength, ``d`` from KPSS tests, then a
      stepwise AICc search over ``p, q, P, Q`` and the constant, each candidate estimated by conditional
      sum of squares, the winner by maximum likelihood from there (``method=None`` -> ``"css-ml"``).
      See :func:`seqforecast.baselines.arima.auto_arima` for the details. The search runs on each series
      divided by its standard deviation, so the model chosen does not depend on the units (``y * 1e6`` gets
      the same orders and forecasts ``1e6`` times larger). Degenerate series get a defined model, named in
      ``selection_``: a constant series (one value included) is forecast by its value with zero-width
      intervals, a series that differencing makes constant (a line, an exactly repeated season) is continued
      exactly, and a series with fewer than 8 values after differencing gets no search but
      ARIMA(0,d,0)(0,D,0), with its mean when ``d + D = 0``.

    On the log airline passengers (``load_airline()``, ``sp=12``, ``boxcox_lambda=0``) the search chooses
    the airline model ARIMA(0,1,1)(0,1,1)[12] without constant, AICc -483.20 on the log scale, as R's
    ``auto.arima(log(AirPassengers))`` (AICc -483.21); on the raw series, whose seasonal swings grow with
    the level, it picks ARIMA(1,1,0)(0,1,0)[12] (AICc 1020.5): model multiplicative seasonality in logs.

    Parameters
    ----------
    order : tuple (p, d, q) or None, default=None
        The non-seasonal order; None chooses the whole order automatically.
    seasonal_order : tuple (P, D, Q) or None, default=None
        The seasonal order, with period ``sp``, for a fixed ``order``; None means none. Must be None when
        ``order`` is None (the search chooses it).
    sp : int, default=1
        Seasonal period (12 monthly, 24 hourly...); 1 for a non-seasonal model.
    trend : {"n", "c"} or None, default=None
        ``"c"``: a constant in the differenced equation (the mean, or a drift when ``d + D = 1``);
        ``"n"``: none. With a fixed order None means ``"n"`` (statsmodels' default); with the automatic
        order None lets the search decide (a constant is considered when ``d + D <= 1``), ``"n"`` excludes
        it, and ``"c"`` is refused.
    method : {"ml", "css-ml", "css"} or None, default=None
        Estimator of the (chosen) model: ``"ml"`` statsmodels' own fit, ``"css-ml"`` maximum likelihood
        started from conditional-sum-of-squares estimates, ``"css"`` those estimates alone (the fastest:
        on long seasonal series such as M4 Hourly, ``sp=24``, 15 times faster than ``"css-ml"`` and no
        less accurate, see ``benchmarks/results/m4_arima_hourly.md``). None: ``"ml"`` for a fixed order,
        ``"css-ml"`` for the automatic one.
    seasonal : {"full", "adjust"}, default="full"
        Automatic order only: ``"full"`` searches seasonal ARIMA models; ``"adjust"`` removes the
        seasonality by M4's classical multiplicative decomposition first (when the lag-``sp``
        autocorrelation test passes) and searches non-seasonal models (faster, less accurate).
    d, D : int or None, default=None
        Automatic order only: fixed differencing orders instead of the unit-root tests.
    max_p, max_q, max_P, max_Q, max_order : int, default=5, 5, 2, 2, 5
        Automatic order only: bounds of the search (R's defaults; ``p + q + P + Q <= max_order``).
    boxcox_lambda : float or None, default=None
        Model the Box-Cox transform of ``y`` with this lambda (0: the logarithm); needs strictly positive
        series. Forecasts are transformed back without bias adjustment, so the point forecast is the
        forecast median; the interval limits are transformed back exactly.
    maxiter : int, default=50
        Maximum number of iterations of the likelihood maximisation.

    Attributes
    ----------
    fits_ : list of ARIMAFit
        The fitted model of each series (statsmodels results in ``fits_[j].results``).
    order_ : list of tuple (p, d, q)
        The order of each series' model.
    seasonal_order_ : list of tuple (P, D, Q, s)
    trend_ : list of {"n", "c"}
    aicc_ : ndarray of shape (n_series,)
        AICc of each model (exact likelihood, on the Box-Cox scale when ``boxcox_lambda`` is set); -inf for an
        exact model (``selection_`` ``"exact"``).
    selection_ : list of str
        How each order was chosen: ``"fixed"`` (``order`` given), ``"search"``, or one of the automatic
        order's rules for degenerate series, ``"exact"``, ``"too short"``, ``"no candidate"`` (see
        :func:`~seqforecast.baselines.arima.auto_arima`).

    Examples
    --------
    >>> from seqforecast.datasets import load_airline
    >>> f = ARIMAForecaster(sp=12, boxcox_lambda=0).fit(None, load_airline())
    >>> f.order_, f.seasonal_order_
    ([(0, 1, 1)], [(0, 1, 1, 12)])
    >>> f.forecast(12, coverage=0.9).columns.tolist()
    ['Passengers', 'Passengers_lower', 'Passengers_upper']
    """

    _parameter_constraints = {
        "order": [tuple, list, None],
        "seasonal_order": [tuple, list, None],
        "sp": [positive_int()],
        "trend": [options({"n", "c"}), None],
        "method": [options({"ml", "css-ml", "css"}), None],
        "seasonal": [options({"full", "adjust"})],
        "d": [positive_int(0), None],
        "D": [positive_int(0), None],
        "max_p": [positive_int(0)],
        "max_q": [positive_int(0)],
        "max_P": [positive_int(0)],
        "max_Q": [positive_int(0)],
        "max_order": [positive_int(0)],
        "boxcox_lambda": [Interval(Real, None, None, closed="neither"), None],
        "maxiter": [positive_int()],
    }

    def __init__(
        self,
        order=None,
        seasonal_order=None,
        sp=1,
        trend=None,
        method=None,
        seasonal="full",
        d=None,
        D=None,
        max_p=5,
        max_q=5,
        max_P=2,
        max_Q=2,
        max_order=5,
        boxcox_lambda=None,
        maxiter=50,
    ):
        self.order = order
        self.seasonal_order = seasonal_order
        self.sp = sp
        self.trend = trend
        self.method = method
        self.seasonal = seasonal
        self.d = d
        self.D = D
        self.max_p = max_p
        self.max_q = max_q
        self.max_P = max_P
        self.max_Q = max_Q
        self.max_order = max_order
        self.boxcox_lambda = boxcox_lambda
        self.maxiter = maxiter

    # ---------------------------------------------------------------------------------- validation
    def _kernel_arguments(self) -> dict:
        """Validate the parameters; return the keyword arguments of the kernel call for one series."""
        validate_params(self)
        owner, sp = type(self).__name__, self.sp
        if self.order is not None:
            seasonal = (0, 0, 0) if self.seasonal_order is None else self.seasonal_order
            if len(seasonal) != 3:
                raise ValueError(
                    f"{owner}: seasonal_order must be None or (P, D, Q), the period being sp; got "
                    f"{self.seasonal_order!r}."
                )
            if any(seasonal) and sp < 2:
                raise ValueError(
                    f"{owner}: seasonal_order={tuple(seasonal)!r} needs a seasonal period sp >= 2; got sp={sp}."
                )
            order, seasonal_order = check_orders(self.order, (*seasonal, sp if any(seasonal) else 0), owner)
            return {
                "order": order,
                "seasonal_order": seasonal_order,
                "trend": self.trend or "n",
                "method": self.method or "ml",
                "maxiter": self.maxiter,
            }
        if self.seasonal_order is not None:
            raise ValueError(
                f"{owner}: seasonal_order={self.seasonal_order!r} was given without order; give both for a "
                "fixed model, or neither for the automatic order selection."
            )
        if self.trend == "c":
            raise ValueError(
                f"{owner}: trend='c' cannot be imposed on the automatic order selection; use trend=None (the "
                "search decides) or 'n' (no constant), or give a fixed order."
            )
        return {
            "sp": sp,
            "seasonal": self.seasonal,
            "d": self.d,
            "D": self.D,
            "max_p": self.max_p,
            "max_q": self.max_q,
            "max_P": self.max_P,
            "max_Q": self.max_Q,
            "max_order": self.max_order,
            "allow_constant": self.trend is None,
            "method": self.method or "css-ml",
            "maxiter": self.maxiter,
        }

    # ---------------------------------------------------------------------------------- Box-Cox
    def _forward(self, y: np.ndarray) -> np.ndarray:
        lam = self.boxcox_lambda
        if lam is None:
            return y
        if (y <= 0).any():
            raise ValueError(
                f"boxcox_lambda={lam} needs strictly positive values; the series has {int((y <= 0).sum())} "
                f"value(s) <= 0 (first at position {int(np.argmax(y <= 0))}). Shift the series or set "
                "boxcox_lambda=None."
            )
        return boxcox(y, lam)

    def _back(self, values: np.ndarray) -> np.ndarray:
        return values if self.boxcox_lambda is None else inv_boxcox(values, self.boxcox_lambda)

    # ------------------------------------------------------------------------------- fit/predict
    def _fit(self, Y, X):
        kwargs = self._kernel_arguments()
        kernel = fit_arima if self.order is not None else auto_arima
        fits = self._each_series(lambda y, x: kernel(self._forward(y), exog=x, **kwargs), Y, X)
        self.fits_ = fits
        self.order_ = [f.order for f in fits]
        self.seasonal_order_ = [f.seasonal_order for f in fits]
        self.trend_ = [f.trend for f in fits]
        self.aicc_ = np.array([f.aicc for f in fits])
        self.selection_ = [f.selection for f in fits]
        return self

    def _fits_for(self, Y, X):
        """The fitted models, applied to ``Y`` (same parameters) when it is a new history."""
        if self._is_training_history(Y):
            return self.fits_
        return self._each_series(lambda y, x, fit: fit.apply(self._forward(y), exog=x), Y, X, self.fits_)

    def _predict(self, horizon, Y, X, X_future):
        fits = self._fits_for(Y, X)
        return self._back(self._stack([f.forecast(horizon, exog_future=X_future) for f in fits]))

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        fits = self._fits_for(Y, X)
        limits = [f.forecast(horizon, exog_future=X_future, coverage=coverage)[1:] for f in fits]
        lower = self._stack([lo for lo, _ in limits])
        upper = self._stack([hi for _, hi in limits])
        return self._back(lower), self._back(upper)
