"""Baseline forecasters: naive, seasonal naive, M4's Naive2, ETS and Theta, with the forecaster API.

Every class here is a :class:`~seqforecast._base.BaseForecaster`: ``fit(X, y)`` with rows as time steps,
``predict(X)`` / ``forecast(steps)`` pandas in and out. ``y`` may hold several series (DataFrame columns,
leading NaN for a series that starts later); each series is forecast on its own.

Two kinds of baseline:

* **rules** (:class:`NaiveForecaster`, :class:`SeasonalNaiveForecaster`, :class:`Naive2Forecaster`): the
  forecast is a closed-form function of the history, so ``forecast(steps, y_context=...)`` applies the rule
  to the new history (Naive2 re-estimates its seasonal adjustment there, as it would on any series);
* **models** (:class:`ETSForecaster`, :class:`ThetaForecaster`): parameters are estimated in ``fit``;
  forecasting from a new context would need a refit, so it raises ``NotImplementedError``.

None of them uses covariates: an ``X`` with columns is refused (an ``X`` with no columns, carrying only the
index, is fine), rather than silently ignored.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd

from . import _kernels as _naive
from ..base import BaseForecaster
from ..exceptions import ConvergenceWarning

__all__ = [
    "NaiveForecaster",
    "SeasonalNaiveForecaster",
    "Naive2Forecaster",
    "ETSForecaster",
    "ThetaForecaster",
]


def _check_sp(sp, owner: str) -> int:
    if isinstance(sp, bool) or not isinstance(sp, numbers.Integral) or sp < 1:
        raise ValueError(f"{owner}: sp (the seasonal period) must be an integer >= 1; got {sp!r}.")
    return int(sp)


class _PerSeriesForecaster(BaseForecaster):
    """Shared plumbing: one forecast per column of ``Y``, leading NaN stripped, no covariates."""

    def _check_no_covariates(self, X):
        if X is not None:
            raise ValueError(
                f"{type(self).__name__} does not use covariates, but X has {X.shape[1]} column(s). Pass X=None "
                "or a DataFrame with no columns (pd.DataFrame(index=y.index))."
            )

    def _names(self) -> list:
        y = getattr(self, "y_train_", None)
        if y is None:
            return list(getattr(self, "_fit_series_names", []))
        return [y.name] if isinstance(y, pd.Series) else list(y.columns)

    def _each_series(self, Y: np.ndarray, func):
        """``[func(series_j, j) for each column j]``, kernel ValueErrors re-raised naming class and series."""
        names = self._names()
        results = []
        for j in range(Y.shape[1]):
            col = Y[:, j]
            series = col[np.argmax(~np.isnan(col)) :]  # drop leading NaN (the base refuses any other NaN)
            try:
                results.append(func(series, j))
            except ValueError as exc:
                name = names[j] if j < len(names) else j
                which = "" if Y.shape[1] == 1 else f" (series {name!r})"
                raise ValueError(f"{type(self).__name__}{which}: {exc}") from None
        return results

    def _check_context(self, Y: np.ndarray):
        """Models fitted per series can forecast only from their training data, not from a new context."""
        train = np.asarray(self.y_train_, dtype=np.float64).reshape(len(self.y_train_), -1)  # [n] -> [n, S]
        if not np.array_equal(Y, train, equal_nan=True):
            raise NotImplementedError(
                f"{type(self).__name__} cannot forecast from a new y_context without refitting: its parameters "
                f"were estimated on the training series. Fit it on the new history instead "
                f"(fit(None, y_context).forecast(steps))."
            )

    def _predict_rule(self, horizon, Y, kernel):
        # S x [H] -> [H, S]
        return np.column_stack(self._each_series(Y, lambda y, j: kernel(y, horizon)))


class NaiveForecaster(_PerSeriesForecaster):
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

    def __init__(self, strategy="last"):
        self.strategy = strategy

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        if self.strategy not in ("last", "mean", "drift"):
            raise ValueError(
                f"{type(self).__name__}: strategy must be one of ('last', 'mean', 'drift'); got {self.strategy!r}."
            )
        self._each_series(Y, lambda y, j: _naive.naive_forecast(y, 1, self.strategy))  # length checks
        self.strategy_ = self.strategy
        return self

    def _predict(self, horizon, Y, X, X_future):
        return self._predict_rule(horizon, Y, lambda y, h: _naive.naive_forecast(y, h, self.strategy_))


class SeasonalNaiveForecaster(_PerSeriesForecaster):
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

    def __init__(self, sp=1):
        self.sp = sp

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        sp = _check_sp(self.sp, type(self).__name__)
        self._each_series(Y, lambda y, j: _naive.seasonal_naive_forecast(y, 1, sp))
        self.sp_ = sp
        return self

    def _predict(self, horizon, Y, X, X_future):
        return self._predict_rule(horizon, Y, lambda y, h: _naive.seasonal_naive_forecast(y, h, self.sp_))


class Naive2Forecaster(_PerSeriesForecaster):
    """M4's Naive2: the naive forecast of the seasonally adjusted series, reseasonalised.

    A series is adjusted (classical multiplicative decomposition) only when ``sp > 1``, it has at least
    ``3 * sp`` values and its lag-``sp`` autocorrelation passes M4's 90 % test; otherwise the forecast is the
    last value. See :func:`seqforecast._naive.naive2_forecast` for the definition and its checks against the
    organisers' forecasts.

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

    def __init__(self, sp=1):
        self.sp = sp

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        sp = _check_sp(self.sp, type(self).__name__)
        self._each_series(Y, lambda y, j: _naive.naive2_forecast(y, 1, sp))  # positivity and length checks
        self.seasonal_ = np.array(self._each_series(Y, lambda y, j: _naive.seasonality_test(y, sp)))
        self.sp_ = sp
        return self

    def _predict(self, horizon, Y, X, X_future):
        return self._predict_rule(horizon, Y, lambda y, h: _naive.naive2_forecast(y, h, self.sp_))


