"""Series -> windows: pure numpy kernels and two scikit-learn transformers.

The kernels (:func:`make_windows`, :func:`make_windows_multi`) cut a series into the supervised pairs a
sequence estimator trains on: ``X`` of shape ``(n_windows, window_length, n_features)`` and the next
``horizon`` values of a target column as ``y``. They are views made with numpy's stride tricks, copied once
into arrays that own their memory, so no Python loop runs over the windows.

:class:`SlidingWindowTransformer` puts the same idea behind ``fit``/``transform``: it turns a series into its
windows (one row per window, so it is *not* row-preserving). Row-preserving covariate transformers, such as
calendar features, live in :mod:`seqforecast.covariates`.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.finite import check_finite, format_positions
from .._utils.validation import check_int, check_option, check_param, positive_int, validate_params

__all__ = [
    "make_windows",
    "make_windows_multi",
    "SlidingWindowTransformer",
]

_MISSING_POLICIES = ("raise", "drop")


# ---------------------------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------------------------
def _as_numeric_2d(values, caller, what="values"):
    """Return ``values`` as a real-valued array of shape (n_timesteps, n_features); 1-D means one feature."""
    arr = np.asarray(values)
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{caller}: {what} must be real numbers (int, float or bool); got an object array that "
                f"cannot be converted to float ({exc}). Convert them first, e.g. with pd.to_numeric."
            ) from exc
    elif arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{caller}: {what} must be real numbers (int, float or bool); got dtype {arr.dtype}. "
            "Convert them first, e.g. with pd.to_numeric or np.asarray(values, dtype=float)."
        )
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{caller}: {what} must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_features); got an array "
            f"of shape {arr.shape}. For several series use make_windows_multi with a list of 2-D arrays."
        )
    if arr.ndim == 1:
        arr = arr[:, None]  # [T] -> [T, 1]
    if arr.shape[1] == 0:
        raise ValueError(f"{caller}: {what} has no features (shape {arr.shape}); pass at least one column.")
    return arr


def _check_window_params(window_length, horizon, step, target, missing, n_features, caller):
    """The parameters shared by the kernels, checked for ``caller``; ``target`` must index a column."""
    window_length = check_int(window_length, "window_length", caller)
    horizon = check_int(horizon, "horizon", caller)
    step = check_int(step, "step", caller)
    target = check_param(
        target,
        "target",
        [Interval(Integral, 0, n_features, closed="left")],
        caller,
        hint=f"It indexes the columns of the values, which have {n_features} feature(s).",
    )
    check_option(missing, "missing", _MISSING_POLICIES, caller)
    return window_length, horizon, step, int(target)


def _check_no_infinity(arr, caller, what):
    """Infinite values are never a valid observation (NaN follow the ``missing`` policy): raise on them.

    ``arr`` has shape (n_timesteps, n_features); a position is a time step.
    """

    def time_step(index):
        return f"time step {index[0]}" if arr.shape[1] == 1 else f"time step {index[0]} (column {index[1]})"

    check_finite(
        arr,
        what,
        owner=caller,
        allow_nan=True,
        position=time_step,
        fix="Replace them (e.g. with NaN and missing='drop', or by clipping) before windowing.",
    )


# ---------------------------------------------------------------------------------------------------------
# kernels
# ---------------------------------------------------------------------------------------------------------
def _window_views(arr, window_length, horizon, step, target):
    """Read-only strided views of every window on the grid anchored at the end of ``arr``.

    Returns ``(X, Y, starts)``: ``X`` of shape (n_windows, window_length, n_features), ``Y`` of shape
    (n_windows, horizon) (``None`` when ``horizon == 0``) and the first row of each window.
    The caller guarantees ``len(arr) >= window_length + horizon``.
    """
    n = arr.shape[0]
    last_start = n - window_length - horizon
    first_start = last_start % step
    # [T - H, F] -> [T - H - L + 1, F, L] -> every step-th from first_start -> [N, L, F]
    X = sliding_window_view(arr[: n - horizon], window_length, axis=0)[first_start::step].transpose(0, 2, 1)
    Y = None
    if horizon:
        # [T - L] -> [T - L - H + 1, H] -> [N, H]
        Y = sliding_window_view(arr[window_length:, target], horizon)[first_start::step]
    return X, Y, np.arange(first_start, last_start + 1, step)


def _windows_touching(bad_x, bad_y, starts, window_length, horizon):
    """Boolean mask over windows: True where a bad row falls in the window's X rows or y rows."""
    cx = np.concatenate([[0], np.cumsum(bad_x)])
    cy = np.concatenate([[0], np.cumsum(bad_y)])
    ends = starts + window_length
    return (cx[ends] - cx[starts] > 0) | (cy[ends + horizon] - cy[ends] > 0)


