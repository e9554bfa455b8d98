"""Scaling statistics of the window forecasters: pure numpy functions, never a division by zero."""

from __future__ import annotations

import numpy as np

__all__ = ["level_stats", "scale_stats"]


def scale_stats(values: np.ndarray, axis) -> tuple[np.ndarray, np.ndarray]:
    """Location (mean) and scale (std, or 1 where the values are constant: never a division by zero)."""
    loc = np.nanmean(values, axis=axis)
    scale = np.nanstd(values, axis=axis)
    tiny = scale <= 1e-12 * np.maximum(np.abs(loc), 1.0)
    return loc, np.where(tiny, 1.0, scale)


def level_stats(values: np.ndarray, axis) -> tuple[np.ndarray, np.ndarray]:
    """Location and scale both the mean absolute value (1 and 0 where it is 0): ``z = x / level - 1``.
    NaN (padding) is left out of the mean."""
    level = np.nanmean(np.abs(values), axis=axis)
    zero = level <= 1e-300
    return np.where(zero, 0.0, level), np.where(zero, 1.0, level)
