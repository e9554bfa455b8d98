"""ThetaForecaster: M4's Theta benchmark, one fit per series, with the forecaster API."""

from __future__ import annotations

import numpy as np

from .._utils.validation import positive_int, validate_params
from ..base import PerSeriesForecaster
from . import _kernels

__all__ = ["ThetaForecaster"]


class ThetaForecaster(PerSeriesForecaster):
    """M4's Theta benchmark (the organisers' ``Theta.classic``), on the seasonally adjusted series.

    The series is seasonally adjusted as for :class:`~seqforecast.baselines.Naive2Forecaster`; the forecast
    is half the extrapolated least-squares trend line plus half the SES forecast of the "theta line"
    ``2 * y - line``, negative values set to 0, reseasonalised: SES with a drift of half the trend slope. See
    :func:`seqforecast.baselines._kernels.theta_forecast`; the published M4 Hourly and Weekly Theta scores
    are reproduced.

    statsmodels' ``ThetaModel`` implements Hyndman & Billah's variant (SES fitted to ``y`` itself, with a
    finite-sample drift correction and its own seasonality handling); its forecasts differ from M4's.

    The parameters are estimated on the training series: forecasting from a new ``y_context`` would need a
    refit, so it raises ``NotImplementedError``. Covariates are refused (an ``X`` with no columns is fine).

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

    _parameter_constraints = {"sp": [positive_int()]}

    def __init__(self, sp=1):
        self.sp = sp

    def _fit(self, Y, X):
        self._check_no_covariates(X)
        validate_params(self)
        self.fits_ = self._each_series(lambda y, x: _kernels.theta_fit(y, self.sp), Y)
        self.alpha_ = np.array([fit.alpha for fit in self.fits_])
        self.slope_ = np.array([fit.slope for fit in self.fits_])
        self.seasonal_ = np.array([fit.seasonal_indices is not None for fit in self.fits_])
        return self

    def _predict(self, horizon, Y, X, X_future):
        self._require_training_history(Y)
        return self._stack([_kernels.theta_predict(fit, horizon) for fit in self.fits_])
