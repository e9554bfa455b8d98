"""Seasonal ARIMA: the order search and the estimation kernel, and :class:`ARIMAForecaster`."""

from ._kernel import ARIMAFit, auto_arima, fit_arima, ndiffs, nsdiffs, seasonal_strength
from .forecaster import ARIMAForecaster

__all__ = ["ARIMAForecaster", "ARIMAFit", "auto_arima", "fit_arima", "ndiffs", "nsdiffs", "seasonal_strength"]
