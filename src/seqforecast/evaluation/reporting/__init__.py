"""Comparisons of forecasters against baselines, and their reports (tables, plots, HTML, Markdown)."""

from ..significance import diebold_mariano
from .compare import compare
from .result import ComparisonResult

__all__ = ["ComparisonResult", "compare", "diebold_mariano"]