def _finish(X, Y, keep, horizon):
    """Copy the views (once) into arrays that own their memory; ``keep`` selects windows or is None."""
    if horizon == 1:
        Y = Y[:, 0]  # [N, 1] -> [N] (still a view)
    if keep is None:
        return X.copy(), Y.copy()
    return X[keep], Y[keep]  # boolean indexing copies


def make_windows(values, window_length, horizon=1, step=1, target=0, missing="raise"):
    """Cut one series into (window, next values) pairs for supervised learning.

    Windows are anchored at the **end** of the series: the last window's ``y`` ends on the last time step,
    and windows go back from there every ``step`` time steps, so the most recent data is always used. When
    ``n_timesteps - window_length - horizon`` is not a multiple of ``step``, the first window starts at
    ``(n_timesteps - window_length - horizon) % step`` and the time steps before it are not used.
    Windows are returned oldest first::

        n_timesteps=10, window_length=3, horizon=2, step=2   ->   (10 - 3 - 2) % 2 = 1 leading step unused

        time step  0 1 2 3 4 5 6 7 8 9
        window 0   . x x x y y . . . .     X[0] = values[1:4],  y[0] = values[4:6, target]
        window 1   . . . x x x y y . .     X[1] = values[3:6],  y[1] = values[6:8, target]
        window 2   . . . . . x x x y y     X[2] = values[5:8],  y[2] = values[8:10, target]  (ends at the end)

        x: rows in X[i]    y: values in y[i]    .: not used by that window

    Parameters
    ----------
    values : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
        One series, oldest first; 1-D means one feature. Real numbers (int, float or bool); the dtype is kept.
    window_length : int >= 1
        Number of time steps in each window (the model's look-back).
    horizon : int >= 1, default=1
        Number of values of the target column that follow each window.
    step : int >= 1, default=1
        Distance in time steps between the starts of consecutive windows.
    target : int, default=0
        Column of ``values`` whose next ``horizon`` values form ``y``.
    missing : {"raise", "drop"}, default="raise"
        What to do with NaN: ``"raise"`` a ValueError listing their time steps, or ``"drop"`` every window
        whose X rows (any feature) or y values (target column) contain a NaN. Infinite values always raise.

    Returns
    -------
    X : ndarray of shape (n_windows, window_length, n_features)
        ``n_windows = (n_timesteps - window_length - horizon) // step + 1`` (fewer with ``missing="drop"``).
    y : ndarray of shape (n_windows,) if horizon == 1 else (n_windows, horizon)

    Both are new C-contiguous, writable arrays that own their memory (``X`` takes ``window_length`` times the
    memory of ``values`` when ``step == 1``): writing to them never changes ``values``.

    Raises
    ------
    ValueError
        For an invalid parameter, 3-D values, a series shorter than ``window_length + horizon``, NaN (with
        ``missing="raise"``) or infinite values.
    TypeError
        For values that are not real numbers.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = make_windows(np.arange(6.0), window_length=3)
    >>> X.shape, y.shape
    ((3, 3, 1), (3,))
    >>> X[:, :, 0]
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> y
    array([3., 4., 5.])
    >>> X, y = make_windows(np.arange(7.0), window_length=2, horizon=2, step=2)
    >>> X[:, :, 0], y
    (array([[1., 2.],
           [3., 4.]]), array([[3., 4.],
           [5., 6.]]))
    """
    caller = "make_windows"
    arr = _as_numeric_2d(values, caller)
    window_length, horizon, step, target = _check_window_params(
        window_length, horizon, step, target, missing, arr.shape[1], caller
    )
    n = arr.shape[0]
    if n < window_length + horizon:
        raise ValueError(
            f"{caller} needs a series of at least window_length + horizon = {window_length} + {horizon} = "
            f"{window_length + horizon} time steps; got {n}. Use a shorter window_length or horizon, or a "
            "longer series."
        )
    _check_no_infinity(arr, caller, "values")
    X, Y, starts = _window_views(arr, window_length, horizon, step, target)
    keep = None
    if arr.dtype.kind == "f":
        nan = np.isnan(arr)
        if nan.any():
            if missing == "raise":
                rows = format_positions(np.flatnonzero(nan.any(axis=1)))
                raise ValueError(
                    f"{caller}: values contain NaN at time step(s) {rows}. Fill or interpolate them first, "
                    "or pass missing='drop' to drop the windows that touch them."
                )
            keep = ~_windows_touching(nan.any(axis=1), nan[:, target], starts, window_length, horizon)
            if not keep.any():
                raise ValueError(
                    f"{caller}: every one of the {starts.size} windows touches a NaN, so missing='drop' "
                    "leaves no window. Fill or interpolate the missing values, or use a shorter "
                    "window_length."
                )
    return _finish(X, Y, keep, horizon)


