"""Bad values in data: the one finite-value check, and how positions are listed in messages.

:func:`check_finite` is the check of the sequence estimators' inputs (``X[i, t, f]`` positions), of the
metrics' inputs (array positions) and of the windowing kernels' values (time steps, NaN left to their
``missing`` policy); each caller gives the names, the fix and how a position reads. Every message has one
shape::

    rmse: y_true contains 2 NaN and 1 infinite value(s), the first at position 1 = nan. Metrics do not ...
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_SHOWN", "check_finite", "check_missing", "format_positions"]

MAX_SHOWN = 10  # positions listed in an error message before "... (N in all)"


def format_positions(positions):
    """``[3, 4, 9]`` -> ``"3, 4, 9"``; long lists are cut after ``MAX_SHOWN`` with the total count."""
    positions = [int(p) for p in positions]
    shown = ", ".join(str(p) for p in positions[:MAX_SHOWN])
    return shown if len(positions) <= MAX_SHOWN else f"{shown}, ... ({len(positions)} in all)"


def _array_position(index):
    """``(1,)`` -> ``"position 1"``; ``(0, 1)`` -> ``"position (0, 1)"``."""
    return f"position {index[0]}" if len(index) == 1 else f"position {index}"


def check_finite(arr, what, *, fix, owner=None, allow_nan=False, position=_array_position):
    """Raise ValueError when ``arr`` holds NaN or infinite values (only infinite ones with ``allow_nan``).

    The message says what holds them, how many of each kind, where the first one is (in C order) and its
    value, then ``fix``.

    Parameters
    ----------
    arr : ndarray
        Numeric values of any shape; integer and bool arrays are always finite.
    what : str
        What ``arr`` is, as the user knows it: ``"X"``, ``"y_true"``, ``"series 1"``.
    fix : str
        The sentence(s) closing the message: why the values are refused and what to do about them.
    owner : str or None, default=None
        The function or class named at the start of the message (``"rmse: ..."``); None names none.
    allow_nan : bool, default=False
        Accept NaN (the caller has its own policy for them) and refuse only infinite values.
    position : callable, default: ``"position (i, j)"``
        Turns the index of the first bad value (a tuple of ints, one per axis) into the words after
        "the first at", e.g. ``"X[1, 2, 0]"`` or ``"time step 4"``.
    """
    if arr.dtype.kind not in "fc":
        return
    bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
    if not bad.any():
        return
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    n_bad = int(bad.sum())
    n_nan = 0 if allow_nan else int(np.isnan(arr).sum())
    counts = f"{n_bad - n_nan} infinite value(s)"
    if not allow_nan:
        counts = f"{n_nan} NaN and {counts}"
    start = f"{owner}: " if owner else ""
    raise ValueError(f"{start}{what} contains {counts}, the first at {position(first)} = {arr[first]}. {fix}")


def check_missing(arr, what, *, fix, owner=None, position=_array_position):
    """Raise ValueError when an object array holds missing values: None, ``pd.NA``, ``NaT`` or NaN.

    The check of data that came as Python objects or from pandas' nullable columns (``Int64``, ``Float64``,
    ``boolean``, ``string``), where a missing value is a marker that cannot be converted to a number;
    numeric arrays go to :func:`check_finite`. The message has :func:`check_finite`'s shape.

    Parameters
    ----------
    arr : ndarray
        Values of any shape; only an ``object`` array is looked at.
    what, fix, owner, position
        As in :func:`check_finite`.
    """
    if arr.dtype != object or arr.size == 0:
        return
    import pandas as pd  # object data: pandas knows every missing-value marker (pd.NA, NaT, None, NaN)

    bad = np.asarray(pd.isna(arr), dtype=bool)
    if not bad.any():
        return
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    start = f"{owner}: " if owner else ""
    raise ValueError(
        f"{start}{what} contains {int(bad.sum())} missing value(s) (None, NaN, NaT or pd.NA), the first at "
        f"{position(first)} = {arr[first]!r}. {fix}"
    )
