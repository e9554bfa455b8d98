"""The forecaster base class: scikit-learn estimators whose rows are time steps.

Contract for subclasses
-----------------------
The public methods (:meth:`BaseForecaster.fit`, :meth:`~BaseForecaster.predict`,
:meth:`~BaseForecaster.forecast`, :meth:`~BaseForecaster.predict_interval`,
:meth:`~BaseForecaster.forecast_quantiles`) do all the pandas work:
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
shape (horizon, n_series), for models that give prediction intervals; :meth:`~BaseForecaster.forecast_quantiles`
reads quantiles from these intervals, unless the model has a quantile head of its own,
``_predict_quantiles(self, horizon, Y, X, X_future, quantiles) -> ndarray of shape (horizon, n_series,
n_quantiles)`` (``quantiles`` strictly increasing in (0, 1)). Models that draw sample paths have
``_predict_samples(self, horizon, Y, X, X_future, n_samples, rng) -> ndarray of shape (horizon, n_series,
n_samples)`` (``rng`` a ``numpy.random.Generator``), which :meth:`~BaseForecaster.forecast_samples` calls.

A problem with one series is raised from these methods as a :class:`~seqforecast.base.SeriesError` with
the column position (warnings: :func:`~seqforecast.base.warn_series`); the public methods name the class and
the series in the message (``"ThetaForecaster (series 'b'): ..."``). Local models loop over the series with
:class:`~seqforecast.base.PerSeriesForecaster`, which does this for them.

Optionally ``_max_steps(self) -> int or None``: the most steps ahead the fitted model forecasts (a fitted
``horizon``), checked by the public methods before anything is allocated.

The fitted model is the model that forecasts
--------------------------------------------
``fit`` checks every parameter (``_parameter_constraints``) and the data first, runs ``_fit`` on a fresh
clone, and moves the new fitted state onto ``self`` only when it succeeds: a fit that fails, whatever the
reason (a bad option, bad or too short data, an error in the middle of training), leaves a previously fitted
forecaster exactly as it was, forecasting the same values. The parameters the model was fitted with are part
of its fitted state (``fitted_params_``), and ``_predict`` runs with them, so ``set_params`` without a refit
changes nothing a fitted model forecasts (as a scikit-learn estimator predicts with its fitted attributes):
the new parameters take effect at the next ``fit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._utils.time_index import check_time_index
from .._utils.validation import check_int, check_real, validate_params
from ._inputs import (
    MAX_FORECAST_STEPS,
    MAX_FORECAST_VALUES,
    as_frame,
    check_covariate_columns,
    check_values,
    covariate_values,
    describe_index,
)
from ._quantiles import check_not_crossing, check_quantiles, interval_coverage, quantile_frame
from .series_errors import naming_series

__all__ = ["BaseForecaster"]


class BaseForecaster(RegressorMixin, BaseEstimator):
    """Base class of every seqforecast forecaster (see the module docstring for the subclass contract).

    Rows are time steps: ``fit(X, y)`` learns from the series ``y`` (a Series, or a DataFrame with one
    column per series) and the known-ahead covariates ``X`` (a DataFrame on ``y``'s index, possibly with no
    columns, a 2-D array with one row per row of ``y``, or None); ``predict(X)`` forecasts the rows of
    ``X``, whose index says which future steps they are. So scikit-learn's ``TimeSeriesSplit``,
    ``cross_validate``, ``GridSearchCV`` and ``Pipeline`` work on forecasters unchanged.

    A fitted forecaster forecasts with the parameters it was fitted with (``fitted_params_``): ``set_params``
    takes effect at the next ``fit``, and a ``fit`` that raises leaves the previous fitted model as it was.
    Covariates are matched by name: a DataFrame ``X`` at fit records its columns (``feature_names_in_``, when
    they are strings), and the covariates of ``predict`` and ``forecast`` must have the same names in the same
    order (a numpy array is read by position). A forecast goes at most ``MAX_FORECAST_STEPS`` (10**6) steps
    ahead and holds at most ``MAX_FORECAST_VALUES`` (10**8) values; both are checked before anything is
    allocated.
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
        if getattr(type(self), "_parameter_constraints", None) is not None:
            validate_params(self)  # every parameter before the data, and before any fitted attribute changes
        frame, is_series = as_frame(y, what="y")
        time_index = check_time_index(frame.index, what="y")
        Y = frame.to_numpy(dtype=np.float64)
        check_values(Y, list(frame.columns), what="y")
        covariates, names = covariate_values(X, frame.index, is_fit=True)

        fitted = clone(self)
        fitted.time_index_ = time_index  # the index's kind and frequency, for models that read them in _fit
        with naming_series(type(self).__name__, list(frame.columns)):
            fitted._fit(Y, covariates)
        # the new fitted state, built on the side...
        state = {key: value for key, value in vars(fitted).items() if key.endswith("_") and not key.startswith("__")}
        state["time_index_"] = time_index
        state["y_train_"] = frame.iloc[:, 0].rename(y.name) if is_series else frame
        state["X_train_"] = None if covariates is None else pd.DataFrame(covariates, index=frame.index, columns=names)
        state["n_series_"] = frame.shape[1]
        state["n_features_in_"] = 0 if covariates is None else covariates.shape[1]
        if names is not None and all(isinstance(n, str) for n in names):
            state["feature_names_in_"] = np.asarray(names, dtype=object)
        state["fitted_params_"] = fitted.get_params(deep=False)  # clones: set_params on self leaves them be
        # ...replaces the previous one (if any) only now that the fit has succeeded
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, key)
        self.__dict__.update(state)
        return self

    def _as_fitted(self):
        """This forecaster as fitted: its fitted attributes, with the parameters it was fitted with in place of
        the current ones (a shallow copy: nothing is copied but the attribute table), so that ``set_params``
        without a refit changes nothing it forecasts. A model saved before ``fitted_params_`` existed forecasts
        with its parameters, as it did then."""
        params = self.__dict__.get("fitted_params_")
        if params is None:
            return self
        model = object.__new__(type(self))
        model.__dict__.update(self.__dict__)
        model.__dict__.update(params)
        return model

    def _max_steps(self):
        """The most steps ahead this fitted model forecasts (a fitted horizon), or None for no limit of its own
        (``MAX_FORECAST_STEPS`` still applies)."""
        return None

    def _check_horizon(self, horizon: int, asked: str) -> None:
        """Refuse, before anything is allocated, a forecast ``horizon`` steps ahead that goes past the limits;
        ``asked`` says where the horizon came from (``"5 were asked for"``)."""
        owner = type(self).__name__
        if horizon > MAX_FORECAST_STEPS:
            raise ValueError(
                f"{owner} forecasts at most {MAX_FORECAST_STEPS} steps ahead (seqforecast.base.MAX_FORECAST_STEPS); "
                f"{asked}. Ask for fewer steps ahead."
            )
        limit = self._max_steps()
        if limit is not None and horizon > limit:
            raise ValueError(
                f"{owner} was fitted to forecast {limit} steps ahead; {asked}. Refit with horizon>={horizon}."
            )
        width = max(self.n_series_, self.n_features_in_)
        if horizon * width > MAX_FORECAST_VALUES:
            raise ValueError(
                f"{owner}: {horizon} steps of {self.n_series_} series and {self.n_features_in_} covariate(s) make "
                f"{horizon * width} values per forecast array, more than {MAX_FORECAST_VALUES} "
                f"(seqforecast.base.MAX_FORECAST_VALUES, 800 MB of float64). Forecast fewer steps at a time, or "
                f"fit a model on fewer series."
            )

    def _check_covariate_names(self, values, names, what="X"):
        check_covariate_columns(
            values,
            names,
            fitted_names=getattr(self, "feature_names_in_", None),
            n_fitted=self.n_features_in_,
            owner=type(self).__name__,
            what=what,
        )

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
        model = self._as_fitted()
        index, steps, X_future = model._resolve_rows(X)
        horizon = int(steps.max()) if len(steps) else 0
        if horizon == 0:
            return model._wrap(np.zeros((0, model.n_series_)), index)
        Y, Xh = model._history()
        values = model._checked_predict(horizon, Y, Xh, X_future)
        return model._wrap(values[steps - 1], index)

    def forecast(self, steps, X=None, *, y_context=None, X_context=None, coverage=None):
        """Forecast the next ``steps`` time steps after the end of the training data (or of ``y_context``).

        Parameters
        ----------
        steps : int
            The horizon: from 1 to ``MAX_FORECAST_STEPS`` (10**6), and at most the fitted horizon of a model
            that has one (``DirectForecaster``, ``AutoRNNForecaster``).
        X : DataFrame or array-like of shape (steps, n_covariates), optional
            Covariates of the forecast steps; required when the model was fitted with covariates. A DataFrame
            must have the columns of the fit (same names, same order) on the forecast steps' index; an array
            is read by position.
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
        model = self._as_fitted()
        steps, Y, Xh, X_future, index = model._forecast_inputs(steps, X, y_context, X_context, "forecast")
        values = model._checked_predict(steps, Y, Xh, X_future)
        point = model._wrap(values, index)
        if coverage is None:
            return point
        lower, upper = model._interval(steps, Y, Xh, X_future, coverage, "forecast")
        return model._with_interval(point, lower, upper)

    def predict_interval(self, X, coverage=0.9):
        """Prediction intervals for the rows of ``X`` (see :meth:`predict`).

        Returns
        -------
        DataFrame with columns ``lower`` and ``upper`` (one series), or a column MultiIndex
        ``(series, lower|upper)`` (several series), on ``X``'s index.
        """
        check_is_fitted(self)
        model = self._as_fitted()
        index, steps, X_future = model._resolve_rows(X)
        Y, Xh = model._history()
        if len(steps):
            lower, upper = model._interval(int(steps.max()), Y, Xh, X_future, coverage, "predict_interval")
            lower, upper = lower[steps - 1], upper[steps - 1]
        else:  # no row asked for: empty intervals, as predict gives an empty forecast
            lower = upper = np.zeros((0, model.n_series_))
        if isinstance(model.y_train_, pd.Series):
            return pd.DataFrame({"lower": lower[:, 0], "upper": upper[:, 0]}, index=index)
        columns = pd.MultiIndex.from_product([model.y_train_.columns, ["lower", "upper"]])
        data = np.stack([lower, upper], axis=2).reshape(len(index), len(columns))  # [n, S, 2] -> [n, S*2]
        return pd.DataFrame(data, index=index, columns=columns)

    def forecast_quantiles(self, steps, quantiles=(0.1, 0.5, 0.9), X=None, *, y_context=None, X_context=None):
        """Quantile forecasts of the next ``steps`` time steps (the arguments but ``quantiles`` are
        :meth:`forecast`'s).

        A model with a quantile head of its own (a ``_predict_quantiles`` method) gives them; any other reads
        them from its central prediction intervals: for ``q < 0.5`` the lower bound of the interval of
        coverage ``1 - 2q``, for ``q > 0.5`` the upper bound of coverage ``2q - 1``, and the point forecast
        for ``q = 0.5``. This assumes a predictive distribution symmetric about the point forecast, as are the
        Gaussian intervals of ``ARIMAForecaster`` and of the additive ``ETSForecaster`` models (the simulated
        ones of a multiplicative model only roughly) and the symmetric intervals of ``ConformalForecaster``;
        so ``forecast_quantiles(h, (0.05, 0.95))`` gives the bounds of ``forecast(h, coverage=0.9)``. A model
        without intervals raises ``NotImplementedError``: wrap it in ``ConformalForecaster`` for calibrated
        ones.

        Parameters
        ----------
        steps : int
            The horizon (see :meth:`forecast`).
        quantiles : sequence of float, default=(0.1, 0.5, 0.9)
            Probabilities strictly between 0 and 1, strictly increasing.
        X, y_context, X_context
            As in :meth:`forecast`.

        Returns
        -------
        DataFrame of shape (steps, n_quantiles) or (steps, n_series * n_quantiles)
            On the future index. One series: a column per quantile, named by the quantile as a float
            (``0.1``, ``0.5``, ``0.9``; the column index is named ``"quantile"``). Several series: a column
            MultiIndex ``(series, quantile)``, as :meth:`predict_interval`'s ``(series, lower|upper)``.

        Raises
        ------
        RuntimeError
            When the quantiles cross (a lower quantile above a higher one) or are not finite: they are never
            sorted silently.
        """
        check_is_fitted(self)
        model = self._as_fitted()
        owner = type(self).__name__
        levels = check_quantiles(quantiles, f"{owner}.forecast_quantiles")
        steps, Y, Xh, X_future, index = model._forecast_inputs(steps, X, y_context, X_context, "forecast_quantiles")
        head = getattr(model, "_predict_quantiles", None)
        if head is not None:
            with naming_series(owner, model._series_names()):
                values = np.asarray(head(steps, Y, Xh, X_future, np.asarray(levels)), dtype=np.float64)
            expected = (steps, Y.shape[1], len(levels))
            if values.shape != expected:  # a bug in a subclass, not a user error
                raise RuntimeError(f"{owner}._predict_quantiles returned shape {values.shape}, expected {expected}.")
            source = f"They come from {owner}._predict_quantiles."
        elif getattr(model, "_predict_interval", None) is None:
            raise NotImplementedError(
                f"{owner} does not give prediction intervals, which forecast_quantiles reads its quantiles from. "
                f"Wrap it in ConformalForecaster({owner}(...), horizon={steps}) for intervals calibrated on its "
                f"own forecast errors, or use a model that gives them (ETSForecaster, ARIMAForecaster)."
            )
        else:
            columns, intervals = [], {}
            for q in levels:
                if q == 0.5:
                    columns.append(model._checked_predict(steps, Y, Xh, X_future))
                    continue
                coverage, bound = interval_coverage(q)
                if coverage not in intervals:  # q and 1 - q read the same interval
                    intervals[coverage] = model._interval(steps, Y, Xh, X_future, coverage, "forecast_quantiles")
                columns.append(intervals[coverage][bound])
            values = np.stack(columns, axis=2)  # Q x [H, S] -> [H, S, Q]
            source = (
                f"They are read from {owner}'s central intervals, which assumes intervals nested and centred on "
                f"the point forecast; ask for quantiles on one side of 0.5 only, or wrap the model in "
                f"ConformalForecaster, whose symmetric intervals never cross."
            )
        check_not_crossing(values, levels, owner, model._series_names(), source)
        return quantile_frame(values, levels, index, model.y_train_)

    def forecast_samples(self, steps, n_samples=100, X=None, *, y_context=None, X_context=None, random_state=None):
        """Sample paths of the next ``steps`` time steps: joint draws from the model's predictive distribution
        (the other arguments are :meth:`forecast`'s), for models that draw them (a ``_predict_samples`` method,
        e.g. ``RecursiveForecaster`` over ``RNNRegressor(loss="gaussian")``).

        Parameters
        ----------
        steps : int
            The horizon (see :meth:`forecast`).
        n_samples : int, default=100
            The number of paths per series, >= 1 (``steps * n_series * n_samples`` at most
            ``MAX_FORECAST_VALUES``).
        random_state : None, int or numpy.random.Generator, default=None
            Seeds the draws (``numpy.random.default_rng(random_state)``); the same seed gives the same paths.

        Returns
        -------
        DataFrame of shape (steps, n_samples) or (steps, n_series * n_samples)
            On the future index, laid out as :meth:`forecast_quantiles`: one series, a column per path
            (``0 .. n_samples - 1``, the column index named ``"sample"``); several series, a column MultiIndex
            ``(series, sample)``. Row ``k`` of a column is the value of that path at step ``k + 1``.
        """
        check_is_fitted(self)
        model, owner = self._as_fitted(), type(self).__name__
        if getattr(model, "_predict_samples", None) is None:
            raise NotImplementedError(
                f"{owner} does not draw sample paths. Use a model that does: RecursiveForecaster with "
                "RNNRegressor(loss='gaussian'), 'student_t' or 'negative_binomial'; or forecast_quantiles."
            )
        n_samples = check_int(n_samples, "n_samples", f"{owner}.forecast_samples", hint="The number of paths.")
        steps, Y, Xh, X_future, index = model._forecast_inputs(steps, X, y_context, X_context, "forecast_samples")
        if steps * Y.shape[1] * n_samples > MAX_FORECAST_VALUES:
            raise ValueError(
                f"{owner}.forecast_samples: {steps} steps of {Y.shape[1]} series and {n_samples} paths make "
                f"{steps * Y.shape[1] * n_samples} values, more than {MAX_FORECAST_VALUES} "
                "(seqforecast.base.MAX_FORECAST_VALUES). Ask for fewer paths or steps."
            )
        with naming_series(owner, model._series_names()):
            values = model._predict_samples(steps, Y, Xh, X_future, n_samples, np.random.default_rng(random_state))
        values, expected = np.asarray(values, dtype=np.float64), (steps, Y.shape[1], n_samples)
        if values.shape != expected or not np.isfinite(values).all():  # a bug in a subclass, or a blow-up
            raise RuntimeError(f"{owner}._predict_samples returned shape {values.shape} (expected {expected}) or NaN.")
        paths, names = pd.RangeIndex(n_samples, name="sample"), model._series_names()
        if isinstance(model.y_train_, pd.Series):
            return pd.DataFrame(values[:, 0, :], index=index, columns=paths)
        columns = pd.MultiIndex.from_product([names, paths], names=[model.y_train_.columns.name, "sample"])
        return pd.DataFrame(values.reshape(steps, -1), index=index, columns=columns)  # [H, S, N] -> [H, S*N]

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
            steps = self.time_index_.steps_ahead(index, what="X", max_steps=MAX_FORECAST_STEPS)
        else:
            X = np.asarray(X)
            n_rows = len(X) if X.ndim else 0
            self._check_horizon(n_rows, f"X has {n_rows} rows, one per step after the end of training")
            index = self.time_index_.future(n_rows)
            steps = np.arange(1, n_rows + 1)
        if len(steps) and steps.min() < 1:
            first = index[int(np.argmin(steps))]
            raise ValueError(
                f"{type(self).__name__} forecasts time steps after the end of training "
                f"({self.time_index_.cutoff}); X has {int((steps < 1).sum())} row(s) at or before it "
                f"(first: {first}). In-sample prediction is not defined: give only future rows."
            )
        if len(steps):
            last = int(np.argmax(steps))
            far_date = self.time_index_.kind == "datetime" and steps[last] > MAX_FORECAST_STEPS  # not counted
            reach = f"beyond step {MAX_FORECAST_STEPS}" if far_date else f"step {steps[last]}"
            self._check_horizon(int(steps[last]), f"the rows of X reach {reach} (label {index[last]})")
        given, names = covariate_values(X, index, is_fit=False)
        self._check_covariate_names(given, names)
        if given is None:
            return index, steps, self._require_future_covariates(None, steps, index)
        # place the given rows on the grid of steps 1..max(steps); steps not given stay NaN
        horizon = int(steps.max())
        X_future = np.full((horizon, given.shape[1]), np.nan)
        X_future[steps - 1] = given
        return index, steps, self._require_future_covariates(X_future, steps, index)

    def _forecast_inputs(self, steps, X, y_context, X_context, caller):
        """What :meth:`forecast` and :meth:`forecast_quantiles` check: ``(steps, Y, Xh, X_future, index)``,
        the horizon, the history and its covariates, the covariates of the forecast steps and their index."""
        owner = type(self).__name__
        steps = check_int(
            steps,
            "steps",
            f"{owner}.{caller}",
            maximum=MAX_FORECAST_STEPS,
            hint="steps is the forecast horizon: the number of steps to forecast, e.g. forecast(12) (at most "
            "seqforecast.base.MAX_FORECAST_STEPS).",
        )
        self._check_horizon(steps, f"{steps} were asked for")
        Y, Xh, time_index = self._context(y_context, X_context)
        index = time_index.future(steps)
        X_future, names = covariate_values(X, index, is_fit=False)
        if X is not None:  # no X at all is answered below: which steps need covariates
            self._check_covariate_names(X_future, names)
        if X_future is not None and len(X_future) != steps:
            raise ValueError(f"X has {len(X_future)} rows but steps={steps}; give one row per forecast step.")
        if isinstance(X, (pd.DataFrame, pd.Series)) and not X.index.equals(index):
            # the rows of a DataFrame are its labels: covariates on other steps must not be used silently
            raise ValueError(
                f"{owner}.{caller}({steps}): the index of X must be the forecast steps "
                f"{describe_index(index)}; X's index is {describe_index(X.index)}. Build X on those labels, use "
                f"predict(X) to forecast the rows X's index names, or pass X.to_numpy() to mean the next steps "
                f"in order."
            )
        X_future = self._require_future_covariates(X_future, np.arange(1, steps + 1), index)
        return steps, Y, Xh, X_future, index

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
        frame, is_series = as_frame(y_context, what="y_context")
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
        check_values(Y, list(frame.columns), what="y_context")
        Xc, names = covariate_values(X_context, frame.index, is_fit=True, what="X_context", target="y_context")
        self._check_covariate_names(Xc, names, what="X_context")
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
            owner = type(self).__name__
            raise NotImplementedError(
                f"{owner} does not give prediction intervals; call it without coverage, or use a model that gives "
                f"them (ETSForecaster, ARIMAForecaster), or wrap it in ConformalForecaster({owner}(...), "
                f"horizon={horizon}) for intervals calibrated on its own forecast errors."
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
        """The point forecasts, then ``<name>_lower, <name>_upper`` per series, built in one frame (adding
        columns one at a time fragments a frame of many series)."""
        frame = point.to_frame() if isinstance(point, pd.Series) else point
        names = list(frame.columns)
        labels = [f"{'y' if name is None else name}_{side}" for name in names for side in ("lower", "upper")]
        bounds = np.stack([lower, upper], axis=2).reshape(len(frame), 2 * len(names))  # [H, S, 2] -> [H, 2*S]
        values = np.concatenate([frame.to_numpy(dtype=np.float64), bounds], axis=1)  # [H, S] & [H, 2*S] -> [H, 3*S]
        columns = pd.Index([*names, *labels], name=frame.columns.name)
        return pd.DataFrame(values, index=frame.index, columns=columns)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.allow_nan = False
        return tags
