"""ARIMA kernel: fit, search and forecast one series with statsmodels' SARIMAX (numpy arrays, no pandas).

Two entry points, both returning an :class:`ARIMAFit`:

* :func:`fit_arima` fits one given order ``(p, d, q)(P, D, Q, s)``, optionally with a constant and with
  exogenous regressors (regression with SARIMA errors);
* :func:`auto_arima` chooses the order by the stepwise search of Hyndman & Khandakar (J. Stat. Softw.
  27(3), 2008), as R's ``forecast::auto.arima``, with a fast conditional-sum-of-squares estimator inside
  the search and a maximum-likelihood refit of the winner only.

Models, parameters and sign conventions are statsmodels' ``SARIMAX`` throughout::

    phi(L) Phi(L^s) diff^d diff_s^D u_t = c + theta(L) Theta(L^s) e_t,    y_t = x_t' beta + u_t

with ``phi(L) = 1 - phi_1 L - ...`` and ``theta(L) = 1 + theta_1 L + ...``. The constant ``c`` sits in the
differenced equation, so with ``d + D = 1`` it is a drift and with ``d + D = 0`` it sets the mean.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import lfilter
from scipy.stats import norm
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.statespace import kalman_filter
from statsmodels.tsa.statespace.sarimax import SARIMAX
from statsmodels.tsa.statespace.tools import constrain_stationary_univariate
from statsmodels.tsa.stattools import kpss

from ...exceptions import ConvergenceWarning

__all__ = ["ARIMAFit", "auto_arima", "fit_arima", "ndiffs", "nsdiffs"]

_METHODS = ("ml", "css-ml", "css")
_SEASONAL_MODES = ("full", "adjust", "none")
# R's auto.arima discards a model whose AR or MA polynomial has a root of modulus below 1 + 1e-2.
_MIN_ROOT = 1.01
# KPSS 5 % critical value for the level-stationary null (Kwiatkowski et al., 1992, table 1), as R's ndiffs.
_KPSS_CRIT_5 = 0.463
# Seasonal-strength threshold above which one seasonal difference is taken (R's nsdiffs, test="seas").
_SEAS_STRENGTH = 0.64
_ONE = np.ones(1)
# Keep only what forecasting needs: the per-step filter output of an hourly model (74 states for
# (2,0,1)(2,1,0)_24, 960 steps) pickles to 305 MB with statsmodels' defaults, 4 MB with these flags;
# forecasts, their variances and the log-likelihood are unchanged.
_LEAN = (kalman_filter.MEMORY_NO_FILTERED | kalman_filter.MEMORY_NO_PREDICTED_COV
         | kalman_filter.MEMORY_NO_PREDICTED_MEAN | kalman_filter.MEMORY_NO_GAIN
         | kalman_filter.MEMORY_NO_SMOOTHING | kalman_filter.MEMORY_NO_STD_FORECAST)


# ------------------------------------------------------------------------------------------- helpers
def _as_series(y, func: str) -> np.ndarray:
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


def _as_exog(exog, n: int, func: str, what: str = "exog") -> np.ndarray | None:
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


def _check_int(value, name: str, func: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{func}: {name} must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def _difference(x: np.ndarray, d: int, D: int, sp: int) -> np.ndarray:
    """``diff^d diff_sp^D x`` along the first axis (shape (n,) or (n, k) -> n - d - D * sp rows)."""
    for _ in range(D):
        x = x[sp:] - x[:-sp]
    for _ in range(d):
        x = x[1:] - x[:-1]
    return x


def _aicc(loglik: float, n_eff: int, k: int) -> float:
    """AICc with ``k`` estimated parameters (sigma2 included) from ``n_eff`` observations, as R's arima."""
    if n_eff - k - 1 <= 0:
        return math.inf
    return -2.0 * loglik + 2.0 * k + 2.0 * k * (k + 1) / (n_eff - k - 1)


def _seasonal_poly(coefs: np.ndarray, sp: int, sign: float) -> np.ndarray:
    """Coefficients of ``1 + sign * (c_1 L^sp + c_2 L^2sp + ...)`` in powers of L."""
    poly = np.zeros(len(coefs) * sp + 1)
    poly[0] = 1.0
    poly[sp::sp] = sign * coefs
    return poly


