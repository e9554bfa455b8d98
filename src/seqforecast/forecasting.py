"""Forecasters that train a regressor on windows of a series and forecast many steps ahead.

``RecursiveForecaster``
    One step ahead, fed back: the regressor learns ``y[t+1]`` from the window ``y[t-L+1 .. t]``. Works with
    any scikit-learn regressor (windows are flattened to 2-D) and with :class:`~seqforecast.RNNRegressor`,
    for which it carries the recurrent state forward: one pass over the window, then one cell step per
    forecast step, batched over all series.
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
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.base import clone
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags

from ._base import BaseForecaster
from .windowing import make_windows

__all__ = ["RecursiveForecaster", "DirectForecaster", "Seq2SeqForecaster"]

_SCALINGS = ("series", "window", None)


def _check_positive_int(value, name, owner):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: {name} must be an int >= 1, got {value!r}.")
    return int(value)


def _scale_stats(values: np.ndarray, axis) -> tuple[np.ndarray, np.ndarray]:
    """Location (mean) and scale (std, or 1 where the values are constant: never a division by zero)."""
    loc = np.nanmean(values, axis=axis)
    scale = np.nanstd(values, axis=axis)
    tiny = scale <= 1e-12 * np.maximum(np.abs(loc), 1.0)
    return loc, np.where(tiny, 1.0, scale)


class _WindowForecaster(BaseForecaster):
    """Windowing, scaling and covariate plumbing shared by the recursive and direct forecasters."""

    _shift = 1  # covariates of step s + _shift sit in window row s

    def _default_estimator(self):
        from .estimators import RNNRegressor

        return RNNRegressor(cell="gru")

    def _validate_params(self):
        owner = type(self).__name__
        _check_positive_int(self.window_length, "window_length", owner)
        if self.scaling not in _SCALINGS:
            raise ValueError(f"{owner}: scaling must be one of {list(_SCALINGS)}, got {self.scaling!r}.")

    # ---------------------------------------------------------------------------------- features
    def _features(self, Ys: np.ndarray, X, X_future, shift: int) -> list[np.ndarray]:
        """Per series, the feature rows [y_scaled[s], covariates[s + shift]] of shape (n, 1 + C)."""
        n, n_series = Ys.shape
        if X is None:
            return [Ys[:, [j]] for j in range(n_series)]
        covariates = X if X_future is None else np.vstack([X, X_future])
        shifted = np.zeros((n, X.shape[1]))
        available = covariates[shift : shift + n]  # [n - shift (or n), C]
        shifted[: len(available)] = available  # rows past the data are never inside an input window
        return [np.hstack([Ys[:, [j]], shifted]) for j in range(n_series)]

    def _series_bounds(self, Y: np.ndarray, *, need: int, what: str) -> np.ndarray:
        """Index of each series' first observation; every series must have ``need`` observations."""
        observed = ~np.isnan(Y)
        first = observed.argmax(axis=0)
        lengths = len(Y) - first
        short = np.flatnonzero(lengths < need)
        if len(short):
            j = int(short[0])
            which = "the series" if Y.shape[1] == 1 else f"series {self._series_name(j)!r}"
            raise ValueError(
                f"{type(self).__name__} needs at least {need} observations per series ({what}); {which} "
                f"has {int(lengths[j])}. Use a shorter window_length or a longer series."
            )
        return first

    def _series_name(self, j):
        y = getattr(self, "y_train_", None)
        names = getattr(self, "_fit_series_names", None) if y is None else (
            [y.name] if y.ndim == 1 else list(y.columns))
        return j if names is None else names[j]

    def _training_windows(self, Y, X, horizon):
        L = self.window_length
        first = self._series_bounds(Y, need=L + horizon, what=f"window_length={L} + horizon={horizon}")
        Ys = Y
        if self.scaling == "series":
            self.scale_loc_, self.scale_ = _scale_stats(Y, axis=0)  # training data only
            Ys = (Y - self.scale_loc_) / self.scale_
        features = self._features(Ys, X, None, self._shift)
        windows, targets = [], []
        for j, feats in enumerate(features):
            Xw, yw = make_windows(feats[first[j] :], L, horizon=horizon)
            windows.append(Xw)
            targets.append(yw.reshape(len(yw), -1))  # [n_w] or [n_w, H] -> [n_w, H]
        Xw, yw = np.concatenate(windows), np.concatenate(targets)
        if self.scaling == "window":
            loc, scale = _scale_stats(Xw[:, :, 0], axis=1)  # per window, from its own target column
            Xw = Xw.copy()
            Xw[:, :, 0] = (Xw[:, :, 0] - loc[:, None]) / scale[:, None]
            yw = (yw - loc[:, None]) / scale[:, None]
        return Xw, yw

    def _last_windows(self, Y, X, X_future):
        """The last window of every series in the model's units, and how to undo the scaling."""
        L = self.window_length
        self._series_bounds(Y, need=L, what=f"window_length={L} to forecast from")
        if self.scaling == "series":
            loc, scale = self.scale_loc_, self.scale_
        else:
            loc, scale = np.zeros(Y.shape[1]), np.ones(Y.shape[1])
        Ys = (Y - loc) / scale
        features = self._features(Ys, X, X_future, self._shift)
        windows = np.stack([feats[-L:] for feats in features])  # S x [L, F] -> [S, L, F]
        if self.scaling == "window":
            wloc, wscale = _scale_stats(windows[:, :, 0], axis=1)
            windows[:, :, 0] = (windows[:, :, 0] - wloc[:, None]) / wscale[:, None]
            loc, scale = loc + wloc * scale, scale * wscale  # compose: original = (z * ws + wl) * s + l
        return windows, loc, scale

    def _regressor_input(self, estimator, windows):
        """3-D windows for sequence estimators, flattened rows for any other regressor."""
        if get_tags(estimator).input_tags.three_d_array:
            return windows
        return windows.reshape(len(windows), -1)  # [N, L, F] -> [N, L * F]


