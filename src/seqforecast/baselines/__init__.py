"""Baseline forecasters with the forecaster API: naive rules, Theta, ETS and ARIMA."""

from .arima import ARIMAForecaster
from .naive import (
    ETSForecaster,
    Naive2Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
)

__all__ = ["NaiveForecaster", "SeasonalNaiveForecaster", "Naive2Forecaster", "ETSForecaster",
           "ThetaForecaster", "ARIMAForecaster"]
