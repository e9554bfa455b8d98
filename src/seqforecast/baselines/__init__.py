"""Baseline forecasters with the forecaster API: naive rules, Theta, ETS and ARIMA.

Each is a :class:`~seqforecast.base.PerSeriesForecaster`: one rule or model per series. The modules:
``naive`` (naive, seasonal naive, M4's Naive2), ``theta``, ``ets``, ``arima``, and ``_kernels`` (the pure
numpy functions behind the rules and Theta, with M4's seasonal adjustment).
"""

from .arima import ARIMAForecaster
from .ets import ETSForecaster
from .naive import Naive2Forecaster, NaiveForecaster, SeasonalNaiveForecaster
from .theta import ThetaForecaster

__all__ = [
    "NaiveForecaster",
    "SeasonalNaiveForecaster",
    "Naive2Forecaster",
    "ETSForecaster",
    "ThetaForecaster",
    "ARIMAForecaster",
    "is_baseline",
]

_BASELINES = (
    NaiveForecaster,
    SeasonalNaiveForecaster,
    Naive2Forecaster,
    ETSForecaster,
    ThetaForecaster,
    ARIMAForecaster,
)


def is_baseline(forecaster) -> bool:
    """Whether ``forecaster`` is an instance of one of this package's baselines (the classes above, or a
    subclass of one).

    Examples
    --------
    >>> is_baseline(NaiveForecaster()), is_baseline(NaiveForecaster)
    (True, False)
    """
    return isinstance(forecaster, _BASELINES)
