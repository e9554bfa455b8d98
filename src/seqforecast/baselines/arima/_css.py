"""Conditional sum of squares (CSS): the fast estimator of a SARMA model inside the order search, and the
start values of ``method="css-ml"``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import lfilter
from statsmodels.tsa.statespace.tools import constrain_stationary_univariate

from ._common import MIN_ROOT, corrected_aic

__all__ = ["Candidate", "css", "min_root"]

_ONE = np.ones(1)


def seasonal_poly(coefs: np.ndarray, sp: int, sign: float) -> np.ndarray:
    """Coefficients of ``1 + sign * (c_1 L^sp + c_2 L^2sp + ...)`` in powers of L."""
    poly = np.zeros(len(coefs) * sp + 1)
    poly[0] = 1.0
    poly[sp::sp] = sign * coefs
    return poly


def min_root(coefs: np.ndarray, sign: float, sp: int = 1) -> float:
    """Smallest root modulus of ``1 + sign * sum c_i z^(i sp)`` (inf when there is no root)."""
    nonzero = np.flatnonzero(np.abs(coefs) > 1e-8)
    if nonzero.size == 0:
        return math.inf
    poly = np.r_[1.0, sign * coefs[: nonzero[-1] + 1]]
    roots = np.roots(poly[::-1])  # np.roots wants the highest power first
    # a root x of the polynomial in z^sp gives sp roots of modulus |x|^(1/sp)
    return float(np.min(np.abs(roots)) ** (1.0 / sp))


@dataclass(frozen=True)
class Candidate:
    """One model of the search: its orders, whether it has a constant, CSS estimates and their AICc."""

    p: int
    q: int
    P: int
    Q: int
    constant: bool
    params: np.ndarray  # SARIMAX order: [c], beta, ar, ma, seasonal ar, seasonal ma (no sigma2)
    aicc: float
    converged: bool


def split(z: np.ndarray, n_reg: int, p: int, q: int, P: int, Q: int):
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


def css(w, Xw, p, q, P, Q, sp, constant, n0) -> Candidate:
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
        reg, phi, theta, Phi, Theta = split(z, n_reg, p, q, P, Q)
        v = w - design @ reg if n_reg else w
        ar_nonseasonal[1:], ma_nonseasonal[1:] = -phi, theta
        ar[:] = np.convolve(ar_nonseasonal, seasonal_poly(Phi, sp, -1.0))
        ma[:] = np.convolve(ma_nonseasonal, seasonal_poly(Theta, sp, 1.0))
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
    if z0.shape[0] > w.shape[0] - n0:  # more parameters than residuals: no estimate, no AICc
        return Candidate(p, q, P, Q, constant, z0, math.inf, False)
    if z0.shape[0] and p + q + P + Q:
        solution = least_squares(residuals, z0, jac=jacobian, method="lm")
        z, converged = solution.x, solution.status > 0
    else:  # no ARMA part: the least-squares regression is the CSS estimate
        z = z0
    e = residuals(z)
    n_eff = e.shape[0]
    sigma2 = max(float(e @ e) / n_eff, 1e-300)
    loglik = -0.5 * n_eff * (math.log(2.0 * math.pi * sigma2) + 1.0)
    reg, phi, theta, Phi, Theta = split(z, n_reg, p, q, P, Q)
    aicc = corrected_aic(loglik, n_eff, n_reg + p + q + P + Q + 1)
    smallest_root = min(min_root(phi, -1.0), min_root(theta, 1.0), min_root(Phi, -1.0, sp), min_root(Theta, 1.0, sp))
    if smallest_root < MIN_ROOT or sigma2 >= 1e100:
        aicc = math.inf  # near a unit root: rejected, as R's auto.arima does
    reg = reg.copy()
    if constant:  # SARIMAX's intercept c = mu * phi(1) * Phi(1)
        reg[0] *= (1.0 - phi.sum()) * (1.0 - Phi.sum())
    return Candidate(p, q, P, Q, constant, np.r_[reg, phi, theta, Phi, Theta], aicc, converged)
