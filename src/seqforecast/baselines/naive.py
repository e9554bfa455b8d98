"""Forecasting rules: naive, seasonal naive and M4's Naive2, with the forecaster API.

Every class here is a :class:`~seqforecast.base.PerSeriesForecaster`: ``fit(X, y)`` with rows as time
steps, ``predict(X)`` / ``forecast(steps)`` pandas in and out. ``y`` may hold several series (DataFrame
columns, leading NaN for a series that starts later); each series is forecast on its own.

The forecast of a rule is a closed-form function of the history, so ``forecast(steps, y_context=...)``
applies the rule to the new history (Naive2 re-estimates its seasonal adjustment there, as it would on any
series). The models with parameters estimated in ``fit`` are in :mod:`~seqforecast.baselines.theta`,
:mod:`~seqforecast.baselines.ets` and :mod:`~seqforecast.baselines.arima`.

None of the rules uses covariates: an ``X`` with columns is refused (an ``X`` with no columns, carrying
only the index, is fine), rather than silently ignored.
"""

from __future__ import annotations

import numpy as np

from .._utils.validation import options, positive_int, validate_params
from ..base import PerSeriesForecaster
from . import _kernels

__all__ = ["NaiveForecaster", "SeasonalNaiveForecaster", "Naive2Forecaster"]


class _Rule(PerSeriesForecaster):
    """A rule applied to each series of the history given to ``_predict`` (training data or a new context)."""

    def _rule(self, y: np.ndarray, horizon: int) -> np.ndarray:
        """The forecast of one series, shape (horizon,)."""
        raise NotImplementedError

    def _predict(self, horizon, Y, X, X_future):
        return self._stack(self._each_series(lambda y, x: self._rule(y, horizon), Y))


class NaiveForecaster(_Rule):
    """Forecast by the last value, the mean, or the drift (the line through the first and last values).

    Parameters
    ----------
    strategy : {"last", "mean", "drift"}, default="last"
        ``"last"``: the random walk forecast (M4's Naive 1). ``"mean"``: the mean of the history.
        ``"drift"``: ``y[-1] + h * (y[-1] - y[0]) / (n - 1)`` (needs 2 values per series).

    Attributes
    ----------
    strategy_ : str
        The strategy used by ``predict`` (the value of ``strategy`` at fit time).
    y_train_ : Series or DataFrame
        The training series, as given.

    Examples
    --------
    >>> import pandas as pd
    >>> NaiveForecaster(strategy="drift").fit(None, pd.Series([1.0, 2.0, 4.0])).forecast(2).tolist()
    [5.5, 7.0]
    """

    _parameter_constraints = {"strategy": [options({"last", "mean", "drift"})]}

    def __init__(self, strategy="last"):
        self.strategy = strategy

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        validate_params(self)
        self._each_series(lambda y, x: _kernels.naive_forecast(y, 1, self.strategy), Y)  # length checks
        self.strategy_ = self.strategy
        return self

    def _rule(self, y, horizon):
        return _kernels.naive_forecast(y, horizon, self.strategy_)


class SeasonalNaiveForecaster(_Rule):
    """Forecast each step by the value one season earlier (the last season repeated).

    Parameters
    ----------
    sp : int, default=1
        Seasonal period in time steps (12 for monthly data with a yearly cycle, 24 for hourly with a daily
        one). ``sp=1`` is the naive last-value forecast. Each series needs at least ``sp`` values.

    Attributes
    ----------
    sp_ : int
        The seasonal period used by ``predict`` (``sp`` at fit time).
    y_train_ : Series or DataFrame
        The training series, as given.
    """

    _parameter_constraints = {"sp": [positive_int()]}

    def __init__(self, sp=1):
        self.sp = sp

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        validate_params(self)
        self._each_series(lambda y, x: _kernels.seasonal_naive_forecast(y, 1, self.sp), Y)  # length checks
        self.sp_ = int(self.sp)
        return self

    def _rule(self, y, horizon):
        return _kernels.seasonal_naive_forecast(y, horizon, self.sp_)


class Naive2Forecaster(_Rule):
    """M4's Naive2: the naive forecast of the seasonally adjusted series, reseasonalised.

    A series is adjusted (classical multiplicative decomposition) only when ``sp > 1``, it has at least
    ``3 * sp`` values and its lag-``sp`` autocorrelation passes M4's 90 % test; otherwise the forecast is the
    last value. See :func:`seqforecast.baselines._kernels.naive2_forecast` for the definition and its checks
    against the organisers' forecasts.

    Parameters
    ----------
    sp : int, default=1
        Seasonal period (M4: 24 Hourly, 12 Monthly, 4 Quarterly, 1 for the other frequencies). A series that
        tests seasonal must be strictly positive.

    Attributes
    ----------
    seasonal_ : ndarray of shape (n_series,)
        Whether each training series tested seasonal (and was adjusted).
    sp_ : int
        The seasonal period used by ``predict`` (``sp`` at fit time).
    y_train_ : Series or DataFrame
        The training series, as given.
    """

    _parameter_constraints = {"sp": [positive_int()]}

    def __init__(self, sp=1):
        self.sp = sp

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        validate_params(self)

        def seasonal(y, x):
            _kernels.naive2_forecast(y, 1, self.sp)  # positivity and length checks
            return _kernels.seasonality_test(y, self.sp)

        self.seasonal_ = np.array(self._each_series(seasonal, Y))
        self.sp_ = int(self.sp)
        return self

    def _rule(self, y, horizon):
        return _kernels.naive2_forecast(y, horizon, self.sp_)