def _min_root(coefs: np.ndarray, sign: float, sp: int = 1) -> float:
    """Smallest root modulus of ``1 + sign * sum c_i z^(i sp)`` (inf when there is no root)."""
    nonzero = np.flatnonzero(np.abs(coefs) > 1e-8)
    if nonzero.size == 0:
        return math.inf
    poly = np.r_[1.0, sign * coefs[: nonzero[-1] + 1]]
    roots = np.roots(poly[::-1])  # np.roots wants the highest power first
    # a root x of the polynomial in z^sp gives sp roots of modulus |x|^(1/sp)
    return float(np.min(np.abs(roots)) ** (1.0 / sp))


# --------------------------------------------------------------------------- differencing tests
def ndiffs(y, max_d: int = 2) -> int:
    """Number of first differences by repeated KPSS tests at 5 %, as R's ``forecast::ndiffs``.

    The level-stationarity KPSS statistic with ``trunc(3 * sqrt(n) / 13)`` lags is compared with its 5 %
    critical value 0.463; while it rejects (and ``d < max_d``) the series is differenced once more.
    A constant series needs no difference.
    """
    x = _as_series(y, "ndiffs")
    d = 0
    while d < max_d and x.shape[0] > 3 and np.ptp(x) > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels' p-value interpolation warnings
            stat = kpss(x, regression="c", nlags=int(3 * math.sqrt(x.shape[0]) / 13))[0]
        if stat <= _KPSS_CRIT_5:
            break
        x = np.diff(x)
        d += 1
    return d


def seasonal_strength(y, sp: int) -> float:
    """Strength of seasonality ``max(0, 1 - Var(R) / Var(S + R))`` from an STL decomposition.

    Wang, Smith & Hyndman (2006); STL with a seasonal window of 11, as R's ``mstl`` default.
    """
    x = _as_series(y, "seasonal_strength")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = STL(x, period=sp, seasonal=11).fit()
    detrended = fit.seasonal + fit.resid
    var_sr = np.var(detrended)
    if var_sr == 0:
        return 0.0
    return float(max(0.0, 1.0 - np.var(fit.resid) / var_sr))


def nsdiffs(y, sp: int, max_D: int = 1) -> int:
    """Number of seasonal differences: one when the STL seasonal strength exceeds 0.64 (R's ``nsdiffs``).

    No seasonal difference when ``sp < 2``, ``max_D == 0`` or the series is shorter than two seasons plus
    one value; at most ``max_D`` (the strength is re-tested on the seasonally differenced series).
    """
    x = _as_series(y, "nsdiffs")
    D = 0
    while D < max_D and sp >= 2 and x.shape[0] > 2 * sp and np.ptp(x) > 0:
        if seasonal_strength(x, sp) <= _SEAS_STRENGTH:
            break
        x = x[sp:] - x[:-sp]
        D += 1
    return D


# ----------------------------------------------------------------------- conditional sum of squares
@dataclass(frozen=True)
class _Candidate:
    """One model of the search: its orders, whether it has a constant, CSS estimates and their AICc."""

    p: int
    q: int
    P: int
    Q: int
    constant: bool
    params: np.ndarray  # SARIMAX order: [c], beta, ar, ma, seasonal ar, seasonal ma (no sigma2)
    aicc: float
    converged: bool


def _split(z: np.ndarray, n_reg: int, p: int, q: int, P: int, Q: int):
    """Unconstrained optimiser vector -> regression coefficients and stationary/invertible ARMA polynomials."""
    i = n_reg
    phi = constrain_stationary_univariate(z[i : i + p]) if p else z[:0]
    i += p
    theta = -constrain_stationary_univariate(z[i : i + q]) if q else z[:0]
    i += q
    Phi = constrain_stationary_univariate(z[i : i + P]) if P else z[:0]
    i += P
    Theta = -constrain_stationary_univariate(z[i : i + Q]) if Q else z[:0]
    return z[:n_reg], phi, theta, Phi, Theta