class RecursiveForecaster(_WindowForecaster):
    """Forecast one step ahead and feed the forecast back, as many times as the horizon.

    Parameters
    ----------
    estimator : regressor, default=None
        Trained on windows to predict the next value. An :class:`~seqforecast.RNNRegressor` gets 3-D
        windows ``(n_windows, window_length, n_features)``; any other scikit-learn regressor gets them
        flattened to ``(n_windows, window_length * n_features)``. None means ``RNNRegressor(cell="gru")``.
    window_length : int, default=24
        How many past steps the regressor sees.
    scaling : {"series", "window", None}, default="series"
        ``"series"``: standardise each series with the mean and standard deviation of its training data
        (stored as ``scale_loc_`` and ``scale_``). ``"window"``: standardise each window by its own mean
        and standard deviation (the last window's statistics scale the whole forecast). None: raw values.
        Constant data gets a scale of 1, never a division by zero.
    carry_state : bool, default=True
        For a unidirectional many-to-one :class:`~seqforecast.RNNRegressor`, read the window once and then
        advance the recurrent state by one cell step per forecast step (the net then sees the whole
        history from the start of the window, which is what it was trained for at step one and a cheap,
        longer context after that). False re-encodes the last ``window_length`` values at every step.

    Attributes
    ----------
    estimator_ : regressor
        The fitted clone of ``estimator``.
    y_train_, X_train_ : the training target and covariates (original units).
    scale_loc_, scale_ : ndarray of shape (n_series,)
        Per-series scaling statistics (``scaling="series"`` only), from the training data only.
    """

    def __init__(self, estimator=None, window_length=24, *, scaling="series", carry_state=True):
        self.estimator = estimator
        self.window_length = window_length
        self.scaling = scaling
        self.carry_state = carry_state

    def _fit(self, Y, X):
        self._validate_params()
        Xw, yw = self._training_windows(Y, X, horizon=1)
        estimator = clone(self.estimator) if self.estimator is not None else self._default_estimator()
        self.estimator_ = estimator.fit(self._regressor_input(estimator, Xw), yw[:, 0])
        return self

    def _stateful_module(self):
        """The torch module when the recurrent state can be carried forward, else None."""
        from .estimators import RNNRegressor

        est = self.estimator_
        if not (self.carry_state and isinstance(est, RNNRegressor)):
            return None
        if est.bidirectional or est.architecture != "many_to_one":
            return None
        return est.net_.module_

    def _predict(self, horizon, Y, X, X_future):
        windows, loc, scale = self._last_windows(Y, X, X_future)
        # the covariates each new input row needs: those of step k + 1, for k = 1 .. horizon - 1
        next_cov = None if X_future is None else X_future[1:]
        module = self._stateful_module()
        if module is not None:
            z = self._predict_stateful(module, windows, horizon, next_cov)
        else:
            z = self._predict_reencode(windows, horizon, next_cov)
        return z.T * scale + loc  # [S, H] -> [H, S], original units

    def _predict_stateful(self, module, windows, horizon, next_cov):
        device = self.estimator_.device_
        dtype = next(module.parameters()).dtype
        out = np.empty((len(windows), horizon))
        was_training = module.training
        module.eval()
        try:
            with torch.no_grad():
                state = module.encode(torch.as_tensor(windows, dtype=dtype, device=device))  # [S, L, F]
                pred = module.readout(state)[:, 0]  # [S, 1] -> [S]
                out[:, 0] = pred.cpu().numpy()
                for k in range(1, horizon):
                    step_input = pred[:, None]  # [S] -> [S, 1]
                    if next_cov is not None:
                        cov = torch.as_tensor(next_cov[k - 1], dtype=dtype, device=device)
                        step_input = torch.cat([step_input, cov.expand(len(windows), -1)], dim=1)  # [S, 1 + C]
                    pred, state = module.step(step_input, state)
                    pred = pred[:, 0]  # [S, 1] -> [S]
                    out[:, k] = pred.cpu().numpy()
        finally:
            module.train(was_training)
        return out

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


