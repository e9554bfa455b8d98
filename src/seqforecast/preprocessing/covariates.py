"""Row-preserving covariate transformers for forecasters whose rows are time steps.

:class:`CalendarFeatures` reads the calendar of a ``DatetimeIndex``/``PeriodIndex`` into covariate columns
on the same rows, so it can be the first step of a ``Pipeline`` in front of a forecaster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._utils.finite import format_positions
from .._utils.validation import DistinctOptions, check_param, options, validate_params

__all__ = ["CalendarFeatures", "CALENDAR_FEATURES"]


#: Calendar features: name -> (smallest value, largest value); the range fixes the one-hot columns.
CALENDAR_FEATURES = {
    "month": (1, 12),
    "quarter": (1, 4),
    "dayofweek": (0, 6),
    "dayofmonth": (1, 31),
    "dayofyear": (1, 366),
    "weekofyear": (1, 53),
    "hour": (0, 23),
    "minute": (0, 59),
}
_ENCODINGS = ("onehot", "cyclical", "ordinal")


def _calendar_value(stamps, feature):
    """Integer values of one calendar feature for a DatetimeIndex."""
    if feature == "weekofyear":
        return stamps.isocalendar()["week"].to_numpy(dtype=np.int64)
    renamed = {"dayofweek": "day_of_week", "dayofmonth": "day", "dayofyear": "day_of_year"}
    attribute = renamed.get(feature, feature)
    return np.asarray(getattr(stamps, attribute), dtype=np.int64)


class CalendarFeatures(TransformerMixin, BaseEstimator):
    """Calendar covariates (month, day of week, ...) read from the time index of a DataFrame.

    Row-preserving: one output row per input row, on the same index, so it can be the first step of a
    ``Pipeline`` in front of a forecaster whose rows are time steps (``pd.DataFrame(index=y.index)`` is a
    valid ``X``: the values are never read, only the index). The output holds the calendar columns only;
    to keep ``X``'s own columns beside them use ``FeatureUnion([("calendar", CalendarFeatures()),
    ("keep", "passthrough")])``.

    Parameters
    ----------
    features : tuple of str, default=("month", "dayofweek")
        Which calendar fields, from ``CALENDAR_FEATURES``: "month" (1-12), "quarter" (1-4), "dayofweek"
        (0=Monday-6), "dayofmonth" (1-31), "dayofyear" (1-366), "weekofyear" (ISO week, 1-53), "hour" (0-23),
        "minute" (0-59).
    encoding : {"onehot", "cyclical", "ordinal"}, default="onehot"
        ``"onehot"``: one 0/1 column per possible value over the feature's full range (``month_1`` ...
        ``month_12``), so the columns never depend on which values a given ``X`` holds. ``"cyclical"``:
        ``<feature>_sin`` and ``<feature>_cos`` of ``2 * pi * (value - first) / n_values``, so December sits
        next to January. ``"ordinal"``: the value itself, one column per feature.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns of ``X`` in ``fit`` (may be 0; the columns are not used).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of ``X`` in ``fit``, when they are all strings.

    Notes
    -----
    A ``PeriodIndex`` is read at the start of each period (``index.to_timestamp(how="start")``), so the
    period ``2020-01`` has ``dayofmonth`` 1. Fields finer than the data's frequency are constant (e.g.
    ``hour`` of monthly data is 0).

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame(index=pd.period_range("2021-11", periods=3, freq="M"))
    >>> calendar = CalendarFeatures(features=("month",), encoding="ordinal").set_output(transform="pandas")
    >>> calendar.fit_transform(X)
             month
    2021-11   11.0
    2021-12   12.0
    2022-01    1.0
    """

    _parameter_constraints = {
        "features": [DistinctOptions(CALENDAR_FEATURES)],
        "encoding": [options(_ENCODINGS)],
    }

    def __init__(self, features=("month", "dayofweek"), encoding="onehot"):
        self.features = features
        self.encoding = encoding

    def _check_params(self):
        """Check the parameters (again after ``set_params``); return the features as a tuple."""
        if isinstance(self.features, str):  # features=("month") is the string "month": say how to fix it
            check_param(
                self.features,
                "features",
                self._parameter_constraints["features"],
                type(self).__name__,
                hint=f"Did you mean features=({self.features!r},)?",
            )
        validate_params(self)
        return tuple(self.features)

    def _time_index(self, X):
        name = type(self).__name__
        if not isinstance(X, (pd.DataFrame, pd.Series)):
            raise TypeError(
                f"{name} reads the calendar from the index of a pandas DataFrame or Series; got "
                f"{type(X).__name__}. Pass e.g. pd.DataFrame(index=y.index) for a series y with a time index."
            )
        index = X.index
        if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
            raise ValueError(
                f"{name} needs a DatetimeIndex or PeriodIndex to read calendar features from; got a "
                f"{type(index).__name__}, which has no calendar. Give X a time index, e.g. "
                "X.index = pd.period_range('2020-01', periods=len(X), freq='M'), or build X as "
                "pd.DataFrame(index=y.index) from a series y that has one."
            )
        if index.hasnans:
            rows = np.flatnonzero(index.isna())
            raise ValueError(f"{name}: X's index has NaT at row(s) {format_positions(rows)}; every row needs a date.")
        return index.to_timestamp(how="start") if isinstance(index, pd.PeriodIndex) else index

    def fit(self, X, y=None):
        """Check the parameters and that ``X`` has a time index.

        Parameters
        ----------
        X : DataFrame of shape (n_timesteps, n_features) or Series of shape (n_timesteps,)
            Only the index (a DatetimeIndex or PeriodIndex) is read; ``n_features`` may be 0.
        y : None
            Ignored.

        Returns
        -------
        self : CalendarFeatures
        """
        self._check_params()
        self._time_index(X)
        columns = X.columns if isinstance(X, pd.DataFrame) else pd.Index([X.name])
        self.n_features_in_ = len(columns)
        if len(columns) and all(isinstance(c, str) for c in columns):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        return self

    def transform(self, X):
        """Return the calendar columns of ``X``'s index, one row per row of ``X``.

        Parameters
        ----------
        X : DataFrame or Series with a DatetimeIndex or PeriodIndex
            Any columns; only the index is read.

        Returns
        -------
        calendar : ndarray of shape (n_timesteps, n_features_out), dtype float64
            Columns named by ``get_feature_names_out()``.
        """
        check_is_fitted(self)
        stamps = self._time_index(X)
        blocks = []
        for feature in self._check_params():
            first, last = CALENDAR_FEATURES[feature]
            value = _calendar_value(stamps, feature)
            if self.encoding == "onehot":
                # [T] vs [V] -> [T, V]
                blocks.append((value[:, None] == np.arange(first, last + 1)[None, :]).astype(np.float64))
            elif self.encoding == "cyclical":
                angle = 2.0 * np.pi * (value - first) / (last - first + 1)
                blocks.append(np.column_stack([np.sin(angle), np.cos(angle)]))  # [T] -> [T, 2]
            else:
                blocks.append(value.astype(np.float64)[:, None])  # [T] -> [T, 1]
        return np.hstack(blocks)

    def get_feature_names_out(self, input_features=None):
        """Names of the calendar columns; they depend only on ``features`` and ``encoding``.

        Parameters
        ----------
        input_features : ignored
            The input columns are not used; accepted for scikit-learn compatibility.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        names = []
        for feature in self._check_params():
            first, last = CALENDAR_FEATURES[feature]
            if self.encoding == "onehot":
                names += [f"{feature}_{v}" for v in range(first, last + 1)]
            elif self.encoding == "cyclical":
                names += [f"{feature}_sin", f"{feature}_cos"]
            else:
                names.append(feature)
        return np.asarray(names, dtype=object)
