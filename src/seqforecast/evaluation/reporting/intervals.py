"""The coverage table of a comparison: how well each model's prediction intervals hold, beside the leaderboard.

:func:`coverage_table` scores the ``y_lower``/``y_upper`` columns that ``compare(..., coverage=c)`` records,
with the interval scores of :mod:`seqforecast.evaluation.probabilistic`, per model over all its forecasts:

* ``coverage``: the share of the actual values inside their interval (bounds included), pooled over origins,
  series and steps (:func:`~seqforecast.evaluation.probabilistic.interval_coverage`);
* ``acd``: M4's absolute coverage difference ``|coverage - c|`` (:func:`~seqforecast.evaluation.probabilistic.acd`);
* ``width``: the mean width ``upper - lower`` (:func:`~seqforecast.evaluation.probabilistic.interval_width`);
* ``msis``: M4's mean scaled interval score with ``alpha = 1 - c``
  (:func:`~seqforecast.evaluation.probabilistic.msis`), per forecast with the MASE scale of its origin and
  series (the in-sample MAE of the seasonal naive forecast on the training window), then the mean over the
  forecasts where that scale is defined, as the leaderboard's MASE.

A model without intervals (its bounds are NaN: ``compare`` records none for a forecaster that gives none) is
listed with ``intervals`` False and NaN scores, never left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..probabilistic import acd, interval_coverage, interval_width, msis

__all__ = ["coverage_table", "COVERAGE_COLUMNS", "NO_INTERVALS"]

#: columns of :func:`coverage_table`, after its ``model`` index
COVERAGE_COLUMNS = ["intervals", "coverage", "acd", "width", "msis", "n_forecasts"]
#: what the reports show for a model without intervals
NO_INTERVALS = "no intervals"


def _has_intervals(block):
    """Whether every forecast of one model's rows has both bounds."""
    if "y_lower" not in block or "y_upper" not in block:
        return False
    return bool(block[["y_lower", "y_upper"]].notna().to_numpy().all())


def _mean_msis(block, windows, Y, columns, scales, sp, coverage):
    """The mean MSIS of one model's forecasts over those whose MASE scale is defined (NaN when none is)."""
    values = []
    for cutoff, rows in block.groupby("cutoff", sort=False):
        series = list(dict.fromkeys(rows["series"]))
        defined = [s for s in series if scales.get((cutoff, s), np.nan) > 0]  # NaN and 0: no scale
        if not defined:
            continue

        def wide(column, rows=rows, defined=defined):
            return rows.pivot(index="horizon_step", columns="series", values=column)[defined].to_numpy()  # [H, S]

        a, b = windows[cutoff]
        train = Y[a:b][:, [columns.index(s) for s in defined]]  # [window, S], leading NaN kept
        per_series = msis(
            wide("y_true"),
            wide("y_lower"),
            wide("y_upper"),
            y_train=train,
            sp=sp,
            coverage=coverage,
            multioutput="raw_values",
        )
        values.append(np.atleast_1d(per_series))
    return float(np.concatenate(values).mean()) if values else np.nan


def coverage_table(results, y, *, origins, sp, coverage, scales, models):
    """Per model: empirical coverage, ACD, mean width and MSIS of its prediction intervals.

    What :meth:`ComparisonResult.coverage_table <seqforecast.evaluation.reporting.ComparisonResult.coverage_table>`
    returns, from its parts.

    Parameters
    ----------
    results : DataFrame
        The tidy backtest frame of all models, with ``y_lower`` and ``y_upper`` (NaN for a model without
        intervals).
    y : Series or DataFrame
        The series that were backtested.
    origins : ndarray of shape (n_origins, 4)
        Row bounds of every origin.
    sp : int
        Seasonal period of the MSIS scale.
    coverage : float in (0, 1) or None
        The nominal coverage of the intervals (None: the comparison recorded none, a ``ValueError``).
    scales : DataFrame
        One row per forecast, with columns ``cutoff``, ``series`` and ``scale``: its MASE scale (NaN or 0 where
        undefined).
    models : sequence of str
        The models, in the order of the table (the leaderboard's).

    Returns
    -------
    DataFrame indexed by model, with columns ``intervals`` (bool: False for a model without intervals, whose
    scores are NaN), ``coverage``, ``acd``, ``width``, ``msis`` and ``n_forecasts`` (origins x series).
    """
    if coverage is None:
        raise ValueError(
            "coverage_table: this comparison was made without coverage, so it recorded no prediction intervals; "
            "run compare(..., coverage=0.9) (command line: --coverage 0.9)."
        )
    nominal = float(coverage)
    Y = y.to_numpy(dtype=np.float64).reshape(len(y), -1)  # [n] -> [n, S]
    columns = ["y" if y.name is None else y.name] if y.ndim == 1 else list(y.columns)
    windows = {y.index[b - 1]: (a, b) for a, b, _, _ in origins}  # cutoff -> training rows
    scale_of = dict(zip(zip(scales["cutoff"], scales["series"]), scales["scale"]))
    rows = []
    for model in models:
        block = results[results["model"] == model]
        n_forecasts = len(block.drop_duplicates(["cutoff", "series"]))
        row = {"model": model, "intervals": False, "n_forecasts": n_forecasts}
        row.update(coverage=np.nan, acd=np.nan, width=np.nan, msis=np.nan)
        if _has_intervals(block):
            true, lower, upper = (block[c].to_numpy(dtype=np.float64) for c in ("y_true", "y_lower", "y_upper"))
            row.update(
                intervals=True,
                coverage=float(interval_coverage(true, lower, upper)),
                acd=acd(true, lower, upper, coverage=nominal),
                width=float(interval_width(lower, upper)),
                msis=_mean_msis(block, windows, Y, columns, scale_of, sp, nominal),
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=["model", *COVERAGE_COLUMNS]).set_index("model")