def _split_panel(series, caller):
    """Return a list of (label, (n_i, n_features) array) from a list of arrays or a 2-D array/DataFrame."""
    if isinstance(series, (list, tuple)):
        if not series:
            raise ValueError(f"{caller}: got an empty list of series; pass at least one series.")
        arrays = [_as_numeric_2d(s, caller, what=f"series {i}") for i, s in enumerate(series)]
        labels = [f"series {i}" for i in range(len(arrays))]
        n_features = {a.shape[1] for a in arrays}
        if len(n_features) > 1:
            counts = ", ".join(f"{lab}: {a.shape[1]}" for lab, a in zip(labels, arrays))
            raise ValueError(
                f"{caller}: every series must have the same number of features; got {counts}. "
                "Select the same columns from each series."
            )
        return list(zip(labels, arrays))
    names = list(series.columns) if isinstance(series, pd.DataFrame) else None
    panel = np.asarray(series)
    if panel.ndim != 2:
        raise ValueError(
            f"{caller}: expected a list of series or a 2-D array of shape (n_timesteps, n_series) with one "
            f"series per column; got an array of shape {panel.shape}. For one series use make_windows; for "
            "several multi-feature series pass a list of 2-D arrays."
        )
    panel = _as_numeric_2d(panel, caller)
    labels = [f"series {i}" if names is None else f"series {names[i]!r} (column {i})" for i in range(panel.shape[1])]
    return [(lab, panel[:, [i]]) for i, lab in enumerate(labels)]


