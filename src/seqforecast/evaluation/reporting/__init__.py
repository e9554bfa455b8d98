"""Comparisons of forecasters against baselines, and their reports (tables, plots, HTML, Markdown)."""

from .compare import ComparisonResult, compare, diebold_mariano

__all__ = ["ComparisonResult", "compare", "diebold_mariano"]
