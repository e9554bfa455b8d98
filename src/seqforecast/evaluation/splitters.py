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

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import indexable

from .._utils.validation import check_int, positive_int, validate_params

__all__ = ["ExpandingWindowSplitter", "SlidingWindowSplitter"]


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