def _css(w, Xw, p, q, P, Q, sp, constant, n0) -> _Candidate:
    """Fit an ARMA(p, q)(P, Q)_sp with regressors to the differenced series ``w`` by conditional least squares.

    Residuals ``e_t = theta(L)^-1 Theta(L^s)^-1 phi(L) Phi(L^s) (w_t - mu - x_t' beta)`` for ``t >= r``
    (``r = p + P * sp``, pre-sample innovations zero), summed over ``t >= n0`` so that every model of one
    search is scored on the same observations. The ARMA coefficients are optimised through statsmodels'
    stationarity transform (Monahan, 1984), so each estimate is stationary and invertible.
    """
    columns = ([np.ones(w.shape[0])] if constant else []) + ([] if Xw is None else list(Xw.T))
    design = np.column_stack(columns) if columns else None  # [n_w, n_reg]
    n_reg = len(columns)
    reg0 = np.linalg.lstsq(design, w, rcond=None)[0] if n_reg else np.zeros(0)
    z0 = np.r_[reg0, np.zeros(p + q + P + Q)]

    r = p + P * sp
    ar, ma = np.zeros(r + 1), np.zeros(q + Q * sp + 1)
    ar_nonseasonal, ma_nonseasonal = np.zeros(p + 1), np.zeros(q + 1)
    ar_nonseasonal[0] = ma_nonseasonal[0] = 1.0

    def residuals(z):
        reg, phi, theta, Phi, Theta = _split(z, n_reg, p, q, P, Q)
        v = w - design @ reg if n_reg else w
        ar_nonseasonal[1:], ma_nonseasonal[1:] = -phi, theta
        ar[:] = np.convolve(ar_nonseasonal, _seasonal_poly(Phi, sp, -1.0))
        ma[:] = np.convolve(ma_nonseasonal, _seasonal_poly(Theta, sp, 1.0))
        u = np.convolve(v, ar, mode="valid")  # [n_w] -> [n_w - r]: phi(L) Phi(L^s) v_t for t >= r
        e = lfilter(_ONE, ma, u) if ma.shape[0] > 1 else u  # theta(L)^-1 Theta(L^s)^-1, zero pre-sample
        e = e[n0 - r :]
        return e if np.isfinite(e).all() else np.full(e.shape, 1e100)

    def jacobian(z):  # forward differences; cheaper than scipy's generic approx_derivative here
        e0 = residuals(z)
        jac = np.empty((e0.shape[0], z.shape[0]))  # [n_eff, n_params]
        for j in range(z.shape[0]):
            step = 1.5e-8 * max(1.0, abs(z[j]))
            z_j = z.copy()
            z_j[j] += step
            jac[:, j] = (residuals(z_j) - e0) / step
        return jac

    converged = True
    if z0.shape[0] and p + q + P + Q:
        solution = least_squares(residuals, z0, jac=jacobian, method="lm")
        z, converged = solution.x, solution.status > 0
    else:  # no ARMA part: the least-squares regression is the CSS estimate
        z = z0
    e = residuals(z)
    n_eff = e.shape[0]
    sigma2 = max(float(e @ e) / n_eff, 1e-300)
    loglik = -0.5 * n_eff * (math.log(2.0 * math.pi * sigma2) + 1.0)
    reg, phi, theta, Phi, Theta = _split(z, n_reg, p, q, P, Q)
    aicc = _aicc(loglik, n_eff, n_reg + p + q + P + Q + 1)
    min_root = min(_min_root(phi, -1.0), _min_root(theta, 1.0), _min_root(Phi, -1.0, sp),
                   _min_root(Theta, 1.0, sp))
    if min_root < _MIN_ROOT or sigma2 >= 1e100:
        aicc = math.inf  # near a unit root: rejected, as R's auto.arima does
    reg = reg.copy()
    if constant:  # SARIMAX's intercept c = mu * phi(1) * Phi(1)
        reg[0] *= (1.0 - phi.sum()) * (1.0 - Phi.sum())
    return _Candidate(p, q, P, Q, constant, np.r_[reg, phi, theta, Phi, Theta], aicc, converged)


# ---------------------------------------------------------------------------------- fitted model
def _lean(model: SARIMAX) -> SARIMAX:
    model.ssm.set_conserve_memory(_LEAN)
    return model


