"""Forecasters that train a regressor on windows of the series and forecast many steps ahead, and
:class:`AutoRNNForecaster`, which configures itself from the data."""

from .auto import AutoRNNForecaster
from .ensemble import EnsembleForecaster
from .window import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster

__all__ = ["AutoRNNForecaster", "RecursiveForecaster", "DirectForecaster", "Seq2SeqForecaster", "EnsembleForecaster"]
