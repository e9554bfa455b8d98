"""Fit one given (S)ARIMA order: :func:`fit_arima` and the fitted model :class:`ARIMAFit`.

Models, parameters and sign conventions are statsmodels' ``SARIMAX`` throughout::

    phi(L) Phi(L^s) diff^d diff_s^D u_t = c + theta(L) Theta(L^s) e_t,    y_t = x_t' beta + u_t

with ``phi(L) = 1 - phi_1 L - ...`` and ``theta(L) = 1 + theta_1 L + ...``. The constant ``c`` sits in the
differenced equation, so with ``d + D = 1`` it is a drift and with ``d + D = 0`` it sets the mean.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from statsmodels.tsa.statespace import kalman_filter
from statsmodels.tsa.statespace.sarimax import SARIMAX

from ..._utils.validation import check_int, check_option, check_real
from ...exceptions import ConvergenceWarning
from .._kernels import extreme_unit
from ._common import adjust, as_exog, as_series, check_method, corrected_aic, difference
from ._css import css

__all__ = ["ARIMAFit", "LEAN", "SELECTIONS", "check_orders", "estimate", "fit_arima", "lean_model", "results_aicc"]

# Keep only what forecasting needs: the per-step filter output of an hourly model (74 states for
# (2,0,1)(2,1,0)_24, 960 steps) pickles to 305 MB with statsmodels' defaults, 4 MB with these flags;
# forecasts, their variances and the log-likelihood are unchanged.
LEAN = (
    kalman_filter.MEMORY_NO_FILTERED
    | kalman_filter.MEMORY_NO_PREDICTED_COV
    | kalman_filter.MEMORY_NO_PREDICTED_MEAN
    | kalman_filter.MEMORY_NO_GAIN
    | kalman_filter.MEMORY_NO_SMOOTHING
    | kalman_filter.MEMORY_NO_STD_FORECAST
)


def _lean(model: SARIMAX) -> SARIMAX:
    model.ssm.set_conserve_memory(LEAN)
    return model


def lean_model(y, X, order, seasonal_order, trend) -> SARIMAX:
    """The full SARIMAX model of ``y`` (the scale concentrated out), keeping only what forecasting needs."""
    return _lean(SARIMAX(y, X, order, seasonal_order, trend=trend, concentrate_scale=True))


def _get_forecast(results, horizon: int, exog):
    """``results.get_forecast(horizon, exog=exog)``, with finite variances when the concentrated scale is
    exactly 1.

    statsmodels forecasts out of sample under ``fixed_scale(scale)``, which does nothing for a scale of 1: the
    filter then concentrates the scale over the missing future values, 0 / 0, and every forecast variance is
    NaN (statsmodels 0.14-0.15). A model estimated in units of the series' standard deviation (the mean of a
    white noise, exactly) has that scale; it is forecast from a copy whose scale is the next float above 1.
    """
    filtered = results.filter_results
    if not (filtered.filter_concentrated and filtered.scale == 1.0):
        return results.get_forecast(horizon, exog=exog)
    inner = copy.copy(results._results)
    inner.filter_results = copy.copy(filtered)
    inner.filter_results.scale = np.nextafter(1.0, 2.0)
    return inner.get_forecast(horizon, exog=exog)


def results_aicc(results, scale: float = 1.0) -> float:
    """AICc of statsmodels results over ``n - d - D * s`` observations, sigma2 counted as a parameter; with
    ``scale``, the results are those of the series divided by it and the AICc is that of the series itself
    (its density is ``1 / scale`` times that of the scaled series at each of the ``n_eff`` observations)."""
    k = len(results.params) + int(results.model.concentrate_scale)
    n_eff = int(results.nobs_effective)
    return corrected_aic(float(results.llf), n_eff, k) + 2.0 * n_eff * math.log(scale)


#: How the order of an :class:`ARIMAFit` was chosen (its ``selection``).
SELECTIONS = ("fixed", "search", "exact", "too short", "no candidate")


@dataclass(frozen=True, eq=False)
class ARIMAFit:
    """A fitted (S)ARIMA model of one series: its order, its statsmodels results, and how to forecast.

    Attributes
    ----------
    order : tuple (p, d, q)
    seasonal_order : tuple (P, D, Q, s)
    trend : {"n", "c"}
        ``"c"``: a constant in the differenced equation (mean, or drift when ``d + D = 1``).
    method : {"ml", "css-ml", "css"}
        How the parameters were estimated (see :func:`fit_arima`).
    aicc : float
        AICc of the model (exact Gaussian likelihood of the Kalman filter over ``n - d - D * s``
        observations, ``sigma2`` counted as a parameter, as R's ``arima``).
    converged : bool
        Whether the estimator reported convergence.
    results : statsmodels ``SARIMAXResults``
        The filtered model on the whole series, for anything not wrapped here.
    seasonal_indices : ndarray of shape (sp,) or None
        Multiplicative seasonal indices removed before modelling (``auto_arima(seasonal="adjust")``);
        ``seasonal_indices[t % sp]`` is the index of step ``t`` of the fitted series.
    n_models : int
        Number of candidate models the order search fitted (0 for :func:`fit_arima`).
    scale : float
        The unit the model was estimated in: ``results`` are those of the (adjusted) series divided by
        ``scale``; ``params``, ``aicc`` and the forecasts are in the units of the series.
        :func:`auto_arima` divides by the series' standard deviation (so its choice does not depend on the
        units); :func:`fit_arima` by 1, or by a power of two for a series beyond [2**-64, 2**64] in magnitude.
    selection : {"fixed", "search", "exact", "too short", "no candidate"}
        How the order was chosen: given (:func:`fit_arima`), by the stepwise search, or by one of
        :func:`auto_arima`'s rules for degenerate series (see there).
    """

    order: tuple
    seasonal_order: tuple
    trend: str
    method: str
    aicc: float
    converged: bool
    results: object
    seasonal_indices: np.ndarray | None = None
    n_models: int = 0
    scale: float = 1.0
    selection: str = "fixed"

    @property
    def params(self) -> np.ndarray:
        """Parameters in statsmodels' SARIMAX order, in the units of the series: [c], exog betas, ar, ma,
        seasonal ar, seasonal ma, [sigma2]."""
        params = np.array(self.results.params, dtype=np.float64)
        model = self.results.model
        params[: model.k_trend + model.k_exog] *= self.scale  # the constant and betas carry the units
        if not model.concentrate_scale and params.size:
            params[-1] *= self.scale**2  # sigma2
        return params

    @property
    def k_exog(self) -> int:
        return int(self.results.model.k_exog)

    def _season(self, horizon: int) -> np.ndarray:
        if self.seasonal_indices is None:
            return np.ones(horizon)
        n, sp = int(self.results.nobs), self.seasonal_indices.shape[0]
        return self.seasonal_indices[(n + np.arange(horizon)) % sp]

    def forecast(self, horizon: int, exog_future=None, coverage=None):
        """Forecast the ``horizon`` steps after the end of the series.

        Parameters
        ----------
        horizon : int
        exog_future : array-like of shape (horizon, n_covariates), optional
            The regressors of the forecast steps; required when the model has regressors.
        coverage : float in (0, 1), optional
            Coverage of Gaussian prediction intervals (the Kalman filter's forecast variance).

        Returns
        -------
        mean : ndarray of shape (horizon,)
            Returned alone when ``coverage`` is None.
        lower, upper : ndarray of shape (horizon,)
            With ``coverage``, the tuple ``(mean, lower, upper)``.

        Raises
        ------
        OverflowError
            When a value, back in the units of the series (``* scale``), is beyond the float range.
        """
        horizon = check_int(horizon, "horizon", "ARIMAFit.forecast", hint="horizon is the number of steps to forecast.")
        if self.k_exog:
            if exog_future is None:
                raise ValueError(
                    f"ARIMAFit.forecast: the model has {self.k_exog} regressor(s); give exog_future of shape "
                    f"({horizon}, {self.k_exog})."
                )
            exog_future = as_exog(exog_future, horizon, "ARIMAFit.forecast", "exog_future")
        elif exog_future is not None:
            raise ValueError("ARIMAFit.forecast: the model has no regressors; exog_future must be None.")
        prediction = _get_forecast(self.results, horizon, exog_future)
        unit = self._season(horizon) * self.scale  # from the units of the model to those of the series
        mean = np.asarray(prediction.predicted_mean, dtype=np.float64)
        if coverage is None:
            return self._in_units(mean, unit, "forecast")
        coverage = check_real(coverage, "coverage", "ARIMAFit.forecast", low=0, high=1, closed="neither")
        z = norm.ppf(0.5 + coverage / 2.0)
        se = np.sqrt(np.asarray(prediction.var_pred_mean, dtype=np.float64))
        return tuple(
            self._in_units(values, unit, what)
            for values, what in ((mean, "forecast"), (mean - z * se, "lower limit"), (mean + z * se, "upper limit"))
        )

    @staticmethod
    def _in_units(values, unit: np.ndarray, what: str) -> np.ndarray:
        """``values * unit``, or ``OverflowError`` where the product is beyond the float range."""
        with np.errstate(over="ignore"):
            out = np.asarray(values, dtype=np.float64) * unit
        if np.isinf(out).any():
            step = int(np.flatnonzero(np.isinf(out))[0])
            raise OverflowError(
                f"ARIMAFit.forecast: the {what} at step {step + 1} is beyond the largest float "
                f"({np.finfo(np.float64).max:.3g}); the model's forecasts grow out of the float range. Forecast "
                "fewer steps, or model the series in smaller units (e.g. its logarithm, boxcox_lambda=0)."
            )
        return out

    def apply(self, new_y, exog=None) -> ARIMAFit:
        """The same parameters on a new history (statsmodels ``results.apply``): forecast without refitting.

        With ``seasonal_indices``, the seasonal adjustment is re-estimated on ``new_y`` (as at fit time),
        since the phase of a new history relative to the training series is not known here.
        """
        y = as_series(new_y, "ARIMAFit.apply")
        X = as_exog(exog, y.shape[0], "ARIMAFit.apply")
        if (X is None) != (self.k_exog == 0) or (X is not None and X.shape[1] != self.k_exog):
            raise ValueError(
                f"ARIMAFit.apply: the model has {self.k_exog} regressor(s); exog has "
                f"{0 if X is None else X.shape[1]} column(s)."
            )
        indices = None
        if self.seasonal_indices is not None:
            y, indices = adjust(y, self.seasonal_indices.shape[0], "ARIMAFit.apply")
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            # as statsmodels' results.apply(y, exog=X, refit=False), keeping the memory savings; in the units
            # the parameters were estimated in
            model = _lean(self.results.model.clone(y / self.scale, exog=X))
            results = model.filter(self.results.params, cov_type="none")
        return ARIMAFit(
            self.order,
            self.seasonal_order,
            self.trend,
            self.method,
            results_aicc(results, self.scale),
            self.converged,
            results,
            indices,
            0,
            self.scale,
            self.selection,
        )


def estimate(y, X, order, seasonal_order, trend, method, maxiter, start_params=None):
    """Estimate one model; returns (statsmodels results on the full model, converged).

    ``start_params``: (CSS estimates in SARIMAX order, whether CSS converged), from the search.
    """
    p, d, q = order
    P, D, Q, sp = seasonal_order
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' optimiser and start-parameter warnings
        if method == "ml":
            model = _lean(SARIMAX(y, X, order, seasonal_order, trend=trend))
            results = model.fit(disp=False, maxiter=maxiter, cov_type="none")
            return results, bool(results.mle_retvals.get("converged", True))
        if start_params is None:
            w = difference(y, d, D, sp)
            Xw = None if X is None else difference(X, d, D, sp)
            candidate = css(w, Xw, p, q, P, Q, max(sp, 1), trend == "c", p + P * sp)
            start_params, css_converged = candidate.params, candidate.converged
        else:
            start_params, css_converged = start_params
        params, converged = start_params, css_converged
        if method == "css-ml" and len(params):
            fast = SARIMAX(y, X, order, seasonal_order, trend=trend, simple_differencing=True, concentrate_scale=True)
            mle = fast.fit(start_params=start_params, disp=False, maxiter=maxiter, cov_type="none")
            params, converged = mle.params, bool(mle.mle_retvals.get("converged", True))
        full = lean_model(y, X, order, seasonal_order, trend)
        # cov_type="none": statsmodels' default covariance of the parameters costs k + 1 complex-step filters
        return full.filter(params, cov_type="none"), converged


def check_orders(order, seasonal_order, func: str) -> tuple[tuple, tuple]:
    """``(p, d, q)`` and ``(P, D, Q, s)`` as tuples of ints >= 0, ``s >= 2`` when there is a seasonal part."""
    if len(tuple(order)) != 3:
        raise ValueError(f"{func}: order must be (p, d, q); got {order!r}.")
    if len(tuple(seasonal_order)) != 4:
        raise ValueError(f"{func}: seasonal_order must be (P, D, Q, s); got {seasonal_order!r}.")
    names = ("p", "d", "q", "P", "D", "Q", "s")
    values = [check_int(v, n, func, minimum=0) for v, n in zip((*order, *seasonal_order), names)]
    if sum(values[3:6]) and values[6] < 2:
        raise ValueError(f"{func}: a seasonal order needs a period s >= 2; got {seasonal_order!r}.")
    return tuple(values[:3]), tuple(values[3:])


def fit_arima(
    y, order=(0, 0, 0), seasonal_order=(0, 0, 0, 0), exog=None, trend="n", method="ml", maxiter=50
) -> ARIMAFit:
    """Fit one SARIMA(p, d, q)(P, D, Q, s) model, optionally with a constant and regressors.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
    order : tuple (p, d, q)
    seasonal_order : tuple (P, D, Q, s)
    exog : array-like of shape (n_timesteps, n_covariates), optional
        Regressors: a regression with SARIMA errors, estimated jointly.
    trend : {"n", "c"}
        ``"c"`` adds a constant to the differenced equation (a drift when ``d + D = 1``).
    method : {"ml", "css-ml", "css"}
        ``"ml"``: statsmodels' own ``SARIMAX(...).fit()`` with its defaults (exact likelihood, L-BFGS
        from statsmodels' start parameters): forecasts equal statsmodels'. (The covariance of the
        parameters is not computed, ``cov_type="none"``; refit with statsmodels for standard errors.)
        ``"css-ml"``: conditional-sum-of-squares estimates as start values, then maximum likelihood on the
        differenced series (``simple_differencing=True``, ``concentrate_scale=True``): much faster for
        seasonal models, same likelihood up to the initialisation.
        ``"css"``: conditional-sum-of-squares estimates only.
        In all three the final model is filtered on the whole (undifferenced) series.
    maxiter : int
        Maximum number of optimiser iterations of the likelihood maximisation.

    Returns
    -------
    ARIMAFit

    Warns
    -----
    ConvergenceWarning
        Once, when the optimiser did not report convergence.
    """
    order, seasonal_order = check_orders(order, seasonal_order, "fit_arima")
    check_method(method, "fit_arima")
    check_option(trend, "trend", ("n", "c"), "fit_arima", hint="'n': no constant, 'c': a constant.")
    maxiter = check_int(maxiter, "maxiter", "fit_arima")
    y = as_series(y, "fit_arima")
    X = as_exog(exog, y.shape[0], "fit_arima")
    scale = extreme_unit(y)
    results, converged = estimate(y / scale, X, order, seasonal_order, trend, method, maxiter)
    if not converged:
        warnings.warn(
            f"fit_arima: the {method!r} estimation of ARIMA{order}{seasonal_order} did not converge in "
            f"{maxiter} iterations; raise maxiter or check the model.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return ARIMAFit(order, seasonal_order, trend, method, results_aicc(results, scale), converged, results, scale=scale)
