"""Choose the order of a (S)ARIMA model: :func:`auto_arima`, the stepwise search of Hyndman & Khandakar
(J. Stat. Softw. 27(3), 2008), as R's ``forecast::auto.arima``, with a fast conditional-sum-of-squares
estimator inside the search and a maximum-likelihood refit of the winner only."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..._utils.validation import check_int, check_option, check_sp
from ...exceptions import ConvergenceWarning
from ._common import MIN_ROOT, adjust, as_exog, as_series, check_method, difference, is_constant, rounding, unit_scale
from ._css import css
from ._differencing import ndiffs, nsdiffs
from ._fit import ARIMAFit, estimate, lean_model, results_aicc

__all__ = ["MIN_SEARCH", "auto_arima"]

_SEASONAL_MODES = ("full", "adjust", "none")
#: Fewest values after differencing for an order search; a shorter series gets ARIMA(0,d,0)(0,D,0).
MIN_SEARCH = 8


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
            fitted[key] = css(w, Xw, p, q, P, Q, sp, c, n0)
        return fitted[key]

    def allowed(p, q, P, Q, c):
        return (
            0 <= p <= max_p
            and 0 <= q <= max_q
            and 0 <= P <= max_P
            and 0 <= Q <= max_Q
            and p + q + P + Q <= max_order
            and (allow_constant or not c)
        )

    seasonal = max_P + max_Q > 0
    starts = [
        (min(2, max_p), min(2, max_q), min(1, max_P), min(1, max_Q)),
        (0, 0, 0, 0),
        (min(1, max_p), 0, min(1, max_P), 0),
        (0, min(1, max_q), 0, min(1, max_Q)),
    ]
    for p, q, P, Q in starts:
        if allowed(p, q, P, Q, allow_constant):
            fit(p, q, P, Q, allow_constant)
    if allow_constant:
        fit(0, 0, 0, 0, False)
    best = min(fitted.values(), key=lambda m: m.aicc)
    moves = (
        [
            (0, 0, -1, 0),
            (0, 0, 0, -1),
            (0, 0, 1, 0),
            (0, 0, 0, 1),
            (0, 0, -1, -1),
            (0, 0, -1, 1),
            (0, 0, 1, -1),
            (0, 0, 1, 1),
        ]
        if seasonal
        else []
    )
    moves += [
        (-1, 0, 0, 0),
        (0, -1, 0, 0),
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (-1, -1, 0, 0),
        (-1, 1, 0, 0),
        (1, -1, 0, 0),
        (1, 1, 0, 0),
    ]
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


def auto_arima(
    y,
    sp=1,
    exog=None,
    *,
    seasonal="full",
    d=None,
    D=None,
    max_p=5,
    max_q=5,
    max_P=2,
    max_Q=2,
    max_order=5,
    max_d=2,
    max_D=1,
    allow_constant=True,
    method="css-ml",
    maxiter=50,
    max_models=94,
) -> ARIMAFit:
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
    4. Inside the search every model is estimated by conditional sum of squares (``_css.css``: a
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

    Units: everything above runs on ``y`` divided by its standard deviation (computed without overflow), so
    the series in any units (``y * 1e-6``, ``y * 1e6``) gets the same model and forecasts scaled by the
    same factor. The returned fit has ``scale`` set to that unit; its forecasts, parameters and AICc are in
    the units of ``y``.

    Degenerate series get a defined model rather than an optimiser's error; ``selection`` says which rule
    chose it:

    * ``"exact"``: the differenced series is constant (a constant ``y``, a one-value ``y``, a straight line, a
      season repeated exactly). The model is ``(0,d,0)(0,D,0)`` with that constant (a mean when ``d + D = 0``,
      a drift when ``d + D = 1``; none when it is 0), so it forecasts the series' own continuation with zero
      innovation variance: zero-width intervals, an AICc of -inf. A constant ``y`` is ``(0,0,0)`` with its
      value as mean, as R's ``auto.arima`` answers; without a constant term (``allow_constant=False``) it is
      ``(0,1,0)``, which continues it too (a zero-mean model would forecast 0).
    * ``"too short"``: fewer than :data:`MIN_SEARCH` (8) values after differencing: no search (its AICc
      would compare models on a handful of residuals); ``(0,d,0)(0,D,0)``, with a constant (the mean) when
      ``d + D = 0`` and ``allow_constant``: the mean of a series of 2 to 7 values, unless the KPSS test
      differences it (then its last value, the random walk).
    * ``"no candidate"``: no candidate of the search could be estimated: the same simple model, with a
      :class:`~seqforecast.exceptions.ConvergenceWarning` that says why.

    A series that differencing leaves empty (``d`` or ``D`` given too large for it) raises ``ValueError``.

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
    y = as_series(y, func)
    sp = check_sp(sp, func)
    X = as_exog(exog, y.shape[0], func)
    check_option(seasonal, "seasonal", _SEASONAL_MODES, func)
    check_method(method, func)
    bounds = [
        check_int(v, n, func, minimum=0)
        for v, n in zip(
            (max_p, max_q, max_P, max_Q, max_order, max_d, max_D, max_models),
            ("max_p", "max_q", "max_P", "max_Q", "max_order", "max_d", "max_D", "max_models"),
        )
    ]
    max_p, max_q, max_P, max_Q, max_order, max_d, max_D, max_models = bounds
    maxiter = check_int(maxiter, "maxiter", func)

    indices = None
    if seasonal == "adjust" and sp > 1:
        y, indices = adjust(y, sp, func)
    if seasonal != "full" or sp == 1:
        sp, max_P, max_Q, D = 1, 0, 0, 0
    scale = unit_scale(y)
    z = y / scale  # the same series whatever the units of y
    target = z
    if X is not None:  # unit-root tests on the regression residuals
        design = np.column_stack([np.ones(z.shape[0]), X])
        target = z - design @ np.linalg.lstsq(design, z, rcond=None)[0]
    D = nsdiffs(target, sp, max_D) if D is None else check_int(D, "D", func, minimum=0)
    if d is None:
        d = ndiffs(difference(target, 0, D, sp), max_d)
        if is_constant(z, z) and z[0] != 0 and not allow_constant and D == 0 and max_d > 0:
            d = 1  # a constant series without a constant term: the random walk continues it exactly
    else:
        d = check_int(d, "d", func, minimum=0)
    w = difference(z, d, D, sp)
    Xw = None if X is None else difference(X, d, D, sp)
    if w.shape[0] == 0:
        raise ValueError(
            f"{func}: y has {y.shape[0]} values, {w.shape[0]} after differencing (d={d}, D={D}, sp={sp}); "
            "too few to fit any model. Give a longer series or smaller differencing orders."
        )
    fit = _Fitter(z, X, d, D, sp, scale, indices, method, maxiter)
    constant = allow_constant and d + D <= 1
    if is_constant(w, z):
        level = float(np.mean(w)) if abs(np.mean(w)) > rounding(z) else 0.0  # rounding alone: 0
        if level == 0.0 or constant:
            return fit.exact(level)
    simple = allow_constant and d + D == 0  # a mean for the simple models of the other rules
    if w.shape[0] < MIN_SEARCH:
        return fit.simple(simple, "too short")
    # R's caps on the orders for short series
    max_p, max_q = min(max_p, w.shape[0] // 3), min(max_q, w.shape[0] // 3)
    max_P, max_Q = min(max_P, w.shape[0] // 3 // sp), min(max_Q, w.shape[0] // 3 // sp)
    candidates = _stepwise(w, Xw, sp, (max_p, max_q, max_P, max_Q, max_order), constant, max_models)
    error = None
    for cand in candidates:  # in order of CSS AICc, until one estimates cleanly
        if not math.isfinite(cand.aicc):
            break
        order, seasonal_order = (cand.p, d, cand.q), (cand.P, D, cand.Q, sp if sp > 1 else 0)
        trend = "c" if cand.constant else "n"
        start = None if method == "ml" else (cand.params, cand.converged)
        try:
            results, converged = estimate(z, X, order, seasonal_order, trend, method, maxiter, start)
        except (ValueError, np.linalg.LinAlgError) as exc:  # numerical failure: try the next model
            error = exc
            continue
        if not np.isfinite(results.llf) or (method != "css" and _final_min_root(results) < MIN_ROOT):
            continue  # the likelihood ran to a unit root: next model, as auto.arima rejects such fits
        if not converged:
            warnings.warn(
                f"{func}: the {method!r} estimation of the chosen ARIMA{order}{seasonal_order} did not "
                f"converge in {maxiter} iterations; raise maxiter or check the model.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return fit.make(results, trend, converged, "search", len(candidates), order, seasonal_order)
    last = "" if error is None else f"; last error: {error!r}"
    why = f"no candidate model of the search could be estimated (d={d}, D={D}, sp={sp}{last})"
    return fit.simple(simple, "no candidate", why)


class _Fitter:
    """The models of :func:`auto_arima`'s rules for degenerate series, and the :class:`ARIMAFit` of any model,
    on the series ``z`` in units of ``scale``."""

    def __init__(self, z, X, d, D, sp, scale, indices, method, maxiter):
        self.z, self.X, self.d, self.D, self.sp = z, X, d, D, sp
        self.scale, self.indices, self.method, self.maxiter = scale, indices, method, maxiter

    def orders(self):
        return (0, self.d, 0), (0, self.D, 0, self.sp if self.sp > 1 else 0)

    def make(self, results, trend, converged, selection, n_models, order=None, seasonal_order=None, aicc=None):
        if order is None:
            order, seasonal_order = self.orders()
        if aicc is None:
            aicc = results_aicc(results, self.scale)
        return ARIMAFit(
            order,
            seasonal_order,
            trend,
            self.method,
            aicc,
            converged,
            results,
            self.indices,
            n_models,
            self.scale,
            selection,
        )

    def exact(self, level: float) -> ARIMAFit:
        """``(0,d,0)(0,D,0)`` with ``level``, the value of the (constant) differenced series, as its constant,
        regressors at 0: an exact fit, zero innovation variance, AICc -inf."""
        trend = "n" if level == 0 else "c"
        k_exog = 0 if self.X is None else self.X.shape[1]
        params = np.r_[[level] if trend == "c" else [], np.zeros(k_exog)]
        order, seasonal_order = self.orders()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # the likelihood of a zero variance: log(0)
            model = lean_model(self.z, self.X, order, seasonal_order, trend)
            results = model.filter(params, cov_type="none")
        return self.make(results, trend, True, "exact", 0, aicc=-math.inf)

    def simple(self, with_mean: bool, selection: str, why: str = "") -> ARIMAFit:
        """``(0,d,0)(0,D,0)`` (with a mean when ``with_mean``), estimated by ``method``; ``why`` it replaces
        the search, when it is a failure, is said in a ConvergenceWarning."""
        trend = "c" if with_mean else "n"
        order, seasonal_order = self.orders()
        try:
            results, converged = estimate(self.z, self.X, order, seasonal_order, trend, self.method, self.maxiter)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise RuntimeError(
                f"auto_arima: {why or selection}; ARIMA{order}{seasonal_order} failed too ({exc!r})."
            ) from None
        if why:
            model = f"ARIMA{order}{seasonal_order} {'with a constant (the mean)' if with_mean else 'without constant'}"
            warnings.warn(f"auto_arima: {why}; fitted {model} instead.", ConvergenceWarning, stacklevel=3)
        return self.make(results, trend, converged, selection, 0)