class ThetaForecaster(_PerSeriesForecaster):
    """M4's Theta benchmark (the organisers' ``Theta.classic``), on the seasonally adjusted series.

    The series is seasonally adjusted as for :class:`Naive2Forecaster`; the forecast is half the
    extrapolated least-squares trend line plus half the SES forecast of the "theta line" ``2 * y - line``,
    negative values set to 0, reseasonalised: SES with a drift of half the trend slope. See
    :func:`seqforecast._naive.theta_forecast`; the published M4 Hourly and Weekly Theta scores are reproduced.

    statsmodels' ``ThetaModel`` implements Hyndman & Billah's variant (SES fitted to ``y`` itself, with a
    finite-sample drift correction and its own seasonality handling); its forecasts differ from M4's.

    Parameters
    ----------
    sp : int, default=1
        Seasonal period (M4: 24 Hourly, 12 Monthly, 4 Quarterly, 1 otherwise).

    Attributes
    ----------
    alpha_ : ndarray of shape (n_series,)
        SES smoothing parameter of each series' theta line.
    slope_ : ndarray of shape (n_series,)
        Slope of each series' trend line (on the adjusted series); the drift is half of it.
    seasonal_ : ndarray of shape (n_series,)
        Whether each series tested seasonal (and was adjusted).
    fits_ : list of ThetaFit
        The fitted state of each series.
    """

    def __init__(self, sp=1):
        self.sp = sp

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        sp = _check_sp(self.sp, type(self).__name__)
        self.fits_ = self._each_series(Y, lambda y, j: _naive.theta_fit(y, sp))
        self.alpha_ = np.array([fit.alpha for fit in self.fits_])
        self.slope_ = np.array([fit.slope for fit in self.fits_])
        self.seasonal_ = np.array([fit.seasonal_indices is not None for fit in self.fits_])
        return self

    def _predict(self, horizon, Y, X, X_future):
        self._check_context(Y)
        return np.column_stack([_naive.theta_predict(fit, horizon) for fit in self.fits_])  # S x [H] -> [H, S]