class DirectForecaster(_WindowForecaster):
    """Forecast the whole horizon at once from the last window.

    Parameters
    ----------
    estimator : regressor, default=None
        Learns the ``horizon`` next values from a window: an :class:`~seqforecast.RNNRegressor` (with
        ``horizon`` outputs, or ``architecture="seq2seq"``), or any multi-output scikit-learn regressor.
        None means ``RNNRegressor(cell="gru")``.
    window_length : int, default=24
    horizon : int, default=12
        The number of steps the model emits; ``forecast(steps)`` accepts ``steps <= horizon``.
        It is a constructor parameter because the model's output layer is sized by it.
    scaling : {"series", "window", None}, default="series"
        As in :class:`RecursiveForecaster`.
    per_step : bool, default=False
        Fit one clone of ``estimator`` per forecast step (scikit-learn's ``MultiOutputRegressor``) instead
        of one multi-output model; for regressors that have a single output.

    Attributes
    ----------
    estimator_ : the fitted regressor (a ``MultiOutputRegressor`` when ``per_step=True``).
    """

    def __init__(self, estimator=None, window_length=24, horizon=12, *, scaling="series", per_step=False):
        self.estimator = estimator
        self.window_length = window_length
        self.horizon = horizon
        self.scaling = scaling
        self.per_step = per_step

    @property
    def _shift(self):
        return self.horizon

    def _fit(self, Y, X):
        self._validate_params()
        horizon = _check_positive_int(self.horizon, "horizon", type(self).__name__)
        Xw, yw = self._training_windows(Y, X, horizon=horizon)
        estimator = clone(self.estimator) if self.estimator is not None else self._default_estimator()
        if self.per_step:
            estimator = MultiOutputRegressor(estimator)
        self.estimator_ = estimator.fit(self._regressor_input(estimator, Xw), yw)
        return self

    def _predict(self, horizon, Y, X, X_future):
        if horizon > self.horizon:
            raise ValueError(
                f"{type(self).__name__} was fitted to forecast {self.horizon} steps ahead; {horizon} were "
                f"asked for. Refit with horizon>={horizon}, or use a RecursiveForecaster."
            )
        if X_future is not None and len(X_future) < self.horizon:
            # the last window's rows hold the covariates of all `self.horizon` steps: all are inputs
            raise ValueError(
                f"{type(self).__name__} reads the covariates of all {self.horizon} steps it was fitted "
                f"for; X covers only {len(X_future)}. Give covariates for {self.horizon} steps."
            )
        windows, loc, scale = self._last_windows(Y, X, X_future)
        z = np.asarray(self.estimator_.predict(self._regressor_input(self.estimator_, windows)))
        z = z.reshape(len(windows), self.horizon)[:, :horizon]  # [S, H_fit] -> [S, horizon]
        return z.T * scale + loc


class Seq2SeqForecaster(DirectForecaster):
    """A :class:`DirectForecaster` whose default net is a GRU encoder-decoder.

    The decoder emits the horizon one step at a time, fed during training with the true previous value
    with probability ``teacher_forcing`` (decaying by ``teacher_forcing_decay`` per epoch: scheduled
    sampling), and with its own previous output at forecast time. Pass your own
    ``RNNRegressor(architecture="seq2seq", ...)`` as ``estimator`` to tune it.
    """

    def __init__(self, estimator=None, window_length=24, horizon=12, *, scaling="series", per_step=False):
        super().__init__(estimator, window_length, horizon, scaling=scaling, per_step=per_step)

    def _default_estimator(self):
        from .estimators import RNNRegressor

        return RNNRegressor(cell="gru", architecture="seq2seq")
