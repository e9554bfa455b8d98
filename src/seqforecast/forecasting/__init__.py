"""Forecasters that train a regressor on windows of the series and forecast many steps ahead, and
:class:`AutoRNNForecaster`, which configures itself from the data."""

from .ensemble import EnsembleForecaster
from .window import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster
from .auto import AutoRNNForecaster

__all__ = ["AutoRNNForecaster", "RecursiveForecaster", "DirectForecaster", "Seq2SeqForecaster", "EnsembleForecaster"]
