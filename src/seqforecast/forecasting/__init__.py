"""Forecasters that train a regressor on windows of the series and forecast many steps ahead."""

from .window import DirectForecaster, EnsembleForecaster, RecursiveForecaster, Seq2SeqForecaster

__all__ = ["RecursiveForecaster", "DirectForecaster", "Seq2SeqForecaster", "EnsembleForecaster"]
