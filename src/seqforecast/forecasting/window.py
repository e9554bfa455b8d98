"""Forecasters that train a regressor on windows of a series and forecast many steps ahead.

``RecursiveForecaster``
    One step ahead, fed back: the regressor learns ``y[t+1]`` from the window ``y[t-L+1 .. t]``. Works with
    any scikit-learn regressor (windows are flattened to 2-D) and with :class:`~seqforecast.RNNRegressor`,
    which carries the recurrent state forward (:meth:`~seqforecast.RNNRegressor.predict_recursive`): one
    pass over the window, then one cell step per forecast step, batched over all series.
``DirectForecaster``
    The whole horizon at once: the regressor learns ``y[t+1 .. t+H]`` from the window (a net with ``H``
    outputs, a multi-output scikit-learn regressor, or one model per step with ``per_step=True``).
``Seq2SeqForecaster``
    A ``DirectForecaster`` whose default net is an encoder-decoder trained with teacher forcing
    (``RNNRegressor(architecture="seq2seq")``).

All three own the scaling (fitted on the training data only; forecasts are returned in original units) and
the windowing, and take known-ahead covariates: row ``s`` of a window holds ``y[s]`` and the covariates of
step ``s + shift`` (``shift`` = 1 for recursive, the horizon for direct), so the covariates of the steps
being forecast are visible to the model.

A DataFrame ``y`` (one column per series) trains one global model. Its training windows are ordered by the
time step on which their target ends, oldest first (within a time step, the series with the most windows
first, then column order), so the last rows, which :class:`~seqforecast.RNNRegressor` holds out for early
stopping (``patience``), are the most recent windows of every series rather than all windows of the last
series. ``window_step`` keeps every k-th window of each series (anchored at its end). The windows are never
materialised for a recurrent net: it cuts each batch from the one copy of the data
(:class:`~seqforecast._utils.series_windows.SeriesWindows`), so memory does not grow with the window length;
other regressors get them as arrays.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from .._utils.scaling import level_stats, scale_stats
from .._utils.series_windows import SeriesWindows
from .._utils.validation import options, positive_int, validate_params
from ..base import MAX_FORECAST_STEPS, BaseForecaster, SeriesError
from ._attention import ATTENTION_SCORES, ForecastAttention
from ._auto_plan import net_settings
from ._quantile_head import QuantileHead
from ._sample_paths import SamplePaths, check_count_settings

__all__ = ["RecursiveForecaster", "DirectForecaster", "Seq2SeqForecaster"]

_WINDOW_SCALES = ("std", "mean")


def _column_stats(Y, chunk=1024):
    """``scale_stats(Y, axis=0)`` computed ``chunk`` columns at a time, so that its temporaries (NaN-free copies,
    squared deviations) are those of ``chunk`` columns, not of the whole collection: the same numbers (each
    column is reduced on its own either way)."""
    loc, scale = np.empty(Y.shape[1]), np.empty(Y.shape[1])
    for start in range(0, Y.shape[1], chunk):
        part = slice(start, start + chunk)
        loc[part], scale[part] = scale_stats(Y[:, part], axis=0)
    return loc, scale


def _carries_state(estimator):
    """Whether ``estimator`` forecasts recursively by carrying a recurrent state forward (its
    ``can_carry_state()``, e.g. :meth:`~seqforecast.RNNRegressor.can_carry_state`)."""
    can_carry_state = getattr(estimator, "can_carry_state", None)
    return callable(can_carry_state) and can_carry_state()


class _WindowForecaster(BaseForecaster):
    """Windowing, scaling and covariate plumbing shared by the recursive and direct forecasters."""

    _shift = 1  # covariates of step s + _shift sit in window row s

    _parameter_constraints = {
        "estimator": "no_validation",  # checked by scikit-learn's clone
        "window_length": [positive_int()],
        "scaling": [options({"series", "window"}), None],
        "window_step": [positive_int()],
        "window_scale": [options(_WINDOW_SCALES)],
        "min_observations": [positive_int(), None],
    }

    def _default_estimator(self, n_windows):
        """``RNNRegressor(cell="gru")`` sized to the data (:func:`~._auto_plan.net_settings`): 32 to 128
        units, batches of 16 to 256, about 4,000 optimiser steps, early stopping on the most recent windows."""
        from ..estimators import RNNRegressor  # imported here: torch loads only when a net is needed

        return RNNRegressor(cell="gru", **net_settings(n_windows, early_stopping=True))

    def _window_stats(self, values):
        """Per-window location and scale of ``values`` of shape (n_windows, window_length), over the observed
        (non-NaN) values of each window."""
        if self.window_scale_ == "mean":
            return level_stats(values, axis=1)
        return scale_stats(values, axis=1)

    #: The settings recorded at fit (see ``_commit_settings``); the value is the default for models fitted by a
    #: seqforecast that did not have the parameter yet.
    _FITTED_SETTINGS = {
        "window_length_": None,
        "scaling_": None,
        "window_scale_": None,
        "min_observations_": None,
        "horizon_": None,
        "patch_length_": None,
        "carry_state_": None,
    }

    def __getattr__(self, name):
        # Only reached when normal lookup fails: a model fitted (and saved or pickled) by seqforecast 0.1, which
        # did not record its settings, forecasts with its parameters, as it did then.
        settings = type(self)._FITTED_SETTINGS
        if name in settings and "estimator_" in self.__dict__:
            return self.__dict__.get(name[:-1], settings[name])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _commit_settings(self):
        """Record the settings forecasting depends on: predictions read these, never the live parameters, so
        ``set_params`` without a refit (or a refit that fails) leaves the fitted model's forecasts as they were."""
        for name in ("window_length", "scaling", "window_scale", "min_observations"):
            setattr(self, f"{name}_", getattr(self, name))

    def training_history(self):
        """The fitted estimator's training curve: its ``history_`` (one dict per epoch, as
        :class:`~seqforecast.RNNRegressor` records it), or None for an estimator without one."""
        check_is_fitted(self)
        history = getattr(self.estimator_, "history_", None)
        return None if history is None else [dict(row) for row in history]

    # ---------------------------------------------------------------------------------- features
    @staticmethod
    def _shifted_covariates(X, X_future, n, shift):
        """Row ``s`` holds the covariates of step ``s + shift`` (zero past the data: never inside an input
        window), shape (n, C)."""
        covariates = X if X_future is None else np.vstack([X, X_future])
        shifted = np.zeros((n, X.shape[1]))
        available = covariates[shift : shift + n]  # [n - shift (or n), C]
        shifted[: len(available)] = available
        return shifted

    def _series_bounds(self, Y: np.ndarray, *, need: int, what: str) -> np.ndarray:
        """Index of each series' first observation; every series must have ``need`` observations."""
        observed = ~np.isnan(Y)
        first = observed.argmax(axis=0)
        lengths = len(Y) - first
        short = np.flatnonzero(lengths < need)
        if len(short):
            j = int(short[0])
            fix = (
                "Use a shorter window_length, a longer series, or min_observations=... to pad short series "
                "(or AutoRNNForecaster, which does)."
                if self.min_observations_ is None
                else "Use a longer series or a smaller min_observations."
            )
            raise SeriesError(
                f"every series needs at least {need} observations ({what}); the series has {int(lengths[j])}. {fix}", j
            )
        return first

    def _training_windows(self, Y, X, horizon) -> SeriesWindows:
        """The training windows of every series, numbered oldest first (see :class:`SeriesWindows`): cut batch
        by batch from one copy of the (scaled) data, never materialised all at once."""
        L, pad = self.window_length_, self.min_observations_ is not None
        need = (self.min_observations_ if pad else L) + horizon
        observed = ~np.isnan(Y)
        first = observed.argmax(axis=0)
        if pad:
            lengths = np.where(observed.any(axis=0), len(Y) - first, 0)
            if not (lengths >= need).any():
                raise ValueError(
                    f"{type(self).__name__}: no series has the {need} observations a training window needs "
                    f"(min_observations={self.min_observations_} + horizon={horizon}); the longest has "
                    f"{int(lengths.max())}. Give longer series, a smaller min_observations or a shorter horizon."
                )
            # a series shorter than a whole window starts its windows up to L - min_observations rows early
            usable = np.where(lengths >= L + horizon, lengths, lengths + L - self.min_observations_)
            n_windows = np.where(lengths >= need, (usable - L - horizon) // self.window_step + 1, 0)
        else:
            self._series_bounds(Y, need=need, what=f"window_length={L} + horizon={horizon}")
            n_windows = (len(Y) - first - L - horizon) // self.window_step + 1
        del observed
        if self.scaling_ == "series":
            self.scale_loc_, self.scale_ = _column_stats(Y)  # training data only; applied batch by batch
        return SeriesWindows(
            Y,
            series_loc=self.scale_loc_ if self.scaling_ == "series" else None,
            series_scale=self.scale_ if self.scaling_ == "series" else None,
            first=first,
            n_windows=n_windows,
            window_length=L,
            horizon=horizon,
            window_step=self.window_step,
            covariates=None if X is None else self._shifted_covariates(X, None, len(Y), self._shift),
            window_scale=self.window_scale_ if self.scaling_ == "window" else None,
            mask=pad,
            patch_length=getattr(self, "patch_length_", 1),
        )

    def _fit_estimator(self, estimator, windows, *, one_output=False):
        """Fit ``estimator`` on ``windows``: a recurrent net cuts its batches from them (its ``fit`` takes
        :class:`SeriesWindows`); any other regressor gets them as arrays (3-D, or flattened to 2-D)."""
        if getattr(estimator, "_fits_series_windows", False):
            return estimator.fit(windows, None)
        Xw, yw = windows.materialise()
        if not get_tags(estimator).input_tags.three_d_array:
            Xw = Xw.reshape(len(Xw), -1)  # [N, L / p, p * F] -> [N, L * F]: the same order for every patch
        return estimator.fit(Xw, yw[:, 0] if one_output else yw)

    def _with_mask(self, windows):
        """With padding: padded values set to 0 (in scaled units) and an indicator feature appended, 1 where
        the value was observed, so the model can tell padding from data. Without padding: unchanged."""
        if self.min_observations_ is None:
            return windows
        observed = ~np.isnan(windows[:, :, :1])  # [N, L, 1]
        windows = np.where(observed | (np.arange(windows.shape[2]) > 0), windows, 0.0)
        return np.concatenate([windows, observed.astype(windows.dtype)], axis=2)  # [N, L, F] -> [N, L, F + 1]

    def _last_windows(self, Y, X, X_future):
        """The last window of every series in the model's units, and how to undo the scaling.

        Only the last ``window_length`` rows are read (the memory of a forecast does not grow with the history).
        Rows before a series' first observation (padding, with ``min_observations``) hold NaN and zero
        covariates, as the padded training windows do."""
        L, pad = self.window_length_, self.min_observations_ is not None
        first = self._series_bounds(Y, need=1 if pad else L, what=f"window_length={L} to forecast from")
        n, n_series = Y.shape
        if self.scaling_ == "series":
            loc, scale = self.scale_loc_, self.scale_
        else:
            loc, scale = np.zeros(n_series), np.ones(n_series)
        k = min(n, L)  # rows of the data in the window (fewer only when the history is shorter than a window)
        n_cov = 0 if X is None else X.shape[1]
        windows = np.zeros((n_series, L, 1 + n_cov))
        windows[:, : L - k, 0] = np.nan
        windows[:, L - k :, 0] = ((Y[n - k :] - loc) / scale).T  # [k, S] -> [S, k]
        if X is not None:
            windows[:, L - k :, 1:] = self._shifted_covariates(X, X_future, n, self._shift)[n - k :]
            before = (n - L + np.arange(L))[None, :] < first[:, None]  # [S, L]: rows before the series starts
            windows[:, :, 1:][before] = 0.0
        if self.scaling_ == "window":
            wloc, wscale = self._window_stats(windows[:, :, 0])
            windows[:, :, 0] = (windows[:, :, 0] - wloc[:, None]) / wscale[:, None]
            loc, scale = loc + wloc * scale, scale * wscale  # compose: original = (z * ws + wl) * s + l
        return self._with_mask(windows), loc, scale

    def _regressor_input(self, estimator, windows):
        """3-D windows for sequence estimators, flattened rows for any other regressor."""
        if get_tags(estimator).input_tags.three_d_array:
            return windows
        return windows.reshape(len(windows), -1)  # [N, L, F] -> [N, L * F]


class RecursiveForecaster(SamplePaths, _WindowForecaster):
    """Forecast one step ahead and feed the forecast back, as many times as the horizon.

    With a net that has a distribution head (``RNNRegressor(loss="gaussian" | "student_t" |
    "negative_binomial")``) it also draws sample paths (``forecast_samples``), each carrying the net's state,
    and gives ``forecast_quantiles`` and intervals (``forecast(steps, coverage=...)``) from 1000 seeded paths
    (Monte Carlo estimates; see :mod:`seqforecast.forecasting._sample_paths`); the point forecast stays the
    recursion on the mean. ``"negative_binomial"`` (counts) needs ``scaling=None``.

    Parameters
    ----------
    estimator : regressor, default=None
        Trained on windows to predict the next value. An :class:`~seqforecast.RNNRegressor` gets 3-D
        windows ``(n_windows, window_length, n_features)``; any other scikit-learn regressor gets them
        flattened to ``(n_windows, window_length * n_features)``. None means a GRU sized to the data: 32 to 128
        units, batches of 16 to 256 and about 4,000 optimiser steps for the number of training windows, early
        stopping on the most recent 10 % of them; above 100,000 windows each epoch draws 100,000 of them
        (``samples_per_epoch``), so the training time stops growing with the data (``random_state`` unset: set
        an estimator to seed it).
    window_length : int, default=24
        How many past steps the regressor sees.
    scaling : {"series", "window", None}, default="series"
        ``"series"``: standardise each series with the mean and standard deviation of its training data
        (stored as ``scale_loc_`` and ``scale_``). ``"window"``: normalise each window by its own statistics
        (see ``window_scale``; the last window's statistics scale the whole forecast), which suits one
        global model over series of very different levels. None: raw values. Constant data gets a scale
        of 1, never a division by zero.
    carry_state : bool, default=True
        For an estimator that can carry its recurrent state (``can_carry_state()``: a unidirectional
        many-to-one :class:`~seqforecast.RNNRegressor`), read the window once and then advance the state by
        one cell step per forecast step, with :meth:`~seqforecast.RNNRegressor.predict_recursive` (the net
        then sees the whole history from the start of the window, which is what it was trained for at step
        one and a cheap, longer context after that). False re-encodes the last ``window_length`` values at
        every step.
    window_step : int, default=1
        Train on every ``window_step``-th window of each series (windows anchored at the series' end, as
        :func:`~seqforecast.make_windows` with ``step``), not on all of them: overlapping windows hold
        nearly the same information, and ``window_step=24`` on hourly data makes an epoch 24 times cheaper.
    window_scale : {"std", "mean"}, default="std"
        With ``scaling="window"``, how a window (its target column) is normalised: ``"std"`` subtracts its
        mean and divides by its standard deviation (a z-score); ``"mean"`` divides by its mean absolute
        value and subtracts 1 (``x / level - 1``: relative deviations from the window's level, which keeps
        how much a series varies relative to its level, and stays bounded after a nearly flat window,
        where a z-score explodes). Ignored with other scalings.
    min_observations : int or None, default=None
        None: every series needs ``window_length + horizon`` observations to train and ``window_length`` to
        be forecast. An int pads the series too short for that instead: a window of such a series may start
        up to ``window_length - min_observations`` steps before it does, the missing values set to 0 (in
        scaled units); every step gets an indicator feature (1 observed, 0 padded). A series then trains
        once it has ``min_observations + horizon`` observations and is forecast from a single one; longer
        series are windowed exactly as without padding (their indicator is 1).

    Attributes
    ----------
    estimator_ : regressor
        The fitted clone of ``estimator``.
    y_train_, X_train_ : the training target and covariates (original units).
    scale_loc_, scale_ : ndarray of shape (n_series,)
        Per-series scaling statistics (``scaling="series"`` only), from the training data only.
    """

    def __init__(
        self,
        estimator=None,
        window_length=24,
        *,
        scaling="series",
        carry_state=True,
        window_step=1,
        window_scale="std",
        min_observations=None,
    ):
        self.estimator = estimator
        self.window_length = window_length
        self.scaling = scaling
        self.carry_state = carry_state
        self.window_step = window_step
        self.window_scale = window_scale
        self.min_observations = min_observations

    _parameter_constraints = {**_WindowForecaster._parameter_constraints, "carry_state": ["boolean"]}

    def _fit(self, Y, X):
        validate_params(self)
        self._commit_settings()
        self.carry_state_ = self.carry_state
        if self.estimator is not None and getattr(self.estimator, "loss", None) == "quantile":
            raise ValueError(
                f"{type(self).__name__} feeds one value back per step; a net with loss='quantile' gives several "
                "quantiles. Use it in a DirectForecaster or Seq2SeqForecaster (forecast_quantiles, intervals), or "
                "give this forecaster a net with a point loss."
            )
        self._check_distribution_settings(Y)
        windows = self._training_windows(Y, X, horizon=1)
        estimator = clone(self.estimator) if self.estimator is not None else self._default_estimator(len(windows))
        self.estimator_ = self._fit_estimator(estimator, windows, one_output=True)
        return self

    def _predict(self, horizon, Y, X, X_future):
        windows, loc, scale = self._last_windows(Y, X, X_future)
        next_cov = self._next_features(horizon, X_future)
        if self.carry_state_ and _carries_state(self.estimator_):
            z = self.estimator_.predict_recursive(windows, horizon, step_features=next_cov)  # [S, H]
        else:
            z = self._predict_reencode(windows, horizon, next_cov)
        return z.T * scale + loc  # [S, H] -> [H, S], original units

    def _next_features(self, horizon, X_future):
        """The features each new input row needs besides the value: the covariates of steps 2 .. horizon, and
        the indicator "observed" (1: a forecast fed back is a value, not padding) when padding is on."""
        next_cov = None if X_future is None else X_future[1:horizon]
        if self.min_observations_ is not None:
            ones = np.ones((max(horizon - 1, 0), 1))
            next_cov = ones if next_cov is None else np.hstack([next_cov, ones])  # [H - 1, C] -> [H - 1, C + 1]
        return next_cov

    def _predict_reencode(self, windows, horizon, next_cov):
        windows = windows.copy()
        out = np.empty((len(windows), horizon))
        for k in range(horizon):
            pred = np.asarray(self.estimator_.predict(self._regressor_input(self.estimator_, windows)))
            out[:, k] = pred.reshape(len(windows))
            if k + 1 < horizon:
                new_row = np.empty((len(windows), windows.shape[2]))
                new_row[:, 0] = out[:, k]
                if next_cov is not None:
                    new_row[:, 1:] = next_cov[k]
                windows = np.concatenate([windows[:, 1:], new_row[:, None, :]], axis=1)  # slide by one
        return out


class DirectForecaster(QuantileHead, _WindowForecaster):
    """Forecast the whole horizon at once from the last window.

    Parameters
    ----------
    estimator : regressor, default=None
        Learns the ``horizon`` next values from a window: an :class:`~seqforecast.RNNRegressor` (with
        ``horizon`` outputs, or ``architecture="seq2seq"``), or any multi-output scikit-learn regressor.
        None means a GRU sized to the data, as in :class:`RecursiveForecaster`. A net with a quantile head
        (``RNNRegressor(loss="quantile", quantiles=...)``) also gives ``forecast_quantiles`` and intervals
        (``forecast(steps, coverage=...)``) at its levels, linearly interpolated between them; its point
        forecast is its median. A net with a distribution head (``loss="gaussian"``, ``"student_t"``, or
        ``"negative_binomial"`` with ``scaling=None``) gives them from each step's predicted distribution.
    window_length : int, default=24
    horizon : int, default=12
        The number of steps the model emits; ``forecast(steps)`` accepts ``steps <= horizon``.
        It is a constructor parameter because the model's output layer is sized by it. At most
        ``MAX_FORECAST_STEPS`` (10**6).
    scaling : {"series", "window", None}, default="series"
        As in :class:`RecursiveForecaster`.
    per_step : bool, default=False
        Fit one clone of ``estimator`` per forecast step (scikit-learn's ``MultiOutputRegressor``) instead
        of one multi-output model; for regressors that have a single output.
    window_step : int, default=1
        As in :class:`RecursiveForecaster`: train on every ``window_step``-th window of each series.
    window_scale : {"std", "mean"}, default="std"
        As in :class:`RecursiveForecaster`.
    min_observations : int or None, default=None
        As in :class:`RecursiveForecaster`: pad series shorter than a window.
    patch_length : int, default=1
        Give a sequence estimator the window as ``window_length // patch_length`` steps of
        ``patch_length`` consecutive values each (``window_length`` must be a multiple)::

            window_length=168, patch_length=24:  X of shape (n, 168, F)  ->  (n, 7, 24 * F)

        A recurrent net then takes one step per day of hourly data and sees each day's profile at once:
        7 recurrent steps instead of 168 (far cheaper to train, and a week of context is easy to keep).
        Row ``k`` holds the values ``k * patch_length`` to ``(k + 1) * patch_length - 1`` of the window,
        oldest first, each followed by its covariates. Estimators that take flattened rows get the same
        values in the same order whatever the patch length. With ``architecture="seq2seq"`` the decoder
        starts from feature 0 of the last row, i.e. the first value of the last patch.

    Attributes
    ----------
    estimator_ : the fitted regressor (a ``MultiOutputRegressor`` when ``per_step=True``).
    """

    def __init__(
        self,
        estimator=None,
        window_length=24,
        horizon=12,
        *,
        scaling="series",
        per_step=False,
        window_step=1,
        patch_length=1,
        window_scale="std",
        min_observations=None,
    ):
        self.estimator = estimator
        self.window_length = window_length
        self.horizon = horizon
        self.scaling = scaling
        self.per_step = per_step
        self.window_step = window_step
        self.patch_length = patch_length
        self.window_scale = window_scale
        self.min_observations = min_observations

    @property
    def _shift(self):
        return getattr(self, "horizon_", self.horizon)  # the fitted horizon once fitted

    def _regressor_input(self, estimator, windows):
        if not get_tags(estimator).input_tags.three_d_array:
            return windows.reshape(len(windows), -1)  # [N, L, F] -> [N, L * F]
        n, length, n_features = windows.shape
        patch = self.patch_length_
        # [N, L, F] -> [N, L / p, p * F]: row k holds steps k*p .. k*p + p - 1, each with its F features
        return windows.reshape(n, length // patch, patch * n_features)

    _parameter_constraints = {
        **_WindowForecaster._parameter_constraints,
        "horizon": [positive_int(1, MAX_FORECAST_STEPS)],
        "per_step": ["boolean"],
        "patch_length": [positive_int()],
    }

    def _fit(self, Y, X):
        validate_params(self)
        owner = type(self).__name__
        horizon, patch = int(self.horizon), int(self.patch_length)
        if self.window_length % patch:
            raise ValueError(
                f"{owner}: window_length={self.window_length} is not a multiple of patch_length={patch}; the "
                f"window is cut into whole patches. Use a window_length such as "
                f"{max(patch, self.window_length - self.window_length % patch)}, or another patch_length."
            )
        self._commit_settings()
        self.horizon_, self.patch_length_ = horizon, patch
        check_count_settings(owner, self._head_distribution(), self.scaling_, Y)
        windows = self._training_windows(Y, X, horizon=horizon)
        estimator = clone(self.estimator) if self.estimator is not None else self._default_estimator(len(windows))
        if self.per_step:
            estimator = MultiOutputRegressor(estimator)
        self.estimator_ = self._fit_estimator(estimator, windows)
        return self

    def _max_steps(self):
        return self.horizon_  # the net emits horizon_ values

    def _predict(self, horizon, Y, X, X_future):
        if horizon > self.horizon_:
            raise ValueError(
                f"{type(self).__name__} was fitted to forecast {self.horizon_} steps ahead; {horizon} were "
                f"asked for. Refit with horizon>={horizon}, or use a RecursiveForecaster."
            )
        if X_future is not None and len(X_future) < self.horizon_:
            # the last window's rows hold the covariates of all `self.horizon_` steps: all are inputs
            raise ValueError(
                f"{type(self).__name__} reads the covariates of all {self.horizon_} steps it was fitted "
                f"for; X covers only {len(X_future)}. Give covariates for {self.horizon_} steps."
            )
        windows, loc, scale = self._last_windows(Y, X, X_future)
        z = np.asarray(self.estimator_.predict(self._regressor_input(self.estimator_, windows)))
        z = z.reshape(len(windows), self.horizon_)[:, :horizon]  # [S, H_fit] -> [S, horizon]
        return z.T * scale + loc


class Seq2SeqForecaster(ForecastAttention, DirectForecaster):
    """A :class:`DirectForecaster` whose default net is a GRU encoder-decoder.

    The decoder emits the horizon one step at a time, fed during training with the true previous value
    with probability ``teacher_forcing`` (decaying by ``teacher_forcing_decay`` per epoch: scheduled
    sampling), and with its own previous output at forecast time. Pass your own
    ``RNNRegressor(architecture="seq2seq", ...)`` as ``estimator`` to tune it.

    The parameters are :class:`DirectForecaster`'s, and ``attention``:

    attention : {"dot", "additive"} or None, default=None
        The default net's attention over the encoder's outputs (``RNNRegressor(attention=...)``): each
        forecast step weighs every step of the input window, and :meth:`forecast_attention` returns the
        weights. With an ``estimator`` of your own, set ``attention`` on it instead (giving both raises
        ``ValueError``).
    """

    def __init__(
        self,
        estimator=None,
        window_length=24,
        horizon=12,
        *,
        scaling="series",
        per_step=False,
        window_step=1,
        patch_length=1,
        window_scale="std",
        min_observations=None,
        attention=None,
    ):
        super().__init__(
            estimator,
            window_length,
            horizon,
            scaling=scaling,
            per_step=per_step,
            window_step=window_step,
            patch_length=patch_length,
            window_scale=window_scale,
            min_observations=min_observations,
        )
        self.attention = attention

    _parameter_constraints = {
        **DirectForecaster._parameter_constraints,
        "attention": [options(ATTENTION_SCORES), None],
    }

    def _fit(self, Y, X):
        validate_params(self)
        if self.attention is not None and self.estimator is not None:
            owner = type(self).__name__
            raise ValueError(
                f"{owner}: attention={self.attention!r} configures the default net, but an estimator was given. "
                f"Set it on the estimator (RNNRegressor(architecture='seq2seq', attention={self.attention!r})) "
                f"and leave {owner}'s attention=None."
            )
        return super()._fit(Y, X)

    def _default_estimator(self, n_windows):
        from ..estimators import RNNRegressor

        return RNNRegressor(
            cell="gru",
            architecture="seq2seq",
            attention=self.attention,
            **net_settings(n_windows, early_stopping=True),
        )
