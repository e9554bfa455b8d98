"""Time indexes: validation, frequency resolution, future indexes and step positions.

The one place where seqforecast reasons about pandas indexes. Three kinds are supported:

* ``RangeIndex`` (or an evenly spaced integer index): M4 and any series without dates;
* ``PeriodIndex``: its frequency is part of the index;
* ``DatetimeIndex``: its ``freq``, or, when unset, the frequency pandas infers from the values (with a
  :class:`~seqforecast.exceptions.FrequencyWarning`); an irregular index is an error.

A :class:`TimeIndex` records the kind, the frequency and the last label (the *cutoff*) of a training
index; everything that needs future labels or "how many steps after the cutoff is this row" asks it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import FrequencyWarning

__all__ = ["TimeIndex", "check_time_index"]


def _kind(index: pd.Index) -> str:
    if isinstance(index, pd.PeriodIndex):
        return "period"
    if isinstance(index, pd.DatetimeIndex):
        return "datetime"
    if isinstance(index, pd.RangeIndex) or pd.api.types.is_integer_dtype(index.dtype):
        return "integer"
    return "unsupported"


_KIND_NAMES = {"period": "a PeriodIndex", "datetime": "a DatetimeIndex", "integer": "an integer (Range) index"}


@dataclass(frozen=True)
class TimeIndex:
    """What a forecaster remembers of its training index.

    Attributes
    ----------
    kind : {"integer", "period", "datetime"}
    freq : int or pandas.DateOffset
        The step between rows: an int for integer indexes, a DateOffset otherwise.
    cutoff : int or pandas.Period or pandas.Timestamp
        The last label of the training index.
    name : hashable
        The index's name, given to forecast indexes.
    """

    kind: str
    freq: object
    cutoff: object
    name: object = None

    def future(self, steps: int) -> pd.Index:
        """The labels of the ``steps`` rows right after the cutoff."""
        if self.kind == "integer":
            start = self.cutoff + self.freq
            return pd.RangeIndex(start, start + steps * self.freq, self.freq, name=self.name)
        try:
            if self.kind == "period":
                return pd.period_range(start=self.cutoff + 1, periods=steps, freq=self.freq, name=self.name)
            # [cutoff, cutoff + freq, ...]: anchored offsets (month ends, business days) step correctly
            grid = pd.date_range(start=self.cutoff, periods=steps + 1, freq=self.freq, name=self.name)
        except (OverflowError, pd.errors.OutOfBoundsDatetime, pd.errors.OutOfBoundsTimedelta):
            raise ValueError(
                f"{steps} steps of {self._freq_str()} after {self.cutoff} go past the last date pandas can "
                f"represent; forecast fewer steps, or fit on a RangeIndex (time steps without dates)."
            ) from None
        return grid[1:]

    def _step_label(self, steps: int):
        """The label ``steps`` steps after the cutoff of a DatetimeIndex, or None when it is past the dates
        pandas can represent (then every representable label is nearer)."""
        try:
            return self.cutoff + self.freq * steps
        except (OverflowError, pd.errors.OutOfBoundsDatetime, pd.errors.OutOfBoundsTimedelta):
            return None

    def steps_ahead(self, index: pd.Index, *, what: str = "X", max_steps: int | None = None) -> np.ndarray:
        """For each label of ``index``, how many steps after the cutoff it lies (1 = the next step).

        Raises a ``TypeError`` for an index of another kind than the training index and a ``ValueError``
        for labels off the training frequency's grid. Labels at or before the cutoff give values <= 0
        (for a DatetimeIndex, -1 for every label before the cutoff): the caller decides about them. With
        ``max_steps``, the labels of a DatetimeIndex more than ``max_steps`` steps after the cutoff give
        ``max_steps + 1`` without being placed on the frequency's grid (which would allocate it): the caller
        refuses them.
        """
        kind = _kind(index)
        if kind != self.kind:
            raise TypeError(
                f"The index of {what} is {_describe(index)}, but the forecaster was fitted on "
                f"{_KIND_NAMES[self.kind]}. Use the same kind of index at fit and predict time."
            )
        if len(index) == 0:
            return np.zeros(0, dtype=np.int64)
        if kind == "integer":
            offsets = np.asarray(index, dtype=np.int64) - self.cutoff
            steps, remainder = np.divmod(offsets, self.freq)
            off_grid = remainder != 0
        else:
            if kind == "period" and index.freq != self.freq:
                fitted = self.cutoff.freqstr  # the Period alias ('M'), not the offset's ('ME')
                raise ValueError(
                    f"The PeriodIndex of {what} has frequency {index.freqstr!r}, but the forecaster was "
                    f"fitted on frequency {fitted!r}. Give labels of the training frequency, e.g. "
                    f"pd.period_range(start, periods=n, freq={fitted!r})."
                )
            if kind == "datetime" and (index.tz is None) != (pd.Timestamp(self.cutoff).tz is None):
                raise TypeError(
                    f"The DatetimeIndex of {what} has time zone {index.tz}, but the forecaster was fitted "
                    f"on time zone {pd.Timestamp(self.cutoff).tz}. Convert it with tz_localize/tz_convert."
                )
            if kind == "period":
                # period ordinals count base units; a freq like "2h" steps n of them
                offsets = index.asi8 - self.cutoff.ordinal
                steps, remainder = np.divmod(offsets, self.freq.n)
                off_grid = remainder != 0
            else:
                after = np.asarray(index > self.cutoff)
                end = max(index.max(), self.cutoff)
                limit = None if max_steps is None else self._step_label(max_steps)
                far = np.zeros(len(index), bool) if limit is None else np.asarray(index > limit)
                grid = pd.date_range(start=self.cutoff, end=min(end, limit) if far.any() else end, freq=self.freq)
                steps = np.full(len(index), -1, dtype=np.int64)
                # grid[0] is the cutoff itself; far labels are left out (they may not fit the grid's unit)
                steps[~far] = grid.get_indexer(index[~far])
                off_grid = (steps < 0) & after & ~far
                steps = np.where(after, steps, np.where(np.asarray(index == self.cutoff), 0, -1))
                if far.any():
                    steps = np.where(far, max_steps + 1, steps)
        if off_grid.any():
            bad = list(index[off_grid][:3])
            raise ValueError(
                f"{int(off_grid.sum())} label(s) of the index of {what} are not on the training frequency's "
                f"grid (first: {bad}); expected labels cutoff + k * {self._freq_str()} for integer k."
            )
        return np.asarray(steps, dtype=np.int64)

    def _freq_str(self) -> str:
        if self.kind == "integer":
            return str(self.freq)
        return pd.tseries.frequencies.to_offset(self.freq).freqstr


def _describe(index: pd.Index) -> str:
    """``a PeriodIndex``; a plain ``Index`` names its dtype: ``an Index of dtype float64``."""
    if type(index) is pd.Index:
        return f"an Index of dtype {index.dtype}"
    return f"a {type(index).__name__}"


def _mixed_time_zones(index: pd.Index) -> list:
    """The distinct time zones of an object index of Timestamps (pandas keeps mixed zones as objects)."""
    if index.dtype != object or len(index) == 0:
        return []
    if not all(isinstance(v, pd.Timestamp) for v in index):
        return []
    return sorted({str(v.tz) for v in index})


def check_time_index(index: pd.Index, *, what: str = "y") -> TimeIndex:
    """Validate a training index and resolve its frequency once.

    Parameters
    ----------
    index : pandas.Index
        The index of the training target.
    what : str
        How to call the object in messages.

    Returns
    -------
    TimeIndex
    """
    kind = _kind(index)
    zones = _mixed_time_zones(index)
    if len(zones) > 1:
        raise TypeError(
            f"The index of {what} mixes time zones ({', '.join(zones)}), so it is not a DatetimeIndex; a "
            f"time index needs one zone. Convert every label to one zone, e.g. "
            f"pd.to_datetime(index, utc=True), or localize the naive ones first."
        )
    if kind in ("period", "datetime") and index.hasnans:
        rows = np.flatnonzero(index.isna())
        raise ValueError(
            f"The index of {what} has {len(rows)} missing label(s) (NaT, first at position {int(rows[0])}); "
            f"every time step needs a date. Drop those rows or fill in their dates."
        )
    if kind == "unsupported":
        raise TypeError(
            f"The index of {what} must be a RangeIndex (or evenly spaced integers), a PeriodIndex or a "
            f"DatetimeIndex; got {type(index).__name__} of dtype {index.dtype}. Convert it, e.g. "
            f"pd.to_datetime(...) for dates, or use reset_index(drop=True) for a series without dates."
        )
    if index.has_duplicates:
        dup = list(index[index.duplicated()][:3])
        raise ValueError(
            f"The index of {what} has {int(index.duplicated().sum())} duplicated label(s) (first: {dup}); "
            f"each time step must appear once. Aggregate duplicates first, e.g. y.groupby(level=0).mean()."
        )
    if not index.is_monotonic_increasing:
        raise ValueError(
            f"The index of {what} is not sorted in increasing order; sort it first (y.sort_index()). "
            f"seqforecast never reorders data silently."
        )
    if len(index) == 0:
        raise ValueError(f"{what} is empty (0 time steps); a forecaster needs a non-empty series.")
    name = index.name
    if kind == "integer":
        values = np.asarray(index, dtype=np.int64)
        diffs = np.unique(np.diff(values))
        if len(diffs) > 1:
            raise ValueError(
                f"The integer index of {what} is not evenly spaced (steps {diffs[:5].tolist()}); "
                f"use a RangeIndex or reset_index(drop=True)."
            )
        if len(diffs):
            freq = int(diffs[0])
        else:  # one label: a RangeIndex still knows its step; a plain integer index steps by 1
            step = index.step if isinstance(index, pd.RangeIndex) else 1
            freq = int(step) if step > 0 else 1
        return TimeIndex("integer", freq, int(values[-1]), name)
    if kind == "period":
        return TimeIndex("period", index.freq, index[-1], name)
    freq = index.freq
    if freq is None:
        inferred = None
        if len(index) >= 3:
            with warnings.catch_warnings():  # pandas 3 warns that infer_freq will return an offset
                warnings.simplefilter("ignore", FutureWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                found = pd.infer_freq(index)
            inferred = None if found is None else pd.tseries.frequencies.to_offset(found).freqstr
        if inferred is None:
            raise ValueError(
                f"The DatetimeIndex of {what} has no frequency and none can be inferred from its values "
                f"(irregular spacing, or fewer than 3 time steps). Resample to a regular frequency, e.g. "
                f"y.asfreq('D') (this shows gaps as NaN), or use a RangeIndex."
            )
        warnings.warn(
            f"The DatetimeIndex of {what} has no freq; inferred {inferred!r} from its values. Set it "
            f"explicitly (y.asfreq({inferred!r})) to silence this warning.",
            FrequencyWarning,
            stacklevel=4,
        )
        freq = pd.tseries.frequencies.to_offset(inferred)
    return TimeIndex("datetime", freq, index[-1], name)