class ETSForecaster(_PerSeriesForecaster):
    """Exponential smoothing state-space model (ETS) through statsmodels' ``ETSModel``, one per series.

    Parameters
    ----------
    error : {"add", "mul"}, default="add"
        Additive or multiplicative errors.
    trend : {None, "add", "mul"}, default=None
        Trend component.
    damped_trend : bool, default=False
        Damp the trend (needs ``trend``).
    seasonal : {None, "add", "mul"}, default=None
        Seasonal component; needs ``sp >= 2``.
    sp : int, default=1
        Seasonal period (statsmodels' ``seasonal_periods``).
    maxiter : int, default=1000
        Maximum number of iterations of the likelihood maximisation.
    random_state : int, numpy Generator or None, default=None
        Seeds the simulations behind the prediction intervals of models without closed-form intervals
        (those with a multiplicative component).
    n_simulations : int, default=1000
        Number of simulated paths for those intervals.

    Multiplicative components need strictly positive series. Prediction intervals
    (``forecast(steps, coverage=...)``, ``predict_interval``) are statsmodels' exact ones for the additive
    models (ANN, AAN, AAdN, ANA, AAA, AAdA) and simulated quantiles otherwise.

    Attributes
    ----------
    results_ : list of statsmodels ETSResults
        The fitted model of each series.
    """

    def __init__(self, error="add", trend=None, damped_trend=False, seasonal=None, sp=1, maxiter=1000,
                 random_state=None, n_simulations=1000):
        self.error = error
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.sp = sp
        self.maxiter = maxiter
        self.random_state = random_state
        self.n_simulations = n_simulations

    def _check_params(self):
        owner = type(self).__name__
        if self.error not in ("add", "mul"):
            raise ValueError(f"{owner}: error must be 'add' or 'mul'; got {self.error!r}.")
        for name in ("trend", "seasonal"):
            if getattr(self, name) not in (None, "add", "mul"):
                raise ValueError(f"{owner}: {name} must be None, 'add' or 'mul'; got {getattr(self, name)!r}.")
        if not isinstance(self.damped_trend, (bool, np.bool_)):
            raise ValueError(f"{owner}: damped_trend must be True or False; got {self.damped_trend!r}.")
        if self.damped_trend and self.trend is None:
            raise ValueError(f"{owner}: damped_trend=True needs a trend; set trend='add' or 'mul'.")
        sp = _check_sp(self.sp, owner)
        if self.seasonal is not None and sp < 2:
            raise ValueError(
                f"{owner}: seasonal={self.seasonal!r} needs a seasonal period sp >= 2; got sp={sp}."
            )
        for name in ("maxiter", "n_simulations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{owner}: {name} must be an integer >= 1; got {value!r}.")

    def _model(self, y):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        # a pandas endog: statsmodels 0.15's get_prediction fails on a numpy one
        return ETSModel(
            pd.Series(y), error=self.error, trend=self.trend, damped_trend=bool(self.damped_trend),
            seasonal=self.seasonal, seasonal_periods=self.sp if self.seasonal is not None else None,
        )

    def _fit_one(self, y, j):
        multiplicative = [name for name in ("error", "trend", "seasonal") if getattr(self, name) == "mul"]
        nonpositive = np.flatnonzero(y <= 0)
        if multiplicative and len(nonpositive):
            first = int(nonpositive[0])
            components = ", ".join(f"{name}='mul'" for name in multiplicative)
            raise ValueError(
                f"{components} needs a strictly positive series; it has {len(nonpositive)} value(s) <= 0 (first "
                f"at position {first}: {float(y[first])!r}). Use additive components ('add'), or shift the series "
                "above 0."
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels' optimiser warnings; convergence is reported below
            results = self._model(y).fit(disp=False, maxiter=self.maxiter)
        if not results.mle_retvals.get("converged", True):
            names = self._names()
            warnings.warn(
                f"{type(self).__name__}: the likelihood maximisation for series {names[j]!r} did not converge "
                f"in maxiter={self.maxiter} iterations; raise maxiter or try a simpler model.",
                ConvergenceWarning, stacklevel=4,
            )
        return results

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        self._check_params()
        self.results_ = self._each_series(Y, self._fit_one)
        return self

    def _predict(self, horizon, Y, X, X_future):
        self._check_context(Y)
        # S x [H] -> [H, S]
        return np.column_stack([np.asarray(r.forecast(horizon), dtype=np.float64) for r in self.results_])

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        self._check_context(Y)
        rng = np.random.default_rng(self.random_state)
        lower, upper = [], []
        for results in self.results_:
            n = results.nobs
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prediction = results.get_prediction(
                    start=n, end=n + horizon - 1, simulate_repetitions=self.n_simulations, rng=rng
                )
                # exact intervals: mean +- z * sd; simulated: quantiles of the paths
                frame = prediction.summary_frame(alpha=1.0 - coverage)
            lower.append(frame["pi_lower"].to_numpy(dtype=np.float64))
            upper.append(frame["pi_upper"].to_numpy(dtype=np.float64))
        return np.column_stack(lower), np.column_stack(upper)  # S x [H] -> [H, S]
