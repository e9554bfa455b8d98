"""Windowing (pure functions and a transformer), covariate transformers, and text to token ids."""

from .covariates import CALENDAR_FEATURES, CalendarFeatures
from .text import TextTokenizer
from .windowing import SlidingWindowTransformer, make_windows, make_windows_multi

__all__ = [
    "CALENDAR_FEATURES",
    "CalendarFeatures",
    "SlidingWindowTransformer",
    "TextTokenizer",
    "make_windows",
    "make_windows_multi",
]
