"""Strict scikit-learn sequence estimators: :class:`RNNRegressor` and :class:`RNNClassifier`."""

from ._rnn import RNNClassifier, RNNRegressor, tail_split

__all__ = ["RNNRegressor", "RNNClassifier", "tail_split"]