def make_windows_multi(series, window_length, horizon=1, step=1, target=0, missing="raise"):
    """Windows from many series at once, for one global model trained across all of them.

    Each series is windowed as by :func:`make_windows` (windows anchored at its own end) after skipping its
    leading NaN, and the windows are concatenated series by series, in input order, each oldest first.

    A series starts at the first time step from which every one of its columns has a value (the latest of
    the columns' first valid positions); the rows before are skipped. A NaN after a column's first valid
    value is a NaN *inside* the series: with ``missing="raise"`` it is an error naming the series and time
    steps; with ``missing="drop"`` the windows touching it are dropped (as in :func:`make_windows`).

    Parameters
    ----------
    series : list of array-like of shape (n_timesteps_i,) or (n_timesteps_i, n_features), or array-like of \
shape (n_timesteps, n_series)
        Either a list of series (lengths may differ, feature counts must agree) or a 2-D array / DataFrame
        with one univariate series per column on a shared time axis, later-starting series padded with
        leading NaN (the layout of a wide ``y`` DataFrame).
    window_length, horizon, step, target, missing
        As in :func:`make_windows`; ``target`` indexes the columns of each series.

    Returns
    -------
    X : ndarray of shape (n_windows, window_length, n_features)
    y : ndarray of shape (n_windows,) if horizon == 1 else (n_windows, horizon)
    series_id : ndarray of shape (n_windows,), dtype intp
        Which series (position in the list, or column of the 2-D array) each window comes from.
    end : ndarray of shape (n_windows,), dtype intp
        Row of the window's last X time step in that series' own array (for a 2-D array: the row of the
        array), i.e. the forecast origin; ``y`` covers rows ``end + 1 ... end + horizon``.

    Raises
    ------
    ValueError
        As :func:`make_windows`; also when a series has no valid value, is shorter than
        ``window_length + horizon`` after its leading NaN, or has a NaN inside it (``missing="raise"``).

    Examples
    --------
    >>> import numpy as np
    >>> panel = np.array([[np.nan, 10.0], [1.0, 11.0], [2.0, 12.0], [3.0, 13.0]])
    >>> X, y, series_id, end = make_windows_multi(panel, window_length=2)
    >>> X[:, :, 0]
    array([[ 1.,  2.],
           [10., 11.],
           [11., 12.]])
    >>> y, series_id, end
    (array([ 3., 12., 13.]), array([0, 1, 1]), array([2, 1, 2]))
    """
    caller = "make_windows_multi"
    panel = _split_panel(series, caller)
    n_features = panel[0][1].shape[1]
    window_length, horizon, step, target = _check_window_params(
        window_length, horizon, step, target, missing, n_features, caller
    )
    need = window_length + horizon
    parts = []
    for i, (label, arr) in enumerate(panel):
        _check_no_infinity(arr, caller, label)
        start, keep = 0, None
        if arr.dtype.kind == "f":
            nan = np.isnan(arr)
            if nan.all(axis=0).any():
                raise ValueError(f"{caller}: {label} has no valid value (all NaN); remove it from the input.")
            first_valid = nan.argmin(axis=0)  # per column: the first non-NaN row
            start = int(first_valid.max())
            inside = nan & (np.arange(arr.shape[0])[:, None] > first_valid)
            if inside.any() and missing == "raise":
                raise ValueError(
                    f"{caller}: {label} has NaN inside it (after its first valid value) at time step(s) "
                    f"{format_positions(np.flatnonzero(inside.any(axis=1)))}. Fill or interpolate them, or "
                    "pass missing='drop' to drop the windows that touch them."
                )
        n_valid = arr.shape[0] - start
        if n_valid < need:
            skipped = f" after {start} leading NaN time step(s)" if start else ""
            raise ValueError(
                f"{caller}: {label} has {n_valid} time steps{skipped}; each series needs at least "
                f"window_length + horizon = {window_length} + {horizon} = {need}. Remove the series, or use "
                "a shorter window_length or horizon."
            )
        arr = arr[start:]
        X, Y, starts = _window_views(arr, window_length, horizon, step, target)
        if arr.dtype.kind == "f" and np.isnan(arr).any():  # only inside NaN remain here (missing="drop")
            nan = np.isnan(arr)
            keep = ~_windows_touching(nan.any(axis=1), nan[:, target], starts, window_length, horizon)
            starts = starts[keep]
        X, y = _finish(X, Y, keep, horizon)
        ends = starts + start + window_length - 1
        parts.append((X, y, np.full(ends.size, i, dtype=np.intp), ends.astype(np.intp)))
    X, y, series_id, end = (np.concatenate(p) for p in zip(*parts))
    if X.shape[0] == 0:
        raise ValueError(
            f"{caller}: every window of every series touches a NaN, so missing='drop' leaves no window. Fill "
            "or interpolate the missing values, or use a shorter window_length."
        )
    return X, y, series_id, end


# ---------------------------------------------------------------------------------------------------------
# transformers
# ---------------------------------------------------------------------------------------------------------
def _as_frame_or_2d(X):
    """A Series becomes a one-column DataFrame and a 1-D array a column, so both count as one feature."""
    if isinstance(X, pd.Series):
        return X.to_frame()
    if not isinstance(X, pd.DataFrame) and np.ndim(X) == 1:
        return np.asarray(X).reshape(-1, 1)  # [T] -> [T, 1]
    return X


