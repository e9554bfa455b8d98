"""The forecaster base class: scikit-learn estimators whose rows are time steps.

Contract for subclasses
-----------------------
The public methods (:meth:`BaseForecaster.fit`, :meth:`~BaseForecaster.predict`,
:meth:`~BaseForecaster.forecast`, :meth:`~BaseForecaster.predict_interval`) do all the pandas work:
validating ``y`` and the covariates ``X``, resolving the frequency, aligning rows, making the future index
and putting the names back. A subclass implements two private methods on plain numpy arrays:

``_fit(self, Y, X) -> self``
    ``Y`` : float ndarray of shape (n_timesteps, n_series), finite except for *leading* NaN in a column
    (a series that starts later). ``X`` : float ndarray of shape (n_timesteps, n_covariates) of known-ahead
    covariates aligned with ``Y``, or None. Sets fitted attributes ending in ``_``. ``self.time_index_``
    (a :class:`~seqforecast._utils.time_index.TimeIndex`: the index's kind, frequency and cutoff) is
    already set when ``_fit`` runs.

``_predict(self, horizon, Y, X, X_future) -> ndarray of shape (horizon, n_series)``
    Forecast the ``horizon`` steps after the end of the history ``Y`` (with covariates ``X``), given the
    covariates of those steps ``X_future`` (shape (horizon, n_covariates), or None). The history is the
    training data, or a new context given to :meth:`forecast` (``y_context=``): a model that can forecast
    from a new history without refitting uses it; one that cannot raises ``NotImplementedError``.

Optionally ``_predict_interval(self, horizon, Y, X, X_future, coverage) -> (lower, upper)``, each of
shape (horizon, n_series), for models that give prediction intervals.

A problem with one series is raised from these methods as a :class:`~seqforecast.base.SeriesError` with
the column position (warnings: :func:`~seqforecast.base.warn_series`); the public methods name the class and
the series in the message (``"ThetaForecaster (series 'b'): ..."``). Local models loop over the series with
:class:`~seqforecast.base.PerSeriesForecaster`, which does this for them.

``fit`` runs ``_fit`` on a fresh clone and moves the fitted state onto ``self`` only when it succeeds, so a
failed fit leaves a previously fitted forecaster exactly as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._utils.time_index import check_time_index
from .._utils.validation import check_int, check_real
from .series_errors import naming_series

__all__ = ["BaseForecaster"]


def _as_frame(y, *, what: str) -> tuple[pd.DataFrame, bool]:
    """A Series or DataFrame target as a float DataFrame, and whether it was a Series."""
    if isinstance(y, pd.Series):
        frame, is_series = y.to_frame(name=0 if y.name is None else y.name), True
    elif isinstance(y, pd.DataFrame):
        frame, is_series = y, False
    else:
        raise TypeError(
            f"{what} must be a pandas Series (one series) or DataFrame (one column per series), got "
            f"{type(y).__name__}. Wrap a numpy array as pd.Series(values) (a RangeIndex is fine)."
        )
    if frame.shape[1] == 0:
        raise ValueError(f"{what} has no columns; pass at least one series.")
    if not frame.columns.is_unique:
        dup = list(frame.columns[frame.columns.duplicated()][:3])
        raise ValueError(f"{what} has duplicated column names {dup}; each series needs its own name.")
    for col in frame.columns:
        dtype = frame[col].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            raise TypeError(
                f"{what} must hold numbers; column {col!r} has dtype {dtype}. Convert it, e.g. "
                f"pd.to_numeric(y, errors='raise') or y.astype(float)."
            )
        if pd.api.types.is_complex_dtype(dtype):
            raise TypeError(
                f"{what} must hold real numbers; column {col!r} is complex. Pass the real part (y.real), or "
                f"the real and imaginary parts as two series."
            )
    return frame.astype("float64"), is_series


def _check_values(values: np.ndarray, columns, *, what: str) -> None:
    """Finite values, NaN allowed only before each column's first observation."""
    if np.isinf(values).any():
        rows, cols = np.nonzero(np.isinf(values))
        raise ValueError(
            f"{what} contains {len(rows)} infinite value(s) (first in series {columns[cols[0]]!r} at "
            f"position {rows[0]}); remove or replace them before fitting."
        )
    nan = np.isnan(values)
    if not nan.any():
        return
    started = np.cumsum(~nan, axis=0) > 0  # True from each column's first observation on
    inside = nan & started
    empty = ~started[-1] if len(values) else np.ones(values.shape[1], bool)
    if empty.any():
        raise ValueError(
            f"{what} has {int(empty.sum())} series with no observation at all "
            f"({[columns[i] for i in np.flatnonzero(empty)[:3]]}); drop them, e.g. y.dropna(axis=1, how='all')."
        )
    if inside.any():
        col = int(np.flatnonzero(inside.any(axis=0))[0])
        where = np.flatnonzero(inside[:, col])
        raise ValueError(
            f"{what} has {int(inside.sum())} missing value(s) after the start of a series (series "
            f"{columns[col]!r}, positions {where[:5].tolist()}). Only leading NaN (a series that starts "
            f"later) is allowed; fill the gaps explicitly first, e.g. y.interpolate() or y.ffill()."
        )


