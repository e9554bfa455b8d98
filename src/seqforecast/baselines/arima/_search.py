"""Choose the order of a (S)ARIMA model: :func:`auto_arima`, the stepwise search of Hyndman & Khandakar
(J. Stat. Softw. 27(3), 2008), as R's ``forecast::auto.arima``, with a fast conditional-sum-of-squares
estimator inside the search and a maximum-likelihood refit of the winner only."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..._utils.validation import check_int, check_option, check_sp
from ...exceptions import ConvergenceWarning
from ._common import MIN_ROOT, adjust, as_exog, as_series, check_method, difference
from ._css import css
from ._differencing import ndiffs, nsdiffs
from ._fit import ARIMAFit, estimate, results_aicc

__all__ = ["auto_arima"]

_SEASONAL_MODES = ("full", "adjust", "none")


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
    target = y
    if X is not None:  # unit-root tests on the regression residuals
        design = np.column_stack([np.ones(y.shape[0]), X])
        target = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    D = nsdiffs(target, sp, max_D) if D is None else check_int(D, "D", func, minimum=0)
    d = ndiffs(difference(target, 0, D, sp), max_d) if d is None else check_int(d, "d", func, minimum=0)
    w = difference(y, d, D, sp)
    Xw = None if X is None else difference(X, d, D, sp)
    if w.shape[0] < 3:
        raise ValueError(
            f"{func}: y has {y.shape[0]} values, {w.shape[0]} after differencing (d={d}, D={D}, sp={sp}); "
            "too few to fit any model. Give a longer series or smaller differencing orders."
        )
    # R's caps on the orders for short series
    max_p, max_q = min(max_p, w.shape[0] // 3), min(max_q, w.shape[0] // 3)
    max_P, max_Q = min(max_P, w.shape[0] // 3 // sp), min(max_Q, w.shape[0] // 3 // sp)
    candidates = _stepwise(
        w, Xw, sp, (max_p, max_q, max_P, max_Q, max_order), allow_constant and d + D <= 1, max_models
    )
    error = None
    for cand in candidates:  # in order of CSS AICc, until one estimates cleanly
        if not math.isfinite(cand.aicc):
            break
        order, seasonal_order = (cand.p, d, cand.q), (cand.P, D, cand.Q, sp if sp > 1 else 0)
        trend = "c" if cand.constant else "n"
        start = None if method == "ml" else (cand.params, cand.converged)
        try:
            results, converged = estimate(y, X, order, seasonal_order, trend, method, maxiter, start)
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
        return ARIMAFit(
            order, seasonal_order, trend, method, results_aicc(results), converged, results, indices, len(candidates)
        )
    raise RuntimeError(f"{func}: no candidate model could be estimated (d={d}, D={D}, sp={sp}; last error: {error!r}).")