def _results_aicc(results) -> float:
    """AICc of statsmodels results over ``n - d - D * s`` observations, sigma2 counted as a parameter."""
    k = len(results.params) + int(results.model.concentrate_scale)
    return _aicc(float(results.llf), int(results.nobs_effective), k)


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

    @property
    def params(self) -> np.ndarray:
        """Parameters in statsmodels' SARIMAX order: [c], exog betas, ar, ma, seasonal ar, seasonal ma, [sigma2]."""
        return np.asarray(self.results.params, dtype=np.float64)

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
        """
        horizon = _check_int(horizon, "horizon", "ARIMAFit.forecast", minimum=1)
        if self.k_exog:
            if exog_future is None:
                raise ValueError(
                    f"ARIMAFit.forecast: the model has {self.k_exog} regressor(s); give exog_future of shape "
                    f"({horizon}, {self.k_exog})."
                )
            exog_future = _as_exog(exog_future, horizon, "ARIMAFit.forecast", "exog_future")
        elif exog_future is not None:
            raise ValueError("ARIMAFit.forecast: the model has no regressors; exog_future must be None.")
        prediction = self.results.get_forecast(horizon, exog=exog_future)
        season = self._season(horizon)
        mean = np.asarray(prediction.predicted_mean, dtype=np.float64) * season
        if coverage is None:
            return mean
        if not isinstance(coverage, numbers.Real) or not 0 < coverage < 1:
            raise ValueError(f"ARIMAFit.forecast: coverage must be a float in (0, 1); got {coverage!r}.")
        z = norm.ppf(0.5 + coverage / 2.0)
        se = np.sqrt(np.asarray(prediction.var_pred_mean, dtype=np.float64)) * season
        return mean, mean - z * se, mean + z * se

    def apply(self, new_y, exog=None) -> ARIMAFit:
        """The same parameters on a new history (statsmodels ``results.apply``): forecast without refitting.

        With ``seasonal_indices``, the seasonal adjustment is re-estimated on ``new_y`` (as at fit time),
        since the phase of a new history relative to the training series is not known here.
        """
        y = _as_series(new_y, "ARIMAFit.apply")
        X = _as_exog(exog, y.shape[0], "ARIMAFit.apply")
        if (X is None) != (self.k_exog == 0) or (X is not None and X.shape[1] != self.k_exog):
            raise ValueError(
                f"ARIMAFit.apply: the model has {self.k_exog} regressor(s); exog has "
                f"{0 if X is None else X.shape[1]} column(s)."
            )
        indices = None
        if self.seasonal_indices is not None:
            y, indices = _adjust(y, self.seasonal_indices.shape[0], "ARIMAFit.apply")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # as statsmodels' results.apply(y, exog=X, refit=False), keeping the memory savings
            results = _lean(self.results.model.clone(y, exog=X)).filter(self.results.params, cov_type="none")
        return ARIMAFit(self.order, self.seasonal_order, self.trend, self.method, _results_aicc(results),
                        self.converged, results, indices, 0)


def _adjust(y: np.ndarray, sp: int, func: str):
    """M4's classical multiplicative seasonal adjustment when its seasonality test passes."""
    from .._kernels import seasonal_indices, seasonality_test

    if not seasonality_test(y, sp):
        return y, None
    if (y <= 0).any():
        raise ValueError(
            f"{func}: seasonal='adjust' divides by multiplicative seasonal indices and needs a strictly "
            f"positive series; y has {int((y <= 0).sum())} value(s) <= 0. Use seasonal='full'."
        )
    indices = seasonal_indices(y, sp)
    return y / indices[np.arange(y.shape[0]) % sp], indices


def _estimate(y, X, order, seasonal_order, trend, method, maxiter, start_params=None):
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
            w = _difference(y, d, D, sp)
            Xw = None if X is None else _difference(X, d, D, sp)
            css = _css(w, Xw, p, q, P, Q, max(sp, 1), trend == "c", p + P * sp)
            start_params, css_converged = css.params, css.converged
        else:
            start_params, css_converged = start_params
        params, converged = start_params, css_converged
        if method == "css-ml" and len(params):
            fast = SARIMAX(y, X, order, seasonal_order, trend=trend, simple_differencing=True,
                           concentrate_scale=True)
            mle = fast.fit(start_params=start_params, disp=False, maxiter=maxiter, cov_type="none")
            params, converged = mle.params, bool(mle.mle_retvals.get("converged", True))
        full = _lean(SARIMAX(y, X, order, seasonal_order, trend=trend, concentrate_scale=True))
        # cov_type="none": statsmodels' default covariance of the parameters costs k + 1 complex-step filters
        return full.filter(params, cov_type="none"), converged


