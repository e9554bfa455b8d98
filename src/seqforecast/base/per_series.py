"""Local models: :class:`PerSeriesForecaster`, the base of forecasters that treat each series on its own."""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import ConvergenceWarning
from .forecaster import BaseForecaster
from .series_errors import SeriesError, warn_series

__all__ = ["PerSeriesForecaster", "first_observations"]


def first_observations(Y: np.ndarray) -> np.ndarray:
    """Row of each column's first observation, shape (n_series,).

    :meth:`BaseForecaster.fit` refuses NaN after a series' start and series without any observation, so
    ``Y[first[j]:, j]`` is the complete series ``j``.
    """
    return np.argmax(~np.isnan(Y), axis=0)


class PerSeriesForecaster(BaseForecaster):
    """Base class of local models: one model, or one rule, per series (column of ``Y``).

    A subclass implements ``_fit`` and ``_predict`` (see :class:`BaseForecaster`) by looping over the series
    with :meth:`_each_series`, which hands a function each series without its leading NaN, with the rows of
    the covariates it covers, and reports what goes wrong with one series under its name:

    * a ``ValueError`` (e.g. a kernel's "y needs at least 2 value(s)") becomes a
      :class:`~seqforecast.base.SeriesError` with the column position, which the public method re-raises
      as ``"ThetaForecaster (series 'b'): <message>"`` (``"ThetaForecaster: <message>"`` for one series);
      a ``RuntimeError`` (a numerical failure) likewise, re-raised as a ``RuntimeError``;
    * a :class:`~seqforecast.exceptions.ConvergenceWarning` is issued again in the same way; other warnings
      pass through unchanged.

    Helpers for the common cases: :meth:`_check_no_covariates` (models without regressors refuse an ``X``
    with columns rather than ignore it), :meth:`_is_training_history` and
    :meth:`_require_training_history` (models whose parameters were estimated on the training series).
    """

    def _each_series(self, func, Y: np.ndarray, X: np.ndarray | None = None, *per_series) -> list:
        """``[func(y_j, x_j, *(s[j] for s in per_series)) for each column j of Y]``.

        Parameters
        ----------
        func : callable
            Called on each series: ``y_j`` of shape (n_j,) is column ``j`` of ``Y`` from its first
            observation, ``x_j`` of shape (n_j, n_covariates) the rows of ``X`` it covers (None without ``X``).
        Y : ndarray of shape (n_timesteps, n_series)
        X : ndarray of shape (n_timesteps, n_covariates) or None
        *per_series : sequences of length n_series
            Further arguments, one per series (e.g. the fitted models).
        """
        first = first_observations(Y)
        results = []
        for j in range(Y.shape[1]):
            x = None if X is None else X[first[j] :]
            results.append(self._one_series(j, func, Y[first[j] :, j], x, *(s[j] for s in per_series)))
        return results

    @staticmethod
    def _one_series(j: int, func, *args):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            try:
                result = func(*args)
            except (SeriesError, NotImplementedError):
                raise
            except RuntimeError as exc:
                raise SeriesError(str(exc), j, kind=RuntimeError) from exc
            except ValueError as exc:
                raise SeriesError(str(exc), j) from exc
        for record in caught:
            if issubclass(record.category, ConvergenceWarning):
                warn_series(record.message, j, record.category)
            else:
                warnings.warn_explicit(record.message, record.category, record.filename, record.lineno)
        return result

    @staticmethod
    def _stack(columns) -> np.ndarray:
        """One forecast per series as the columns of an array: S x [H] -> [H, S]."""
        return np.column_stack(columns)

    def _check_no_covariates(self, X):
        if X is not None:
            raise ValueError(
                f"{type(self).__name__} does not use covariates, but X has {X.shape[1]} column(s). Pass X=None "
                "or a DataFrame with no columns (pd.DataFrame(index=y.index))."
            )

    def _is_training_history(self, Y: np.ndarray) -> bool:
        """Whether the history ``Y`` given to ``_predict`` is the training data (not a new ``y_context``)."""
        train = np.asarray(self.y_train_, dtype=np.float64).reshape(len(self.y_train_), -1)  # [n] -> [n, S]
        return np.array_equal(Y, train, equal_nan=True)

    def _require_training_history(self, Y: np.ndarray):
        """Models fitted per series forecast only from their training data, not from a new context."""
        if not self._is_training_history(Y):
            raise NotImplementedError(
                f"{type(self).__name__} cannot forecast from a new y_context without refitting: its parameters "
                f"were estimated on the training series. Fit it on the new history instead "
                f"(fit(None, y_context).forecast(steps))."
            )
