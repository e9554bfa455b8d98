"""Forecasters that train a regressor on windows of the series and forecast many steps ahead,
:class:`AutoRNNForecaster`, which configures itself from the data, and the meta-forecasters
:class:`EnsembleForecaster` and :class:`ConformalForecaster` (calibrated intervals for any forecaster)."""

from .auto import AutoRNNForecaster
from .conformal import ConformalForecaster
from .ensemble import EnsembleForecaster
from .window import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster

__all__ = [
    "AutoRNNForecaster",
    "RecursiveForecaster",
    "DirectForecaster",
    "Seq2SeqForecaster",
    "EnsembleForecaster",
    "ConformalForecaster",
]