class SlidingWindowTransformer(TransformerMixin, BaseEstimator):
    """Turn a series into its sliding windows, one output row per window (not row-preserving).

    The windows are those of :func:`make_windows` without a target: anchored at the end of the series
    (the last window ends on the last time step) and going back every ``step`` time steps::

        n_timesteps=7, window_length=3, step=2

        time step  0 1 2 3 4 5 6
        row 0      x x x . . . .
        row 1      . . x x x . .
        row 2      . . . . x x x     <- ends at the last time step

    Because the output has ``(n_timesteps - window_length) // step + 1`` rows rather than ``n_timesteps``,
    this transformer cannot sit in a ``Pipeline`` in front of an estimator fitted on the original rows'
    ``y``; use it to build lag features, or use :func:`make_windows` to get matching targets.

    Parameters
    ----------
    window_length : int >= 1
        Number of time steps in each window.
    step : int >= 1, default=1
        Distance in time steps between the starts of consecutive windows.

    Attributes
    ----------
    n_features_in_ : int
        Number of features of the series seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when ``X`` was a DataFrame with string column names (or a named Series).

    Notes
    -----
    Output of ``transform``: ``(n_windows, window_length)`` for one feature, in general
    ``(n_windows, window_length * n_features)``, time-major: ``out.reshape(-1, window_length, n_features)``
    gives back the windows of shape (n_windows, window_length, n_features). Columns are named
    ``"<feature>_t-<k>"`` (``"<feature>_t"`` for the window's last time step). With
    ``set_output(transform="pandas")`` the rows are indexed by the index label of each window's last time
    step (its position for array input).

    Examples
    --------
    >>> import numpy as np
    >>> SlidingWindowTransformer(window_length=3, step=2).fit_transform(np.arange(7.0))
    array([[0., 1., 2.],
           [2., 3., 4.],
           [4., 5., 6.]])
    """

    _parameter_constraints = {"window_length": [positive_int()], "step": [positive_int()]}

    def __init__(self, window_length, step=1):
        self.window_length = window_length
        self.step = step

    def _check_params(self):
        """Check the parameters (again after ``set_params``); return them as Python ints."""
        validate_params(self)
        return int(self.window_length), int(self.step)

    def _validate(self, X, reset, window_length):
        if not isinstance(X, (pd.DataFrame, pd.Series)) and np.ndim(X) > 2:
            raise ValueError(
                f"{type(self).__name__} windows one series, of shape (n_timesteps,) or (n_timesteps, "
                f"n_features); got an array of shape {np.shape(X)}. For several series use make_windows_multi "
                "with a list of 2-D arrays."
            )
        X = validate_data(self, _as_frame_or_2d(X), dtype="numeric", reset=reset)
        if X.shape[0] < window_length:
            raise ValueError(
                f"{type(self).__name__} needs a series of at least window_length = {window_length} time "
                f"steps; got {X.shape[0]}. Use a shorter window_length or a longer series."
            )
        return X

    def fit(self, X, y=None):
        """Check the parameters and record the number (and names) of features.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The series; a 1-D array or a Series is one feature.
        y : None
            Ignored.

        Returns
        -------
        self : SlidingWindowTransformer
        """
        window_length, _ = self._check_params()
        self._validate(X, reset=True, window_length=window_length)
        return self

    def transform(self, X):
        """Return the windows of ``X``, one row per window, oldest first.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            A series with the features seen in ``fit`` (its length may differ).

        Returns
        -------
        windows : ndarray of shape (n_windows, window_length * n_features)
        """
        check_is_fitted(self)
        window_length, step = self._check_params()
        frame = _as_frame_or_2d(X)
        arr = self._validate(X, reset=False, window_length=window_length)
        windows, _, starts = _window_views(arr, window_length, 0, step, 0)
        # [N, L, F] -> [N, L * F] (time-major; reshape copies the strided view)
        out = windows.reshape(windows.shape[0], -1).copy()
        if _get_output_config("transform", self)["dense"] == "pandas":
            ends = starts + window_length - 1
            index = frame.index[ends] if isinstance(frame, pd.DataFrame) else pd.Index(ends)
            # sklearn's wrapper would put X's index (one label per time step) on these rows: one label per window
            return pd.DataFrame(out, index=index, columns=self.get_feature_names_out())
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``"<feature>_t-<k>"``, time-major (all features at t-k together).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Names of the input features; by default ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        if input_features is None:
            input_features = getattr(self, "feature_names_in_", [f"x{i}" for i in range(self.n_features_in_)])
        elif len(input_features) != self.n_features_in_:
            raise ValueError(
                f"{type(self).__name__}: input_features should have length {self.n_features_in_} (the number "
                f"of features seen in fit); got {len(input_features)}."
            )
        window_length, _ = self._check_params()
        lags = [f"_t-{k}" if k else "_t" for k in range(window_length - 1, -1, -1)]
        return np.asarray([f"{feat}{lag}" for lag in lags for feat in input_features], dtype=object)
