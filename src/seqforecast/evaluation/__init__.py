"""Honest evaluation: metrics, rolling-origin splitters and backtests, significance tests, reports."""

from .backtest import backtest, backtest_origins
from .probabilistic import (
    acd,
    crps_from_quantiles,
    crps_from_samples,
    interval_coverage,
    interval_width,
    msis,
    pinball_loss,
)
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
    "pinball_loss",
    "crps_from_quantiles",
    "crps_from_samples",
    "interval_coverage",
    "interval_width",
    "msis",
    "acd",
]
