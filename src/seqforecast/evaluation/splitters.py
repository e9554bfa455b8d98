"""Time-series cross-validation splitters: scikit-learn CV splitters whose test folds are the last rows.

The splitters are scikit-learn CV splitters (``split(X, y=None, groups=None)`` yields ``(train, test)``
integer index arrays; ``get_n_splits``), so they work as ``cv=`` in ``GridSearchCV`` and
``cross_validate`` (not in ``cross_val_predict``, which needs every row in exactly one test fold).
Rows are time steps, oldest first. The test folds are always the *last* ones in time: the final fold ends
on the last row, and earlier folds go back from there by ``step`` rows. ``gap`` rows between the end of a
training window and the start of its test fold are in neither, e.g. to mimic a reporting delay.
:func:`~seqforecast.evaluation.backtest.backtest_origins` places a backtest's origins with them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import indexable

from .._utils.validation import check_int, positive_int, validate_params

__all__ = ["ExpandingWindowSplitter", "SlidingWindowSplitter", "DefaultOrigins", "default_origins"]

#: the most origins the default rule places (the most recent ones)
MAX_DEFAULT_ORIGINS = 20


class DefaultOrigins(NamedTuple):
    """The origins of the default rule: the first training window, the step and the number of origins."""

    initial_window: int
    step: int
    n_origins: int


def default_origins(n_timesteps, *, horizon, sp=1, step=None, first_observed=None):
    """The default origins of a backtest: the one rule behind ``backtest``, ``compare`` and the command line.

    The rule, for ``n`` time steps (every series ending on the last one):

    * ``step = horizon``: the forecast windows tile the end of the data, so every value is forecast once;
    * ``initial_window``: the fewest time steps at which every series has at least ``max(m // 2, sp + 1)``
      of its ``m`` values (half of them, and enough for the MASE scale); for one complete series
      ``max(n // 2, sp + 1)``. A series that starts later (leading NaN) counts from its first value, so
      its first origin comes after it starts. At most ``n - horizon`` (one origin);
    * as many origins as fit from there, the last forecast window ending on the last time step, but at
      most :data:`MAX_DEFAULT_ORIGINS` (20): the most recent ones, so the first window is then longer.

    For example the airline series (144 months, horizon 12, sp 12): ``initial_window=72, step=12``, 6
    origins (cutoffs at months 72, 84, ..., 132).

    Parameters
    ----------
    n_timesteps : int >= 1
        Time steps of the data.
    horizon : int >= 1
        Steps forecast from each origin.
    sp : int >= 1, default=1
        Seasonal period (of the MASE scale).
    step : int >= 1 or None, default=None
        A step given by the user (the origins then count with it); None means ``horizon``.
    first_observed : array-like of int or None, default=None
        Per series, the row of its first value (0 for a series without leading NaN); None: one series from
        row 0.

    Returns
    -------
    DefaultOrigins
        ``(initial_window, step, n_origins)``.

    Raises
    ------
    ValueError
        When a series has at most ``horizon`` values (no origin leaves it a value to fit on).

    Examples
    --------
    >>> default_origins(144, horizon=12, sp=12)
    DefaultOrigins(initial_window=72, step=12, n_origins=6)
    >>> default_origins(144, horizon=12, sp=12, first_observed=[0, 0, 96])  # a series of 48 values from row 96
    DefaultOrigins(initial_window=120, step=12, n_origins=2)
    """
    where = "default_origins"
    n = check_int(n_timesteps, "n_timesteps", where)
    horizon = check_int(horizon, "horizon", where)
    sp = check_int(sp, "sp", where)
    step = horizon if step is None else check_int(step, "step", where)
    first = np.zeros(1, dtype=np.intp) if first_observed is None else np.asarray(first_observed, dtype=np.intp)
    n_values = n - first  # [S] values of each series
    if n_values.size == 0 or n_values.min() <= horizon:
        least = 0 if n_values.size == 0 else int(n_values.min())
        raise ValueError(
            f"{where}: a backtest with horizon={horizon} needs more than {horizon} values of every series (one "
            f"before the last origin); the shortest has {least}. Use a smaller horizon or a longer series."
        )
    need = first + np.maximum(n_values // 2, sp + 1)  # [S] time steps that give each series its share
    initial_window = min(int(need.max()), n - horizon)
    n_origins = (n - horizon - initial_window) // step + 1
    if n_origins > MAX_DEFAULT_ORIGINS:
        n_origins = MAX_DEFAULT_ORIGINS
        initial_window = n - horizon - (n_origins - 1) * step
    return DefaultOrigins(initial_window, step, n_origins)


class _WindowSplitter(BaseCrossValidator):
    """Fold bounds anchored at the end of the data; subclasses say where training windows start."""

    #: default number of splits when neither ``n_splits`` nor a minimum training window fixes it
    _default_n_splits = None

    def _min_train(self):
        """(smallest training window in rows, how to name it in messages); subclasses override."""
        raise NotImplementedError

    def _train_start(self, train_stop, min_train):
        """First training row for a training window that stops (exclusive) at ``train_stop``."""
        raise NotImplementedError

    def _check_params(self):
        """(test_size, step, gap, n_splits) once every parameter is checked; n_splits may be None."""
        validate_params(self)
        step = self.test_size if self.step is None else self.step
        n_splits = self._default_n_splits if self.n_splits is None else int(self.n_splits)
        return int(self.test_size), int(step), int(self.gap), n_splits

    def fold_bounds(self, n_samples):
        """Row bounds of every fold, oldest first, without building the index arrays.

        Parameters
        ----------
        n_samples : int
            Number of rows (time steps) of the data to split.

        Returns
        -------
        bounds : ndarray of shape (n_splits, 4), dtype intp
            Columns ``train_start, train_stop, test_start, test_stop``, half-open: fold ``k`` trains on rows
            ``train_start <= i < train_stop`` and tests on ``test_start <= i < test_stop``;
            ``test_start - train_stop == gap`` and the last fold's ``test_stop == n_samples``.

        Raises
        ------
        ValueError
            When ``n_samples`` is too small for the requested splits; the message says how many rows are
            needed.
        """
        name = type(self).__name__
        n_samples = check_int(n_samples, "n_samples", f"{name}.fold_bounds", minimum=0)
        test_size, step, gap, n_splits = self._check_params()
        min_train, train_label = self._min_train()
        if n_splits is None:  # as many folds as fit
            need = min_train + gap + test_size
            n_splits = (n_samples - need) // step + 1 if n_samples >= need else 0
            detail = f"one split ({train_label} + gap={gap} + test_size={test_size})"
            fix = "Use a smaller test_size, gap or training window, or more data."
        else:
            need = min_train + gap + (n_splits - 1) * step + test_size
            detail = (
                f"n_splits={n_splits} ({train_label} + gap={gap} + (n_splits - 1) * step = {n_splits - 1} * "
                f"{step} + test_size={test_size})"
            )
            fix = "Use fewer splits, a smaller test_size, step, gap or training window, or more data."
        if n_samples < need:
            raise ValueError(f"{name} needs at least {need} rows for {detail}; got {n_samples}. {fix}")
        # [K] test starts, oldest first; the last fold ends on the last row
        test_start = n_samples - test_size - step * np.arange(n_splits - 1, -1, -1)
        train_stop = test_start - gap
        return np.column_stack(
            [self._train_start(train_stop, min_train), train_stop, test_start, test_start + test_size]
        ).astype(np.intp)

    def split(self, X, y=None, groups=None):
        """Generate ``(train, test)`` row indices, oldest fold first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows are time steps, oldest first; only its length is used (a DataFrame with no columns works).
        y : array-like of shape (n_samples,), default=None
            Only checked for a consistent length.
        groups : None
            Always ignored; accepted for scikit-learn compatibility.

        Yields
        ------
        train : ndarray of shape (n_train,), dtype intp
        test : ndarray of shape (test_size,), dtype intp
        """
        X, y, groups = indexable(X, y, groups)
        for train_start, train_stop, test_start, test_stop in self.fold_bounds(_n_rows(X)):
            yield np.arange(train_start, train_stop), np.arange(test_start, test_stop)

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of splits: ``n_splits`` when given, else as many as fit in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), default=None
            Needed only when the number of splits depends on the data (``n_splits=None``).
        y, groups : ignored

        Returns
        -------
        n_splits : int
        """
        n_splits = self._check_params()[3]
        if n_splits is not None:
            return n_splits
        if X is None:
            raise ValueError(
                f"{type(self).__name__}.get_n_splits needs X when n_splits is None, because the number of "
                "splits then depends on the number of rows; pass X, or set n_splits."
            )
        return len(self.fold_bounds(_n_rows(X)))


def _n_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


class ExpandingWindowSplitter(_WindowSplitter):
    """Time-series CV with an expanding training window: every fold trains on all rows before its gap.

    The test folds are the last ones in time (the final fold ends on the last row)::

        n_samples=12, test_size=2, n_splits=3, gap=1  (step defaults to test_size)

        row     0 1 2 3 4 5 6 7 8 9 10 11
        fold 0  t t t t t - T T . .  .  .     train rows 0-4, gap row 5, test rows 6-7
        fold 1  t t t t t t t - T T  .  .
        fold 2  t t t t t t t t t -  T  T     <- ends on the last row

        t: train    -: gap (in neither)    T: test    .: unused by that fold

    With ``n_splits`` given, ``step == test_size`` (the default) and no ``initial_window``, the folds are
    those of scikit-learn's ``TimeSeriesSplit(n_splits, test_size=test_size, gap=gap)``.

    Parameters
    ----------
    test_size : int >= 1
        Rows in each test fold (the forecast horizon when backtesting).
    n_splits : int >= 1 or None, default=None
        Number of folds. ``None``: as many as fit when ``initial_window`` is given, else 5 (as
        ``TimeSeriesSplit``).
    step : int >= 1 or None, default=None
        Rows between the starts of consecutive test folds; ``None`` means ``test_size`` (test folds tile the
        end of the data without overlap). A smaller step gives overlapping test folds (rolling origin).
    initial_window : int >= 1 or None, default=None
        Smallest training window. With ``n_splits=None`` the folds go back from the end while the training
        window has at least this many rows (so the first one has between ``initial_window`` and
        ``initial_window + step - 1`` rows); with ``n_splits`` given it is a check. ``None``: 1 row.
    gap : int >= 0, default=0
        Rows left out between the end of each training window and the start of its test fold.

    Examples
    --------
    >>> import numpy as np
    >>> cv = ExpandingWindowSplitter(test_size=2, n_splits=3, gap=1)
    >>> for train, test in cv.split(np.zeros((12, 1))):
    ...     print(train, test)
    [0 1 2 3 4] [6 7]
    [0 1 2 3 4 5 6] [8 9]
    [0 1 2 3 4 5 6 7 8] [10 11]
    """

    _parameter_constraints = {
        "test_size": [positive_int()],
        "n_splits": [positive_int(), None],
        "step": [positive_int(), None],
        "initial_window": [positive_int(), None],
        "gap": [positive_int(0)],
    }

    def __init__(self, test_size, n_splits=None, step=None, initial_window=None, gap=0):
        self.test_size = test_size
        self.n_splits = n_splits
        self.step = step
        self.initial_window = initial_window
        self.gap = gap

    @property
    def _default_n_splits(self):
        return 5 if self.initial_window is None else None

    def _min_train(self):
        if self.initial_window is None:
            return 1, "1 training row"
        initial_window = int(self.initial_window)  # checked by _check_params
        return initial_window, f"initial_window={initial_window}"

    def _train_start(self, train_stop, min_train):
        return np.zeros_like(train_stop)


class SlidingWindowSplitter(_WindowSplitter):
    """Time-series CV with a sliding training window of fixed length, ending ``gap`` rows before each test.

    The test folds are the last ones in time (the final fold ends on the last row)::

        n_samples=10, window_length=3, test_size=2, step=2  (n_splits=None: as many as fit)

        row     0 1 2 3 4 5 6 7 8 9
        fold 0  . t t t T T . . . .     first training row (10 - 3 - 2) % 2 = 1
        fold 1  . . . t t t T T . .
        fold 2  . . . . . t t t T T     <- ends on the last row

        t: train    T: test    .: unused by that fold

    Parameters
    ----------
    window_length : int >= 1
        Rows in every training window (older rows are dropped as the window slides).
    test_size : int >= 1
        Rows in each test fold.
    n_splits : int >= 1 or None, default=None
        Number of folds; ``None``: as many as fit.
    step : int >= 1 or None, default=None
        Rows between the starts of consecutive test folds; ``None`` means ``test_size``.
    gap : int >= 0, default=0
        Rows left out between the end of each training window and the start of its test fold.

    Examples
    --------
    >>> import numpy as np
    >>> cv = SlidingWindowSplitter(window_length=3, test_size=2)
    >>> for train, test in cv.split(np.zeros((10, 1))):
    ...     print(train, test)
    [1 2 3] [4 5]
    [3 4 5] [6 7]
    [5 6 7] [8 9]
    """

    _parameter_constraints = {
        "window_length": [positive_int()],
        "test_size": [positive_int()],
        "n_splits": [positive_int(), None],
        "step": [positive_int(), None],
        "gap": [positive_int(0)],
    }

    def __init__(self, window_length, test_size, n_splits=None, step=None, gap=0):
        self.window_length = window_length
        self.test_size = test_size
        self.n_splits = n_splits
        self.step = step
        self.gap = gap

    def _min_train(self):
        window_length = int(self.window_length)  # checked by _check_params
        return window_length, f"window_length={window_length}"

    def _train_start(self, train_stop, min_train):
        return train_stop - min_train
