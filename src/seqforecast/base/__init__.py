"""The forecaster contract: :class:`BaseForecaster` (rows are time steps) and the per-series loop."""

from .forecaster import BaseForecaster

__all__ = ["BaseForecaster"]
