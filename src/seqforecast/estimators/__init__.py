"""Strict scikit-learn sequence estimators: :class:`RNNRegressor` and :class:`RNNClassifier`."""

from ._training import resolve_device, tail_split
from .classifier import RNNClassifier
from .regressor import RNNRegressor

__all__ = ["RNNRegressor", "RNNClassifier", "resolve_device", "tail_split"]
