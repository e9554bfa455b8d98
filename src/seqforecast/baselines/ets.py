"""ETSForecaster: exponential smoothing (ETS) through statsmodels, one model per series."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._utils.validation import options, positive_int, validate_params
from ..base import PerSeriesForecaster
from ..exceptions import ConvergenceWarning

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

    Attributes
    ----------
    results_ : list of statsmodels ETSResults
        The fitted model of each series.
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

    def _fit_one(self, y, x):
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
        if not results.mle_retvals.get("converged", True):  # the loop names the class and the series
            warnings.warn(
                f"the likelihood maximisation did not converge in maxiter={self.maxiter} iterations; raise "
                "maxiter or try a simpler model.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return results

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        self._check_params()
        self.results_ = self._each_series(self._fit_one, Y)
        return self

    def _predict(self, horizon, Y, X, X_future):
        self._require_training_history(Y)
        return self._stack([np.asarray(r.forecast(horizon), dtype=np.float64) for r in self.results_])

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        self._require_training_history(Y)
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
        return self._stack(lower), self._stack(upper)
