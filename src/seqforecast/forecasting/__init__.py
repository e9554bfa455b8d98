"""Forecasters that train a regressor on windows of the series and forecast many steps ahead."""

from .ensemble import EnsembleForecaster
from .window import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster

__all__ = ["RecursiveForecaster", "DirectForecaster", "Seq2SeqForecaster", "EnsembleForecaster"]