def _labels(index: pd.Index) -> str:
    """A short description of an index for messages: its length and first and last labels."""
    if len(index) == 0:
        return "empty (0 rows)"
    if len(index) == 1:
        return f"[{index[0]}] (1 row)"
    return f"[{index[0]} ... {index[-1]}] ({len(index)} rows, {type(index).__name__})"


class BaseForecaster(RegressorMixin, BaseEstimator):
    """Base class of every seqforecast forecaster (see the module docstring for the subclass contract).

    Rows are time steps: ``fit(X, y)`` learns from the series ``y`` (a Series, or a DataFrame with one
    column per series) and the known-ahead covariates ``X`` (a DataFrame on ``y``'s index, possibly with no
    columns, a 2-D array with one row per row of ``y``, or None); ``predict(X)`` forecasts the rows of
    ``X``, whose index says which future steps they are. So scikit-learn's ``TimeSeriesSplit``,
    ``cross_validate``, ``GridSearchCV`` and ``Pipeline`` work on forecasters unchanged.
    """

    # ---------------------------------------------------------------------------------------- fit
    def fit(self, X, y):
        """Fit the forecaster to the series ``y``.

        Parameters
        ----------
        X : DataFrame of shape (n_timesteps, n_covariates), array-like, or None
            Covariates known ahead (e.g. calendar features), one row per row of ``y``. A DataFrame must
            have exactly ``y``'s index; it may have no columns (then it only carries the index).
        y : Series of shape (n_timesteps,) or DataFrame of shape (n_timesteps, n_series)
            The target(s). Several columns train one global model over all series; a series that starts
            later has leading NaN. NaN after a series' start is an error.

        Returns
        -------
        self
        """
        frame, is_series = _as_frame(y, what="y")
        time_index = check_time_index(frame.index, what="y")
        Y = frame.to_numpy(dtype=np.float64)
        _check_values(Y, list(frame.columns), what="y")
        covariates, names = self._check_covariates(X, frame.index, is_fit=True)

        fitted = clone(self)
        fitted.time_index_ = time_index  # the index's kind and frequency, for models that read them in _fit
        with naming_series(type(self).__name__, list(frame.columns)):
            fitted._fit(Y, covariates)
        # commit: the previous fitted state (if any) is replaced only now that the fit has succeeded
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, key)
        for key, value in vars(fitted).items():
            if key.endswith("_") and not key.startswith("__"):
                setattr(self, key, value)
        self.time_index_ = time_index
        self.y_train_ = frame.iloc[:, 0].rename(y.name) if is_series else frame
        self.X_train_ = None if covariates is None else pd.DataFrame(covariates, index=frame.index, columns=names)
        self.n_series_ = frame.shape[1]
        self.n_features_in_ = 0 if covariates is None else covariates.shape[1]
        if names is not None and all(isinstance(n, str) for n in names):
            self.feature_names_in_ = np.asarray(names, dtype=object)
        return self

    def _check_covariates(self, X, index: pd.Index, *, is_fit: bool, what: str = "X"):
        """Covariates as a float array aligned with ``index`` (or None), and their column names."""
        if X is None:
            return None, None
        if isinstance(X, pd.Series):
            X = X.to_frame()
        if isinstance(X, pd.DataFrame):
            if is_fit and not X.index.equals(index):
                raise ValueError(
                    f"The covariates X must have exactly y's index (same labels, same order); their "
                    f"indexes differ (X: {len(X)} rows from {X.index[:1].tolist()}, y: {len(index)} rows "
                    f"from {index[:1].tolist()}). Build X on y.index, e.g. X.reindex(y.index) after "
                    f"checking nothing is missing."
                )
            names = list(X.columns)
            values = X.to_numpy()
        else:
            values = np.asarray(X)
            if values.ndim == 1:
                values = values.reshape(-1, 1)  # [n] -> [n, 1]
            if values.ndim != 2:
                raise ValueError(
                    f"The covariates X must be 2-D (n_timesteps, n_covariates), got {values.ndim}-D "
                    f"with shape {values.shape}."
                )
            if len(values) != len(index):
                raise ValueError(
                    f"X has {len(values)} rows but y has {len(index)}; the covariates need one row per time step of y."
                )
            names = None
        if values.shape[1] == 0:
            return None, names
        if values.dtype == bool or not np.issubdtype(values.dtype, np.number):
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    f"The covariates X must be numeric; got dtype {values.dtype}. Encode categories "
                    f"first (e.g. with CalendarFeatures or OneHotEncoder)."
                ) from None
        values = values.astype(np.float64)
        if not np.isfinite(values).all():
            bad = ~np.isfinite(values)
            raise ValueError(
                f"The covariates {what} contain {int(bad.sum())} NaN or infinite value(s) (first at row "
                f"{int(np.nonzero(bad)[0][0])}); covariates must be known for every row. Fill them explicitly "
                f"(e.g. X.ffill()) or drop the covariate."
            )
        return values, names

    # ------------------------------------------------------------------------------------ predict
    def predict(self, X):
        """Forecast the rows of ``X``.

        Parameters
        ----------
        X : DataFrame of shape (n_rows, n_covariates), or array-like
            A DataFrame's index says which time steps to forecast (labels after the end of training, on
            its frequency; steps past a gap are forecast through it); its columns are the covariates of
            those steps (none when the model has none). A numpy array means the ``n_rows`` steps right
            after the end of training.

        Returns
        -------
        y_pred : Series of shape (n_rows,) or DataFrame of shape (n_rows, n_series)
            On ``X``'s index (or the future index for an array), with ``y``'s name or columns.
        """
        check_is_fitted(self)
        index, steps, X_future = self._resolve_rows(X)
        horizon = int(steps.max()) if len(steps) else 0
        if horizon == 0:
            return self._wrap(np.zeros((0, self.n_series_)), index)
        Y, Xh = self._history()
        values = self._checked_predict(horizon, Y, Xh, X_future)
        return self._wrap(values[steps - 1], index)

    def forecast(self, steps, X=None, *, y_context=None, X_context=None, coverage=None):
        """Forecast the next ``steps`` time steps after the end of the training data (or of ``y_context``).

        Parameters
        ----------
        steps : int
            The horizon, >= 1.
        X : DataFrame or array-like of shape (steps, n_covariates), optional
            Covariates of the forecast steps; required when the model was fitted with covariates.
        y_context : Series or DataFrame, optional
            A new history to forecast from, without refitting (same columns and index kind as ``y``).
        X_context : DataFrame or array-like, optional
            The covariates of ``y_context``'s rows, when the model uses covariates.
        coverage : float in (0, 1), optional
            If given, also return prediction intervals of this coverage as extra columns
            ``<name>_lower`` and ``<name>_upper`` (for models that give them).

        Returns
        -------
        Series or DataFrame on the future index.
        """
        check_is_fitted(self)
        steps = check_int(
            steps,
            "steps",
            f"{type(self).__name__}.forecast",
            hint="steps is the forecast horizon: the number of steps to forecast, e.g. forecast(12).",
        )
        Y, Xh, time_index = self._context(y_context, X_context)
        index = time_index.future(steps)
        X_future, _ = self._check_covariates(X, index, is_fit=False)
        if X_future is not None and len(X_future) != steps:
            raise ValueError(f"X has {len(X_future)} rows but steps={steps}; give one row per forecast step.")
        if isinstance(X, (pd.DataFrame, pd.Series)) and not X.index.equals(index):
            # the rows of a DataFrame are its labels: covariates on other steps must not be used silently
            raise ValueError(
                f"{type(self).__name__}.forecast({steps}): the index of X must be the forecast steps "
                f"{_labels(index)}; X's index is {_labels(X.index)}. Build X on those labels, use predict(X) "
                f"to forecast the rows X's index names, or pass X.to_numpy() to mean the next steps in order."
            )
        X_future = self._require_future_covariates(X_future, np.arange(1, steps + 1), index)
        values = self._checked_predict(steps, Y, Xh, X_future)
        point = self._wrap(values, index)
        if coverage is None:
            return point
        lower, upper = self._interval(steps, Y, Xh, X_future, coverage, "forecast")
        return self._with_interval(point, lower, upper)

    def predict_interval(self, X, coverage=0.9):
        """Prediction intervals for the rows of ``X`` (see :meth:`predict`).

        Returns
        -------
        DataFrame with columns ``lower`` and ``upper`` (one series), or a column MultiIndex
        ``(series, lower|upper)`` (several series), on ``X``'s index.
        """
        check_is_fitted(self)
        index, steps, X_future = self._resolve_rows(X)
        Y, Xh = self._history()
        lower, upper = self._interval(int(steps.max()), Y, Xh, X_future, coverage, "predict_interval")
        lower, upper = lower[steps - 1], upper[steps - 1]
        if isinstance(self.y_train_, pd.Series):
            return pd.DataFrame({"lower": lower[:, 0], "upper": upper[:, 0]}, index=index)
        columns = pd.MultiIndex.from_product([self.y_train_.columns, ["lower", "upper"]])
        data = np.stack([lower, upper], axis=2).reshape(len(index), -1)  # [n, S, 2] -> [n, S*2]
        return pd.DataFrame(data, index=index, columns=columns)

    def training_history(self):
        """The training curve of the fitted model's net (a list of dicts per epoch), or None for models that
        are not trained by epochs.

        This base implementation returns None; forecasters with nets override it.
        """
        return None

    # ----------------------------------------------------------------------------------- helpers
    def _resolve_rows(self, X):
        """Index of the rows to forecast, their steps after the cutoff, and the future covariates."""
        if X is None:
            raise ValueError(
                f"{type(self).__name__}.predict needs X: a DataFrame whose index holds the time steps to "
                f"forecast (it may have no columns), or use forecast(steps) for the next steps."
            )
        if isinstance(X, (pd.DataFrame, pd.Series)):
            index = X.index
            steps = self.time_index_.steps_ahead(index, what="X")
        else:
            n_rows = len(np.asarray(X)) if np.ndim(X) else 0
            index = self.time_index_.future(n_rows)
            steps = np.arange(1, n_rows + 1)
            X = np.asarray(X)
        if len(steps) and steps.min() < 1:
            first = index[int(np.argmin(steps))]
            raise ValueError(
                f"{type(self).__name__} forecasts time steps after the end of training "
                f"({self.time_index_.cutoff}); X has {int((steps < 1).sum())} row(s) at or before it "
                f"(first: {first}). In-sample prediction is not defined: give only future rows."
            )
        given, names = self._check_covariates(X, index, is_fit=False)
        self._check_covariate_names(given, names)
        if given is None:
            return index, steps, self._require_future_covariates(None, steps, index)
        # place the given rows on the grid of steps 1..max(steps); steps not given stay NaN
        horizon = int(steps.max())
        X_future = np.full((horizon, given.shape[1]), np.nan)
        X_future[steps - 1] = given
        return index, steps, self._require_future_covariates(X_future, steps, index)

    def _check_covariate_names(self, values, names):
        n_given = 0 if values is None else values.shape[1]
        if n_given != self.n_features_in_:
            raise ValueError(
                f"X has {n_given} covariate column(s), but {type(self).__name__} was fitted with "
                f"{self.n_features_in_}. Pass the same covariates at fit and predict time."
            )
        fitted_names = getattr(self, "feature_names_in_", None)
        if fitted_names is not None and names is not None and list(names) != list(fitted_names):
            raise ValueError(
                f"The covariate columns of X are {list(names)}, but {type(self).__name__} was fitted "
                f"with {list(fitted_names)}. Pass the same columns in the same order."
            )

    def _require_future_covariates(self, X_future, steps, index):
        """Future covariates must cover every step from the cutoff to the last row asked for."""
        if self.n_features_in_ == 0:
            return None
        horizon = int(np.max(steps)) if len(steps) else 0
        if X_future is None:
            missing = np.arange(1, horizon + 1)
        else:
            missing = np.flatnonzero(np.isnan(X_future).any(axis=1)) + 1
        if len(missing):
            labels = list(self.time_index_.future(horizon)[missing[:3] - 1])
            raise ValueError(
                f"{type(self).__name__} was fitted with {self.n_features_in_} covariate(s), which are "
                f"needed for every step from the end of training to the last row asked for; "
                f"{len(missing)} step(s) have none (first: {labels}). Give X rows for those steps too."
            )
        return X_future

    def _history(self):
        Y = np.asarray(self.y_train_, dtype=np.float64).reshape(len(self.y_train_), -1)  # [n] -> [n, S]
        Xh = None if self.X_train_ is None else self.X_train_.to_numpy()
        return Y, Xh

    def _context(self, y_context, X_context):
        if y_context is None:
            if X_context is not None:
                raise ValueError("X_context was given without y_context; give both or neither.")
            return (*self._history(), self.time_index_)
        frame, is_series = _as_frame(y_context, what="y_context")
        fitted_series = isinstance(self.y_train_, pd.Series)
        expected = [self.y_train_.name] if fitted_series else list(self.y_train_.columns)
        if is_series != fitted_series or (not is_series and list(frame.columns) != expected):
            how = "a Series" if fitted_series else "a DataFrame with these columns, in this order"
            raise ValueError(
                f"y_context must have the same series as y at fit time ({expected}), got "
                f"{list(frame.columns)}. Pass {how}."
            )
        time_index = check_time_index(frame.index, what="y_context")
        if time_index.kind != self.time_index_.kind:
            raise TypeError(
                f"y_context has a {type(frame.index).__name__}, but the forecaster was fitted on a "
                f"{type(self.y_train_.index).__name__}; use the same kind of index."
            )
        Y = frame.to_numpy(dtype=np.float64)
        _check_values(Y, list(frame.columns), what="y_context")
        Xc, names = self._check_covariates(X_context, frame.index, is_fit=True, what="X_context")
        self._check_covariate_names(Xc, names)
        return Y, Xc, time_index

    def _series_names(self) -> list:
        """The names of the fitted series, in column order."""
        return [self.y_train_.name] if isinstance(self.y_train_, pd.Series) else list(self.y_train_.columns)

    def _checked_predict(self, horizon, Y, X, X_future):
        # called by predict and forecast: the user's call is 2 frames up
        with naming_series(type(self).__name__, self._series_names(), caller_depth=2):
            values = np.asarray(self._predict(horizon, Y, X, X_future), dtype=np.float64)
        expected = (horizon, Y.shape[1])
        if values.shape != expected:  # a bug in a subclass, not a user error
            raise RuntimeError(f"{type(self).__name__}._predict returned shape {values.shape}, expected {expected}.")
        bad = ~np.isfinite(values)
        if bad.any():  # never hand back NaN silently: finite history in, finite forecasts out, or an error
            step, col = (int(i) for i in np.argwhere(bad)[0])
            names = self._series_names()
            largest = float(np.nanmax(np.abs(Y))) if np.isfinite(Y).any() else 0.0
            fix = (
                f"Rescale y to values of order 1 (e.g. divide it by {largest:.0e} and multiply the forecasts "
                f"back) and refit."
                if largest >= 1e6
                else "Check the estimator and its settings."
            )
            raise ValueError(
                f"{type(self).__name__} produced {int(bad.sum())} NaN or infinite forecast value(s) (first at "
                f"step {step + 1} of series {names[col]!r}) from a finite history whose largest |value| is "
                f"{largest:.3g}: the arithmetic overflowed or the model diverged. {fix}"
            )
        return values

    def _interval(self, horizon, Y, X, X_future, coverage, caller):
        coverage = check_real(
            coverage,
            "coverage",
            f"{type(self).__name__}.{caller}",
            low=0,
            high=1,
            closed="neither",
            hint="coverage is the probability of the interval, e.g. 0.9.",
        )
        method = getattr(self, "_predict_interval", None)
        if method is None:
            raise NotImplementedError(
                f"{type(self).__name__} does not give prediction intervals; call it without coverage, or use "
                f"a model that gives them (ETSForecaster, ARIMAForecaster)."
            )
        # called by forecast and predict_interval: the user's call is 2 frames up
        with naming_series(type(self).__name__, self._series_names(), caller_depth=2):
            lower, upper = method(horizon, Y, X, X_future, coverage)
        return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)

    def _wrap(self, values, index):
        if isinstance(self.y_train_, pd.Series):
            return pd.Series(values[:, 0], index=index, name=self.y_train_.name)
        return pd.DataFrame(values, index=index, columns=self.y_train_.columns)

    @staticmethod
    def _with_interval(point, lower, upper):
        frame = point.to_frame() if isinstance(point, pd.Series) else point.copy()
        names = list(frame.columns)
        for j, name in enumerate(names):
            label = "y" if name is None else name
            frame[f"{label}_lower"] = lower[:, j]
            frame[f"{label}_upper"] = upper[:, j]
        return frame

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.allow_nan = False
        return tags
