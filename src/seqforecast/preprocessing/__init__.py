"""Windowing (pure functions and a transformer) and covariate transformers."""

from .covariates import CALENDAR_FEATURES, CalendarFeatures
from .windowing import SlidingWindowTransformer, make_windows, make_windows_multi

__all__ = ["CALENDAR_FEATURES", "CalendarFeatures", "SlidingWindowTransformer", "make_windows", "make_windows_multi"]
