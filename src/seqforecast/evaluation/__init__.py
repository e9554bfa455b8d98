"""Honest evaluation: metrics, rolling-origin splitters and backtests, significance tests, reports."""

from .backtest import backtest, backtest_origins
from .reporting import ComparisonResult, compare
from .significance import diebold_mariano
from .splitters import ExpandingWindowSplitter, SlidingWindowSplitter, default_origins

__all__ = [
    "ExpandingWindowSplitter",
    "SlidingWindowSplitter",
    "backtest",
    "backtest_origins",
    "default_origins",
    "ComparisonResult",
    "compare",
    "diebold_mariano",
]
