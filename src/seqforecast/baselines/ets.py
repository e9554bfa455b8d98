"""ETSForecaster: exponential smoothing (ETS) through statsmodels, one model per series."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._utils.validation import options, positive_int, validate_params
from ..base import PerSeriesForecaster
from ..exceptions import ConvergenceWarning
from ._kernels import extreme_unit

__all__ = ["ETSForecaster"]


class ETSForecaster(PerSeriesForecaster):
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

    The parameters are estimated on the training series: forecasting from a new ``y_context`` would need a
    refit, so it raises ``NotImplementedError``. Covariates are refused (an ``X`` with no columns is fine).

    Degenerate series: a seasonal component needs two full seasons (``2 * sp`` values), else a
    ``ValueError`` says so; a constant series (one value included) is not handed to the
    optimiser, whose likelihood has no maximum there (the error variance goes to 0): its forecast is its
    value, with zero-width intervals. A series beyond [2**-64, 2**64] in magnitude (about
    5e-20 to 2e19) is modelled divided by a power of two that brings it near 1, since squared errors beyond
    ~1e154 overflow; forecasts and intervals are multiplied back, and a limit beyond the float range raises
    ``OverflowError``.

    Attributes
    ----------
    results_ : list of statsmodels ETSResults or None
        The fitted model of each series (of the series divided by ``scale_``); None for a constant series.
    scale_ : ndarray of shape (n_series,)
        The unit each model was fitted in: 1.0, or a power of two for a series of extreme magnitude.
    """

    _parameter_constraints = {
        "error": [options({"add", "mul"})],
        "trend": [options({"add", "mul"}), None],
        "damped_trend": ["boolean"],
        "seasonal": [options({"add", "mul"}), None],
        "sp": [positive_int()],
        "maxiter": [positive_int()],
        "random_state": "no_validation",  # an int, a numpy Generator or None: numpy's default_rng checks it
        "n_simulations": [positive_int()],
    }

    def __init__(
        self,
        error="add",
        trend=None,
        damped_trend=False,
        seasonal=None,
        sp=1,
        maxiter=1000,
        random_state=None,
        n_simulations=1000,
    ):
        self.error = error
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.sp = sp
        self.maxiter = maxiter
        self.random_state = random_state
        self.n_simulations = n_simulations

    def _check_params(self):
        validate_params(self)
        owner = type(self).__name__
        if self.damped_trend and self.trend is None:
            raise ValueError(f"{owner}: damped_trend=True needs a trend; set trend='add' or 'mul'.")
        if self.seasonal is not None and self.sp < 2:
            raise ValueError(f"{owner}: seasonal={self.seasonal!r} needs a seasonal period sp >= 2; got sp={self.sp}.")

    def _model(self, y):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        # a pandas endog: statsmodels 0.15's get_prediction fails on a numpy one
        return ETSModel(
            pd.Series(y),
            error=self.error,
            trend=self.trend,
            damped_trend=bool(self.damped_trend),
            seasonal=self.seasonal,
            seasonal_periods=self.sp if self.seasonal is not None else None,
        )

    def _check_series(self, y):
        """What one series must be for the model: positive for multiplicative components, long enough."""
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
        if self.seasonal is not None and y.shape[0] < 2 * self.sp:
            raise ValueError(
                f"seasonal={self.seasonal!r} needs two full seasons, 2 * sp = {2 * self.sp} values, to start its "
                f"seasonal indices; the series has {y.shape[0]}. Use seasonal=None, a smaller sp, or a longer series."
            )

    def _fit_one(self, y, x):
        self._check_series(y)
        if np.ptp(y) == 0:  # constant: forecast by its value (see the class docstring)
            return None, 1.0
        scale = extreme_unit(y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels' optimiser warnings; convergence is reported below
            results = self._model(y / scale).fit(disp=False, maxiter=self.maxiter)
        if not results.mle_retvals.get("converged", True):  # the loop names the class and the series
            warnings.warn(
                f"the likelihood maximisation did not converge in maxiter={self.maxiter} iterations; raise "
                "maxiter or try a simpler model.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return results, scale

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        self._check_params()
        fits = self._each_series(self._fit_one, Y)
        self.results_ = [results for results, _ in fits]
        self.scale_ = np.array([scale for _, scale in fits])
        return self

    def _last_values(self, Y):
        """The last value of each training series: the forecast of a constant one."""
        return Y[-1]  # every series ends on the last row (only leading NaN are allowed)

    def _predict(self, horizon, Y, X, X_future):
        self._require_training_history(Y)
        columns = []
        for j, (results, scale, last) in enumerate(zip(self.results_, self.scale_, self._last_values(Y))):
            if results is None:
                columns.append(np.full(horizon, last))
            else:
                columns.append(self._in_units(results.forecast(horizon), scale, "forecast", j))
        return self._stack(columns)

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        self._require_training_history(Y)
        rng = np.random.default_rng(self.random_state)
        lower, upper = [], []
        for j, (results, scale, last) in enumerate(zip(self.results_, self.scale_, self._last_values(Y))):
            if results is None:  # a constant series: zero-width intervals at its value
                lower.append(np.full(horizon, last))
                upper.append(np.full(horizon, last))
                continue
            n = results.nobs
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prediction = results.get_prediction(
                    start=n, end=n + horizon - 1, simulate_repetitions=self.n_simulations, rng=rng
                )
                # exact intervals: mean +- z * sd; simulated: quantiles of the paths
                frame = prediction.summary_frame(alpha=1.0 - coverage)
            lower.append(self._in_units(frame["pi_lower"], scale, "lower limit", j))
            upper.append(self._in_units(frame["pi_upper"], scale, "upper limit", j))
        return self._stack(lower), self._stack(upper)

    def _in_units(self, values, scale: float, what: str, j: int) -> np.ndarray:
        """``values * scale`` (from the unit of the model to the series'), or ``OverflowError`` beyond the float
        range."""
        with np.errstate(over="ignore"):
            out = np.asarray(values, dtype=np.float64) * scale
        if np.isinf(out).any():
            step = int(np.flatnonzero(np.isinf(out))[0])
            name = self._series_names()[j]
            series = f"series {j}" if name is None else f"series {name!r}"
            raise OverflowError(
                f"{type(self).__name__}: the {what} of {series} at step {step + 1} is "
                f"beyond the largest float ({np.finfo(np.float64).max:.3g}); the model's forecasts grow out of the "
                "float range. Forecast fewer steps, or fit the series in smaller units (e.g. its logarithm)."
            )
        return out
