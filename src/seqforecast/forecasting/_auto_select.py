"""How :class:`~seqforecast.AutoRNNForecaster` chooses among its holdout candidates.

The candidates (each forecaster alone, equal-weight combinations, the nets weighted 3/4), the combination
of their forecasts, and the test that keeps automatic ARIMA unless the holdout's best beats it clearly:
pure functions of held-out scores and forecasts, kept apart from the fitting.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy import stats

__all__ = ["SWITCH_FROM_ARIMA_LEVEL", "switch_critical"]

#: The holdout's best candidate replaces automatic ARIMA alone only if the paired t statistic of their
#: held-out MASE differences is below minus Student's t quantile of this level with n - 1 degrees of freedom
#: (one-sided, 5 %: -2.92 with the 3 scores of one series at three origins, -1.65 with hundreds). Chosen on a
#: dev set of single M4 training series (never the benchmarks' test parts): ``docs/design.md``.
SWITCH_FROM_ARIMA_LEVEL = 0.95


def _candidate_weights(components, combine):
    """The combinations the holdout judges: each component alone, the equal-weight mean of every subset, and
    for each subset with the nets and others, the nets weighted 3/4 (a small ensemble of holdout nets is
    weaker than the final one, so equal weights undersell them)."""
    if combine == "rnn":
        return [{"rnn": 1.0}]
    out = []
    for size in range(1, len(components) + 1):
        for combo in itertools.combinations(components, size):
            out.append({name: 1.0 / size for name in combo})
            if "rnn" in combo and size > 1:
                out.append({name: 0.75 if name == "rnn" else 0.25 / (size - 1) for name in combo})
    return out


def candidate_label(weights):
    """A candidate's name in ``holdout_scores_``: the forecaster's for one, else each weight and name, e.g.
    ``"0.75 rnn + 0.25 theta"``."""
    return " + ".join(f"{w:g} {n}" if len(weights) > 1 else n for n, w in weights.items())


def extrapolate_ensemble(single, mean, k, n):
    """The error of the mean of ``n`` nets from the mean error of ``k`` nets alone (``single``) and the error
    of their mean (``mean``): ``score(n) = a + b / n`` through n = 1 and n = k, that is
    ``mean - (single - mean) (1 - k / n) / (k - 1)`` (exact in expectation for the squared error of
    exchangeable nets; elementwise on arrays)."""
    return mean - (single - mean) * (1 - k / n) / (k - 1)


def switch_critical(n_scores: int) -> float:
    """How far below zero the paired t statistic of ``n_scores`` held-out differences must be for the best
    candidate to replace ARIMA: Student's t quantile of level :data:`SWITCH_FROM_ARIMA_LEVEL` with
    ``n_scores - 1`` degrees of freedom (infinite with fewer than 2 scores: no test, ARIMA stays).

    Examples
    --------
    >>> round(switch_critical(3), 3), round(switch_critical(359), 3)
    (2.92, 1.649)
    """
    if n_scores < 2:
        return math.inf
    return float(stats.t.ppf(SWITCH_FROM_ARIMA_LEVEL, n_scores - 1))


def _paired_t(errors, reference):
    """The paired t statistic of ``errors - reference`` (negative: ``errors`` lower); -inf/+inf for a
    difference of one sign without spread, NaN with fewer than two pairs (nothing shown)."""
    d = np.asarray(errors, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    if d.size < 2:
        return float("nan")
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    if sd == 0:
        return 0.0 if mean == 0 else float(np.copysign(np.inf, mean))
    return mean / (sd / np.sqrt(d.size))


def _combine(parts, weights, history, non_negative):
    """Weighted mean of the forecasts ``parts`` (each [H, S], NaN where a forecaster could not forecast a
    series), renormalised per series over those that could; the last value where none could. ``weights``:
    one per part, or one array of S per part (a weight per series)."""
    stacked = np.stack(parts)  # [C, H, S]
    w = np.asarray(weights, dtype=np.float64)
    w = (w[:, None, None] if w.ndim == 1 else w[:, None, :]) * np.isfinite(stacked)
    total = w.sum(axis=0)
    combined = np.sum(np.nan_to_num(stacked) * w, axis=0) / np.where(total > 0, total, 1.0)
    missing = total == 0
    if missing.any():
        last = np.array([y[-1] if len(y) else np.nan for y in history])
        combined = np.where(missing, last[None, :], combined)
    return np.maximum(combined, 0.0) if non_negative else combined
