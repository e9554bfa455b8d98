"""The forecaster contract: :class:`BaseForecaster` (rows are time steps), the per-series base class of local
models, the error that names a series, and the limits of a forecast (``MAX_FORECAST_STEPS`` steps ahead,
``MAX_FORECAST_VALUES`` values)."""

from ._inputs import MAX_FORECAST_STEPS, MAX_FORECAST_VALUES
from .forecaster import BaseForecaster
from .per_series import PerSeriesForecaster, first_observations
from .series_errors import SeriesError, warn_series

__all__ = [
    "MAX_FORECAST_STEPS",
    "MAX_FORECAST_VALUES",
    "BaseForecaster",
    "PerSeriesForecaster",
    "SeriesError",
    "first_observations",
    "warn_series",
]