def _check_orders(order, seasonal_order, func):
    if len(tuple(order)) != 3:
        raise ValueError(f"{func}: order must be (p, d, q); got {order!r}.")
    if len(tuple(seasonal_order)) != 4:
        raise ValueError(f"{func}: seasonal_order must be (P, D, Q, s); got {seasonal_order!r}.")
    names = ("p", "d", "q", "P", "D", "Q", "s")
    values = [_check_int(v, n, func) for v, n in zip((*order, *seasonal_order), names)]
    if sum(values[3:6]) and values[6] < 2:
        raise ValueError(f"{func}: a seasonal order needs a period s >= 2; got {seasonal_order!r}.")
    return tuple(values[:3]), tuple(values[3:])


def fit_arima(y, order=(0, 0, 0), seasonal_order=(0, 0, 0, 0), exog=None, trend="n", method="ml",
              maxiter=50) -> ARIMAFit:
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
    order, seasonal_order = _check_orders(order, seasonal_order, "fit_arima")
    if method not in _METHODS:
        raise ValueError(f"fit_arima: method must be one of {_METHODS}; got {method!r}.")
    if trend not in ("n", "c"):
        raise ValueError(f"fit_arima: trend must be 'n' (none) or 'c' (constant); got {trend!r}.")
    maxiter = _check_int(maxiter, "maxiter", "fit_arima", minimum=1)
    y = _as_series(y, "fit_arima")
    X = _as_exog(exog, y.shape[0], "fit_arima")
    results, converged = _estimate(y, X, order, seasonal_order, trend, method, maxiter)
    if not converged:
        warnings.warn(
            f"fit_arima: the {method!r} estimation of ARIMA{order}{seasonal_order} did not converge in "
            f"{maxiter} iterations; raise maxiter or check the model.", ConvergenceWarning, stacklevel=2,
        )
    return ARIMAFit(order, seasonal_order, trend, method, _results_aicc(results), converged, results)


# ------------------------------------------------------------------------------------ order search
def _final_min_root(results) -> float:
    """Smallest modulus of the roots of the estimated AR and MA polynomials (seasonal parts expanded)."""
    roots = np.r_[results.arroots, results.maroots] if len(results.params) else np.zeros(0)
    return float(np.min(np.abs(roots))) if roots.size else math.inf


def _stepwise(w, Xw, sp, limits, allow_constant, max_models):
    """Hyndman-Khandakar stepwise search over (p, q, P, Q, constant); returns every candidate fitted."""
    max_p, max_q, max_P, max_Q, max_order = limits
    n0 = max_p + max_P * sp
    fitted: dict = {}

    def fit(p, q, P, Q, c):
        key = (p, q, P, Q, c)
        if key not in fitted:
            fitted[key] = _css(w, Xw, p, q, P, Q, sp, c, n0)
        return fitted[key]

    def allowed(p, q, P, Q, c):
        return (0 <= p <= max_p and 0 <= q <= max_q and 0 <= P <= max_P and 0 <= Q <= max_Q
                and p + q + P + Q <= max_order and (allow_constant or not c))

    seasonal = max_P + max_Q > 0
    starts = [(min(2, max_p), min(2, max_q), min(1, max_P), min(1, max_Q)), (0, 0, 0, 0),
              (min(1, max_p), 0, min(1, max_P), 0), (0, min(1, max_q), 0, min(1, max_Q))]
    for p, q, P, Q in starts:
        if allowed(p, q, P, Q, allow_constant):
            fit(p, q, P, Q, allow_constant)
    if allow_constant:
        fit(0, 0, 0, 0, False)
    best = min(fitted.values(), key=lambda m: m.aicc)
    moves = [(0, 0, -1, 0), (0, 0, 0, -1), (0, 0, 1, 0), (0, 0, 0, 1), (0, 0, -1, -1), (0, 0, -1, 1),
             (0, 0, 1, -1), (0, 0, 1, 1)] if seasonal else []
    moves += [(-1, 0, 0, 0), (0, -1, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0), (-1, -1, 0, 0), (-1, 1, 0, 0),
              (1, -1, 0, 0), (1, 1, 0, 0)]
    improved = True
    while improved and len(fitted) < max_models:
        improved = False
        neighbours = [(best.p + a, best.q + b, best.P + c, best.Q + e, best.constant) for a, b, c, e in moves]
        neighbours.append((best.p, best.q, best.P, best.Q, not best.constant))
        for key in neighbours:
            if key in fitted or not allowed(*key) or len(fitted) >= max_models:
                continue
            candidate = fit(*key)
            if candidate.aicc < best.aicc:
                best, improved = candidate, True
                break  # first improvement: restart from the new best model, as auto.arima
    return sorted(fitted.values(), key=lambda m: m.aicc)


