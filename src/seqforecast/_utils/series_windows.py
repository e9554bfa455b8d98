"""Training windows of a collection of series, cut batch by batch from the one copy of the data.

A global model over many series trains on every window of every series. Materialising them costs the data
times the window length (a window of 48 steps repeats each value 48 times: 19 MB of series became 3.2 GB of
windows). :class:`SeriesWindows` holds the series once, as a ``(n_timesteps, n_series)`` array, and numbers
the windows; :meth:`SeriesWindows.take` cuts the windows of a batch (a gather of ``batch x (window_length +
horizon)`` values), scales them and appends their features. Its memory is the data's plus arrays of the
number of series and of time steps, whatever the number of windows.

The numbering is the order a time-series model must see its training windows in: oldest first, by the time
step on which a window's target ends, so that the last windows (which early stopping holds out) are the most
recent windows of every series. Within one time step the series come longest first (most windows), then in
column order; series with the same number of windows keep their column order.
"""

from __future__ import annotations

import numpy as np

from .scaling import level_stats, scale_stats

__all__ = ["SeriesWindows"]


class SeriesWindows:
    """Numbered training windows of the columns of ``values``, cut per batch by :meth:`take`.

    Every series ends on the last row. The ``m``-th most recent window of series ``j`` (``m`` = 0 .. its number
    of windows - 1) has its target on rows ``e - horizon + 1 .. e`` with ``e = n_timesteps - 1 - window_step *
    m``, and its inputs on the ``window_length`` rows before. Input rows before the series' first observation
    (windows of series padded in front, when ``mask`` is on) have a NaN value and zero covariates.

    Parameters
    ----------
    values : ndarray of shape (n_timesteps, n_series)
        The target (in the model's units once ``series_loc`` and ``series_scale`` are applied); NaN before each
        series' first observation. Kept, not copied.
    first : ndarray of int of shape (n_series,)
        Row of each series' first observation.
    n_windows : ndarray of int of shape (n_series,)
        Training windows of each series (0: none).
    window_length, horizon : int
        Input rows and target rows of a window.
    window_step : int, default=1
        Rows between two consecutive windows of a series.
    series_loc, series_scale : ndarray of shape (n_series,), optional
        Per-series standardisation, applied to each batch as it is cut (``(value - loc) / scale``), so the
        data are not copied to be scaled.
    covariates : ndarray of shape (n_timesteps, n_covariates), optional
        The features of each input row besides the value, shared by all series (row ``s`` holds what the model
        sees beside ``values[s]``).
    window_scale : {"std", "mean", None}, default=None
        Scale each window by its own input values (``"std"``: z-score; ``"mean"``: ``x / level - 1``), the
        target with the same statistics. None: as they are.
    mask : bool, default=False
        Set missing input values to 0 and append an indicator feature (1 observed, 0 missing).
    patch_length : int, default=1
        Give the window as ``window_length // patch_length`` steps of ``patch_length`` rows each.
    """

    def __init__(
        self,
        values,
        *,
        first,
        n_windows,
        window_length,
        horizon,
        window_step=1,
        series_loc=None,
        series_scale=None,
        covariates=None,
        window_scale=None,
        mask=False,
        patch_length=1,
    ):
        self.values, self.covariates = values, covariates
        self.series_loc, self.series_scale = series_loc, series_scale
        self.first = np.asarray(first, dtype=np.int64)
        self.n_windows = np.asarray(n_windows, dtype=np.int64)
        self.window_length, self.horizon, self.window_step = int(window_length), int(horizon), int(window_step)
        self.window_scale, self.mask, self.patch_length = window_scale, bool(mask), int(patch_length)
        # group g (oldest first) holds the windows m = M - 1 - g of every series with more than m windows; the
        # series with the most windows come first, so the members of a group are a prefix of `_by_windows`
        self._by_windows = np.argsort(-self.n_windows, kind="stable")
        n_max = int(self.n_windows.max(initial=0))
        per_m = np.bincount(self.n_windows, minlength=n_max + 1)[::-1].cumsum()[::-1][1:]  # per_m[m] = #{n_j > m}
        counts = per_m[::-1]
        self._group_end = np.cumsum(counts)
        self._group_start = self._group_end - counts
        self._n_max = n_max

    def __len__(self):
        return int(self._group_end[-1]) if len(self._group_end) else 0

    @property
    def n_features(self):
        """Features per input row: the value, the covariates, and the indicator when ``mask`` is on."""
        n_cov = 0 if self.covariates is None else self.covariates.shape[1]
        return 1 + n_cov + int(self.mask)

    @property
    def shape(self):
        """The shape of the windows :meth:`take` gives for all of them: ``(n_windows, window_length //
        patch_length, patch_length * n_features)``."""
        p = self.patch_length
        return (len(self), self.window_length // p, p * self.n_features)

    def locate(self, rows):
        """Series and last target row of the windows numbered ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"window numbers must be in [0, {len(self)}); got {rows.min()} .. {rows.max()}")
        group = np.searchsorted(self._group_end, rows, side="right")
        series = self._by_windows[rows - self._group_start[group]]
        m = self._n_max - 1 - group
        return series, len(self.values) - 1 - self.window_step * m

    def take(self, rows):
        """The windows numbered ``rows`` and their targets.

        Returns
        -------
        X : ndarray of float64 of shape (len(rows), window_length // patch_length, patch_length * n_features)
        y : ndarray of float64 of shape (len(rows), horizon)
        """
        L, H = self.window_length, self.horizon
        series, last = self.locate(rows)
        pos = (last - H - L + 1)[:, None] + np.arange(L + H)  # [b, L + H] rows of inputs, then targets
        vals = self.values[np.maximum(pos, 0), series[:, None]]  # gather: [b, L + H]
        if self.series_loc is not None:
            vals -= self.series_loc[series][:, None]
            vals /= self.series_scale[series][:, None]
        before = pos[:, :L] < self.first[series][:, None]  # inputs before the series starts (padding)
        x, y = vals[:, :L], vals[:, L:]
        x[before] = np.nan
        if self.window_scale is not None:
            stats = level_stats if self.window_scale == "mean" else scale_stats
            loc, scale = stats(x, axis=1)  # per window, over its observed inputs
            x = (x - loc[:, None]) / scale[:, None]
            y = (y - loc[:, None]) / scale[:, None]
        parts = [x[:, :, None]]
        if self.covariates is not None:
            cov = self.covariates[np.maximum(pos[:, :L], 0)]  # [b, L, C]
            cov[before] = 0.0
            parts.append(cov)
        if self.mask:
            observed = ~np.isnan(x)
            parts[0] = np.where(observed, x, 0.0)[:, :, None]
            parts.append(observed[:, :, None].astype(np.float64))
        X = np.concatenate(parts, axis=2) if len(parts) > 1 else parts[0]  # [b, L, F]
        p = self.patch_length
        return X.reshape(len(X), L // p, p * X.shape[2]), y  # [b, L, F] -> [b, L / p, p * F]

    def materialise(self):
        """Every window at once: ``take(range(len(self)))`` (for regressors that need arrays)."""
        return self.take(np.arange(len(self)))
