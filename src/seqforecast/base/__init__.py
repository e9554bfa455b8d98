"""The forecaster contract: :class:`BaseForecaster` (rows are time steps), the per-series base class of local
models, and the error that names a series."""

from .forecaster import BaseForecaster
from .per_series import PerSeriesForecaster, first_observations
from .series_errors import SeriesError, warn_series

__all__ = ["BaseForecaster", "PerSeriesForecaster", "SeriesError", "first_observations", "warn_series"]