def auto_arima(y, sp=1, exog=None, *, seasonal="full", d=None, D=None, max_p=5, max_q=5, max_P=2,
               max_Q=2, max_order=5, max_d=2, max_D=1, allow_constant=True, method="css-ml", maxiter=50,
               max_models=94) -> ARIMAFit:
    """Choose a SARIMA order automatically (Hyndman & Khandakar, 2008) and fit it.

    The search, as R's ``forecast::auto.arima`` with ``stepwise=TRUE, approximation=TRUE``:

    1. Differencing orders, unless given: ``D`` (0 or 1) from the STL seasonal strength (> 0.64, R's
       ``nsdiffs(test="seas")``); then ``d`` from repeated KPSS tests at 5 % on the seasonally differenced
       series (:func:`ndiffs`). With ``exog``, the tests run on the residuals of a least-squares
       regression of ``y`` on the regressors.
    2. A constant is allowed when ``d + D <= 1`` (a mean, or a drift).
    3. Four start models, ``(2,d,2)(1,D,1)``, ``(0,d,0)(0,D,0)``, ``(1,d,0)(1,D,0)`` and
       ``(0,d,1)(0,D,1)`` with the constant, plus ``(0,d,0)(0,D,0)`` without; then from the best model,
       its neighbours (``P``, ``Q``, ``p``, ``q`` each +-1, the pairs ``(P, Q)`` and ``(p, q)`` together
       +-1, the constant toggled), moving to the first one with a lower AICc, until none improves
       (``p + q + P + Q <= max_order``, at most ``max_models`` models).
    4. Inside the search every model is estimated by conditional sum of squares (:func:`_css`: a
       convolution and one ``lfilter`` pass per residual evaluation, Levenberg-Marquardt; about 20 ms
       per model on M4 Hourly with ``s = 24``, where one exact-likelihood fit of a seasonal model costs
       2 to 30 s in statsmodels) and scored by its CSS AICc on the same observations; models with an AR
       or MA root of modulus < 1.01 are discarded, as in R (which, with ``s = 24``, rules out seasonal
       coefficients above about 0.79 in modulus).
    5. The models are re-estimated by ``method`` in order of CSS AICc (default: maximum likelihood
       started from the CSS estimates, see :func:`fit_arima`); the first whose estimate is finite and
       has no root of modulus < 1.01 is returned, with its exact AICc. With ``method="css"`` the search's
       estimates are kept: one Kalman filter pass gives the forecasts, intervals and AICc (on M4 Hourly
       0.45 s of CPU per series in all against 7 s for ``"css-ml"``, and no less accurate: OWA 0.604
       against 0.624 on 40 series; see ``benchmarks/results/m4_arima_hourly.md``).

    ``seasonal="adjust"`` replaces the seasonal part by M4's classical multiplicative decomposition
    (applied when the lag-``sp`` autocorrelation test passes): a non-seasonal search on the adjusted
    series, forecasts reseasonalised. ``seasonal="none"`` searches non-seasonal models only.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
    sp : int
        Seasonal period (1: non-seasonal).
    exog : array-like of shape (n_timesteps, n_covariates), optional
    seasonal : {"full", "adjust", "none"}
    d, D : int, optional
        Differencing orders; tested as above when None.
    max_p, max_q, max_P, max_Q, max_order, max_d, max_D : int
        Bounds of the search (R's defaults). ``max_p`` and ``max_q`` are also capped at a third of the
        differenced length, ``max_P`` and ``max_Q`` at a third of it in seasons.
    allow_constant : bool
    method : {"css-ml", "ml", "css"}
        Estimator of the chosen model (see :func:`fit_arima`).
    maxiter : int
    max_models : int

    Returns
    -------
    ARIMAFit
        With ``n_models`` the number of candidates fitted.
    """
    func = "auto_arima"
    y = _as_series(y, func)
    sp = _check_int(sp, "sp", func, minimum=1)
    X = _as_exog(exog, y.shape[0], func)
    if seasonal not in _SEASONAL_MODES:
        raise ValueError(f"{func}: seasonal must be one of {_SEASONAL_MODES}; got {seasonal!r}.")
    if method not in _METHODS:
        raise ValueError(f"{func}: method must be one of {_METHODS}; got {method!r}.")
    bounds = [_check_int(v, n, func) for v, n in zip(
        (max_p, max_q, max_P, max_Q, max_order, max_d, max_D, maxiter, max_models),
        ("max_p", "max_q", "max_P", "max_Q", "max_order", "max_d", "max_D", "maxiter", "max_models"))]
    max_p, max_q, max_P, max_Q, max_order, max_d, max_D, maxiter, max_models = bounds

    indices = None
    if seasonal == "adjust" and sp > 1:
        y, indices = _adjust(y, sp, func)
    if seasonal != "full" or sp == 1:
        sp, max_P, max_Q, D = 1, 0, 0, 0
    target = y
    if X is not None:  # unit-root tests on the regression residuals
        design = np.column_stack([np.ones(y.shape[0]), X])
        target = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    D = nsdiffs(target, sp, max_D) if D is None else _check_int(D, "D", func)
    d = ndiffs(_difference(target, 0, D, sp), max_d) if d is None else _check_int(d, "d", func)
    w = _difference(y, d, D, sp)
    Xw = None if X is None else _difference(X, d, D, sp)
    if w.shape[0] < 3:
        raise ValueError(
            f"{func}: y has {y.shape[0]} values, {w.shape[0]} after differencing (d={d}, D={D}, sp={sp}); "
            "too few to fit any model. Give a longer series or smaller differencing orders."
        )
    # R's caps on the orders for short series
    max_p, max_q = min(max_p, w.shape[0] // 3), min(max_q, w.shape[0] // 3)
    max_P, max_Q = min(max_P, w.shape[0] // 3 // sp), min(max_Q, w.shape[0] // 3 // sp)
    candidates = _stepwise(w, Xw, sp, (max_p, max_q, max_P, max_Q, max_order), allow_constant and d + D <= 1,
                           max_models)
    error = None
    for cand in candidates:  # in order of CSS AICc, until one estimates cleanly
        if not math.isfinite(cand.aicc):
            break
        order, seasonal_order = (cand.p, d, cand.q), (cand.P, D, cand.Q, sp if sp > 1 else 0)
        trend = "c" if cand.constant else "n"
        start = None if method == "ml" else (cand.params, cand.converged)
        try:
            results, converged = _estimate(y, X, order, seasonal_order, trend, method, maxiter, start)
        except (ValueError, np.linalg.LinAlgError) as exc:  # numerical failure: try the next model
            error = exc
            continue
        if not np.isfinite(results.llf) or (method != "css" and _final_min_root(results) < _MIN_ROOT):
            continue  # the likelihood ran to a unit root: next model, as auto.arima rejects such fits
        if not converged:
            warnings.warn(
                f"{func}: the {method!r} estimation of the chosen ARIMA{order}{seasonal_order} did not "
                f"converge in {maxiter} iterations; raise maxiter or check the model.", ConvergenceWarning,
                stacklevel=2,
            )
        return ARIMAFit(order, seasonal_order, trend, method, _results_aicc(results), converged, results,
                        indices, len(candidates))
    raise RuntimeError(
        f"{func}: no candidate model could be estimated (d={d}, D={D}, sp={sp}; last error: {error!r})."
    )
