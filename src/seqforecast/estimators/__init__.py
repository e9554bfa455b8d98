"""Strict scikit-learn sequence estimators: :class:`RNNRegressor` and :class:`RNNClassifier`."""

from ._training import _GLOBAL_RNG_LOCK as GLOBAL_RNG_LOCK
from ._training import TimeLimit, resolve_device, tail_split
from .classifier import RNNClassifier
from .regressor import RNNRegressor

__all__ = ["RNNRegressor", "RNNClassifier", "TimeLimit", "GLOBAL_RNG_LOCK", "resolve_device", "tail_split"]
