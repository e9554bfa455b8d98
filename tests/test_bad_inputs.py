"""One table of bad inputs, run against every public estimator, forecaster, baseline, backtest, the metrics
and the command line (``python tools/reliability_section.py`` renders it into the README).

Each row (:class:`Case`) names the object it tries (``target``), a category, a callable that feeds it the bad
input, the exception it must raise and a fragment of the message (matched with ``re.escape``). A fragment
pins what came and how to fix it, not only the exception type. A known gap is a row marked
``xfail(strict=True)`` whose reason names the gap and the fix: the day the fix lands, the row XPASSes, the
suite fails, and the mark is removed.

Classifier labels: ``predict`` never sees labels, and ``score`` with labels unseen at fit is well defined
(those samples count as misclassified, as scikit-learn's ``accuracy_score`` does: pinned below). The label
rows therefore try what *can* be wrong: token ids unseen at fit and a ``y`` with a single class.
CLI rows run ``main(argv)`` and turn a non-zero exit status into :class:`CLIExit`
(``"exit <status>: <the one line on stderr>"``); status 2 is a usage error, 1 an error in the data.
"""

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression

from seqforecast.baselines import (
    ETSForecaster,
    Naive2Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
)
from seqforecast.cli import main
from seqforecast.datasets import load_ucr
from seqforecast.estimators import RNNClassifier, RNNRegressor
from seqforecast.evaluation import metrics
from seqforecast.evaluation.backtest import backtest
from seqforecast.evaluation.reporting import compare
from seqforecast.evaluation.splitters import ExpandingWindowSplitter, SlidingWindowSplitter
from seqforecast.exceptions import SeqforecastWarning, TrainingDivergedError
from seqforecast.forecasting import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster
from seqforecast.preprocessing.covariates import CalendarFeatures
from seqforecast.preprocessing.text import TextTokenizer
from seqforecast.preprocessing.windowing import SlidingWindowTransformer, make_windows, make_windows_multi

ROOT = Path(__file__).resolve().parents[1]

#: category -> what its rows try (the README's table)
CATEGORIES = {
    "missing values": "NaN or infinity in X, y, covariates or metric inputs",
    "data types": "strings, objects, booleans, complex numbers, sparse matrices, numpy where pandas is needed",
    "lengths": "empty, one-step and too-short series, series shorter than the window",
    "parameters": "window, horizon, step, sp, steps <= 0 or not an int (float, bool, string)",
    "indexes": "unsorted, duplicated, time-zone-mixed, NaT, irregular or unsupported indexes; off-grid rows",
    "shapes": "mismatched X/y lengths, 1-D and 4-D arrays, other columns or steps at predict than at fit",
    "covariates": "covariates missing for forecast rows, misaligned, non-numeric, or given to baselines",
    "options": "unknown cell, nonlinearity, scaling, strategy, metric, window and other option names",
    "extreme values": "1e30 and beyond, overflowing arithmetic, zero scale (constant series) in MASE",
    "labels": "classifier: token ids unseen at fit, negative or non-integer ids, a single class",
    "not fitted": "predict or forecast before fit",
    "command line": "CLI usage and data errors: exit status 2 (usage) or 1 (data), one line on stderr",
}


@dataclass(frozen=True)
class Case:
    """One bad input: ``run(env)`` must raise ``exc`` with ``match`` in its message."""

    id: str
    category: str
    target: str
    run: Callable
    exc: type
    match: str
    xfail: str = ""  # the gap and the proposed fix, for rows that fail today
    today: type = None  # what such a row raises today: any other failure (e.g. a fix with another message) is loud


@dataclass(frozen=True)
class Env:
    tmp_path: Path
    capsys: object


class CLIExit(Exception):
    """``main(argv)`` returned a non-zero exit status; the message is ``"exit <status>: <stderr line>"``."""


CASES = []


DID_NOT_RAISE = pytest.fail.Exception


#: How pandas names the dtype of a text column: "str" in pandas 3, "object" in pandas 2.
TEXT = str(pd.Series(["a"]).dtype)


def add(id, category, target, run, exc, match, xfail="", today=None):
    CASES.append(Case(f"{target}-{id}", category, target, run, exc, match, xfail, today))


# ---------------------------------------------------------------------------------------------- data
N = 24
TINY = dict(hidden_size=2, max_epochs=1, batch_size=8, random_state=0)


def series(n=N, scale=1.0, index=None, name="y"):
    """A positive, non-constant, deterministic series (a trend plus a weekly pattern)."""
    values = scale * (10.0 + np.arange(n) % 7 + 0.5 * np.arange(n))
    return pd.Series(values, index=pd.RangeIndex(n) if index is None else index, name=name)


def with_value(y, position, value):
    y = y.copy()
    y.iloc[position] = value
    return y


def days(n=N, start="2020-01-01"):
    return pd.date_range(start, periods=n, freq="D")


def covariates(index, names=("a", "b")):
    return pd.DataFrame({c: np.arange(len(index), dtype=float) + k for k, c in enumerate(names)}, index=index)


FORECASTERS = {
    "RecursiveForecaster": lambda: RecursiveForecaster(RNNRegressor(cell="gru", **TINY), window_length=3),
    "DirectForecaster": lambda: DirectForecaster(RNNRegressor(**TINY), window_length=3, horizon=2),
    "Seq2SeqForecaster": lambda: Seq2SeqForecaster(
        RNNRegressor(architecture="seq2seq", **TINY), window_length=3, horizon=2
    ),
    "NaiveForecaster": NaiveForecaster,
    "SeasonalNaiveForecaster": lambda: SeasonalNaiveForecaster(sp=2),
    "Naive2Forecaster": lambda: Naive2Forecaster(sp=2),
    "ThetaForecaster": ThetaForecaster,
    "ETSForecaster": ETSForecaster,
}


def lr(**kwargs):
    return RecursiveForecaster(LinearRegression(), window_length=3, **kwargs)


def quiet(fn):
    """Run ``fn`` with numpy's overflow warnings off (rows whose inputs overflow on purpose)."""
    with np.errstate(all="ignore"):
        return fn()


# ------------------------------------------------------------------------------------ forecasters
for name, make in FORECASTERS.items():
    add(
        "nan-inside-y",
        "missing values",
        name,
        lambda e, make=make: make().fit(None, with_value(series(), 5, np.nan)),
        ValueError,
        "missing value(s) after the start of a series (series 'y', positions [5]). Only leading NaN (a "
        "series that starts later) is allowed; fill the gaps explicitly first, e.g. y.interpolate()",
    )
    add(
        "steps-0",
        "parameters",
        name,
        lambda e, make=make: make().fit(None, series()).forecast(0),
        ValueError,
        f"The 'steps' parameter of {name}.forecast must be an int in the range [1, 1000000]. Got 0 instead. "
        "steps is the forecast horizon: the number of steps to forecast",
    )
    add(
        "unfitted",
        "not fitted",
        name,
        lambda e, make=make: make().forecast(2),
        NotFittedError,
        f"This {name} instance is not fitted yet. Call 'fit'",
    )
for name, y, match in [
    (
        "RecursiveForecaster",
        with_value(series(), 3, np.inf),
        "y contains 1 infinite value(s) (first in series 'y' at position 3); remove or replace them",
    ),
    (
        "ThetaForecaster",
        with_value(series(), 0, -np.inf),
        "y contains 1 infinite value(s) (first in series 'y' at position 0)",
    ),
]:
    add(
        "inf-in-y",
        "missing values",
        name,
        lambda e, y=y, name=name: FORECASTERS[name]().fit(None, y),
        ValueError,
        match,
    )
add(
    "all-nan-series",
    "missing values",
    "ThetaForecaster",
    lambda e: ThetaForecaster().fit(None, pd.DataFrame({"a": series().to_numpy(), "b": np.nan})),
    ValueError,
    "y has 1 series with no observation at all (['b']); drop them, e.g. y.dropna(axis=1, how='all')",
)
for id, name, y, exc, match in [
    (
        "y-text",
        "RecursiveForecaster",
        series().astype(str),
        TypeError,
        f"y must hold numbers; column 'y' has dtype {TEXT} (first value that is not a number: '10.0' at position "
        "0). Convert it, e.g. pd.to_numeric(y, errors='raise')",
    ),
    (
        "y-objects",
        "NaiveForecaster",
        series().astype(object).where(series() < 15, "n/a"),
        TypeError,
        "y must hold numbers; column 'y' has dtype object",
    ),
    ("y-booleans", "DirectForecaster", series() > 15, TypeError, "y must hold numbers; column 'y' has dtype bool"),
    (
        "y-booleans",
        "SeasonalNaiveForecaster",
        series() > 15,
        TypeError,
        "y must hold numbers; column 'y' has dtype bool",
    ),
    (
        "y-complex",
        "Seq2SeqForecaster",
        series() + 1j,
        TypeError,
        "y must hold real numbers; column 'y' is complex. Pass the real part (y.real)",
    ),
    (
        "y-numpy",
        "Naive2Forecaster",
        series().to_numpy(),
        TypeError,
        "y must be a pandas Series (one series) or DataFrame (one column per series), got ndarray. Wrap a numpy array as "
        "pd.Series(values)",
    ),
    (
        "y-list",
        "ETSForecaster",
        series().tolist(),
        TypeError,
        "y must be a pandas Series (one series) or DataFrame (one column per series), got list.",
    ),
    (
        "y-text-column",
        "ThetaForecaster",
        pd.DataFrame({"a": series(), "b": "x"}),
        TypeError,
        f"column 'b' has dtype {TEXT}",
    ),
]:
    add(id, "data types", name, lambda e, y=y, name=name: FORECASTERS[name]().fit(None, y), exc, match)
for name, n, match in [
    ("RecursiveForecaster", 0, "y is empty (0 time steps); a forecaster needs a non-empty series."),
    ("NaiveForecaster", 0, "y is empty (0 time steps)"),
    (
        "RecursiveForecaster",
        1,
        "RecursiveForecaster: every series needs at least 4 observations (window_length=3 + "
        "horizon=1); the series has 1. Use a shorter window_length, a longer series, or min_observations=... to pad short series (or AutoRNNForecaster, which does).",
    ),
    (
        "DirectForecaster",
        4,
        "DirectForecaster: every series needs at least 5 observations (window_length=3 + horizon=2); the series has 4.",
    ),
    ("Seq2SeqForecaster", 3, "Seq2SeqForecaster: every series needs at least 5 observations"),
    (
        "SeasonalNaiveForecaster",
        1,
        "SeasonalNaiveForecaster: seasonal_naive_forecast: y needs at least 2 value(s) (one "
        "full season, sp=2); got 1. Pass a longer series or a smaller sp.",
    ),
    (
        "ThetaForecaster",
        1,
        "ThetaForecaster: theta_fit: y needs at least 2 value(s) to fit a trend line; got 1. Pass a longer series.",
    ),
]:
    add(
        f"length-{n}",
        "lengths",
        name,
        lambda e, n=n, name=name: FORECASTERS[name]().fit(None, series(n)),
        ValueError,
        match,
    )
add(
    "drift-length-1",
    "lengths",
    "NaiveForecaster",
    lambda e: NaiveForecaster(strategy="drift").fit(None, series(1)),
    ValueError,
    "naive_forecast: y needs at least 2 value(s) for strategy='drift'; got 1. Pass a longer series.",
)
add(
    "context-shorter-than-window",
    "lengths",
    "RecursiveForecaster",
    lambda e: lr().fit(None, series()).forecast(2, y_context=series(2)),
    ValueError,
    "RecursiveForecaster: every series needs at least 3 observations "
    "(window_length=3 to forecast from); the series has 2.",
)

# window_length / horizon / window_step / sp / steps: <= 0, float, bool, string
for value in (0, -1, 2.0, True, "3", None):
    add(
        f"window_length={value!r}",
        "parameters",
        "RecursiveForecaster",
        lambda e, v=value: RecursiveForecaster(LinearRegression(), window_length=v).fit(None, series()),
        ValueError,
        f"The 'window_length' parameter of RecursiveForecaster must be an int in the range [1, inf). Got {value!r} "
        "instead.",
    )
for value in (0, 1.5, False, "2"):
    add(
        f"horizon={value!r}",
        "parameters",
        "DirectForecaster",
        lambda e, v=value: DirectForecaster(LinearRegression(), window_length=3, horizon=v).fit(None, series()),
        ValueError,
        f"The 'horizon' parameter of DirectForecaster must be an int in the range [1, 1000000]. Got {value!r} instead.",
    )
add(
    "window_length=0",
    "parameters",
    "Seq2SeqForecaster",
    lambda e: Seq2SeqForecaster(window_length=0).fit(None, series()),
    ValueError,
    "The 'window_length' parameter of Seq2SeqForecaster must be an int in the range [1, inf). Got 0 instead.",
)
add(
    "window_step=0",
    "parameters",
    "RecursiveForecaster",
    lambda e: lr(window_step=0).fit(None, series()),
    ValueError,
    "The 'window_step' parameter of RecursiveForecaster must be an int in the range [1, inf). Got 0 instead.",
)
for name, make, value in [
    ("SeasonalNaiveForecaster", SeasonalNaiveForecaster, 0),
    ("SeasonalNaiveForecaster", SeasonalNaiveForecaster, 1.5),
    ("Naive2Forecaster", Naive2Forecaster, True),
    ("ThetaForecaster", ThetaForecaster, "12"),
    ("ETSForecaster", ETSForecaster, -4),
]:
    add(
        f"sp={value!r}",
        "parameters",
        name,
        lambda e, make=make, v=value: make(sp=v).fit(None, series()),
        ValueError,
        f"The 'sp' parameter of {name} must be an int in the range [1, inf). Got {value!r} instead.",
    )
for name, value in [
    ("RecursiveForecaster", -1),
    ("ThetaForecaster", 2.0),
    ("ETSForecaster", True),
    ("DirectForecaster", "2"),
    ("NaiveForecaster", np.int64(0)),
]:
    add(
        f"steps={value!r}",
        "parameters",
        name,
        lambda e, name=name, v=value: FORECASTERS[name]().fit(None, series()).forecast(v),
        ValueError,
        f"The 'steps' parameter of {name}.forecast must be an int in the range [1, 1000000]. Got {value!r} instead.",
    )
for name in ("RecursiveForecaster", "DirectForecaster", "NaiveForecaster"):
    add(
        "steps=10**12",
        "parameters",
        name,
        lambda e, name=name: FORECASTERS[name]().fit(None, series()).forecast(10**12),
        ValueError,
        f"The 'steps' parameter of {name}.forecast must be an int in the range [1, 1000000]. Got 1000000000000 "
        "instead. steps is the forecast horizon: the number of steps to forecast, e.g. forecast(12) (at most "
        "seqforecast.base.MAX_FORECAST_STEPS).",
    )
add(
    "forecast-values-past-the-limit",
    "parameters",
    "NaiveForecaster",
    lambda e: NaiveForecaster().fit(None, pd.DataFrame(np.ones((3, 1000)))).forecast(100_001),
    ValueError,
    "NaiveForecaster: 100001 steps of 1000 series and 0 covariate(s) make 100001000 values per forecast array, "
    "more than 100000000 (seqforecast.base.MAX_FORECAST_VALUES, 800 MB of float64). Forecast fewer steps at a "
    "time, or fit a model on fewer series.",
)
add(
    "coverage=1.5",
    "parameters",
    "ETSForecaster",
    lambda e: ETSForecaster().fit(None, series()).forecast(2, coverage=1.5),
    ValueError,
    "The 'coverage' parameter of ETSForecaster.forecast must be a float in the range "
    "(0.0, 1.0). Got 1.5 instead. coverage is the probability of the interval, e.g. 0.9.",
)
add(
    "sp-longer-than-series",
    "parameters",
    "SeasonalNaiveForecaster",
    lambda e: SeasonalNaiveForecaster(sp=50).fit(None, series()),
    ValueError,
    "y needs at least 50 value(s) (one full season, sp=50); got 24.",
)
add(
    "steps-beyond-fitted-horizon",
    "parameters",
    "DirectForecaster",
    lambda e: DirectForecaster(LinearRegression(), window_length=3, horizon=2).fit(None, series()).forecast(5),
    ValueError,
    "DirectForecaster was fitted to forecast 2 steps ahead; 5 were asked for. Refit with horizon>=5",
)
add(
    "carry_state='yes'",
    "parameters",
    "RecursiveForecaster",
    lambda e: lr(carry_state="yes").fit(None, series()),
    ValueError,
    "The 'carry_state' parameter of RecursiveForecaster must be True or False. Got 'yes' instead.",
)
add(
    "per_step='x'",
    "parameters",
    "DirectForecaster",
    lambda e: DirectForecaster(LinearRegression(), window_length=3, horizon=2, per_step="x").fit(None, series()),
    ValueError,
    "The 'per_step' parameter of DirectForecaster must be True or False. Got 'x' instead.",
)

# unknown option values
for id, name, make, match in [
    (
        "scaling='minmax'",
        "RecursiveForecaster",
        lambda: lr(scaling="minmax"),
        "The 'scaling' parameter of RecursiveForecaster must be a str among {'series', 'window'} or None. Got 'minmax' "
        "instead.",
    ),
    (
        "scaling='standard'",
        "DirectForecaster",
        lambda: DirectForecaster(LinearRegression(), window_length=3, scaling="standard"),
        "The 'scaling' parameter of DirectForecaster must be a str among {'series', 'window'} or None. Got 'standard' "
        "instead.",
    ),
    (
        "strategy='median'",
        "NaiveForecaster",
        lambda: NaiveForecaster(strategy="median"),
        "The 'strategy' parameter of NaiveForecaster must be a str among {'drift', 'last', 'mean'}. Got 'median' "
        "instead.",
    ),
    (
        "error='mult'",
        "ETSForecaster",
        lambda: ETSForecaster(error="mult"),
        "The 'error' parameter of ETSForecaster must be a str among {'add', 'mul'}. Got 'mult' instead.",
    ),
    (
        "trend='additive'",
        "ETSForecaster",
        lambda: ETSForecaster(trend="additive"),
        "The 'trend' parameter of ETSForecaster must be a str among {'add', 'mul'} or None. Got 'additive' instead.",
    ),
    (
        "damped-without-trend",
        "ETSForecaster",
        lambda: ETSForecaster(damped_trend=True),
        "damped_trend=True needs a trend; set trend='add'",
    ),
    (
        "seasonal-with-sp=1",
        "ETSForecaster",
        lambda: ETSForecaster(seasonal="add"),
        "seasonal='add' needs a seasonal period sp >= 2; got sp=1.",
    ),
]:
    add(id, "options", name, lambda e, make=make: make().fit(None, series()), ValueError, match)
add(
    "estimator-not-an-estimator",
    "options",
    "RecursiveForecaster",
    lambda e: RecursiveForecaster("lstm", window_length=3).fit(None, series()),
    TypeError,
    "Cannot clone object ''lstm'' (type <class 'str'>): it does not seem to be a scikit-learn estimator",
)
add(
    "estimator-class",
    "options",
    "DirectForecaster",
    lambda e: DirectForecaster(LinearRegression, window_length=3).fit(None, series()),
    TypeError,
    "You should provide an instance of scikit-learn estimator instead of a class.",
)

# indexes
for id, name, y, exc, match in [
    (
        "unsorted",
        "RecursiveForecaster",
        series().iloc[::-1],
        ValueError,
        "The index of y is not sorted in increasing order; sort it first (y.sort_index()).",
    ),
    (
        "duplicated",
        "NaiveForecaster",
        series(index=[0, 0] + list(range(1, N - 1))),
        ValueError,
        "The index of y has 1 duplicated label(s) (first: [0]); each time step must appear once. Aggregate duplicates "
        "first",
    ),
    (
        "mixed-time-zones",
        "ThetaForecaster",
        series(index=pd.Index([pd.Timestamp("2020-01-01", tz="UTC")] + list(days()[1:]))),
        TypeError,
        "The index of y mixes time zones (None, UTC), so it is not a DatetimeIndex; a time index needs one "
        "zone. Convert every label to one zone, e.g. pd.to_datetime(index, utc=True)",
    ),
    (
        "irregular",
        "SeasonalNaiveForecaster",
        series(index=days().delete(5).append(pd.DatetimeIndex(["2020-03-01"]))),
        ValueError,
        "The DatetimeIndex of y has no frequency and none can be inferred from its values (irregular spacing, "
        "or fewer than 3 time steps). Resample to a regular frequency, e.g. y.asfreq('D')",
    ),
    (
        "two-dates-no-freq",
        "NaiveForecaster",
        series(2, index=pd.DatetimeIndex(["2020-01-01", "2020-01-02"])),
        ValueError,
        "(irregular spacing, or fewer than 3 time steps)",
    ),
    (
        "NaT",
        "DirectForecaster",
        series(index=pd.DatetimeIndex([pd.NaT] + list(days()[1:]))),
        ValueError,
        "The index of y has 1 missing label(s) (NaT, first at position 0); every time step needs a date.",
    ),
    (
        "text-labels",
        "ETSForecaster",
        series(index=[f"t{i}" for i in range(N)]),
        TypeError,
        "The index of y must be a RangeIndex (or evenly spaced integers), a PeriodIndex or a DatetimeIndex; got Index of "
        f"dtype {TEXT}. Convert it",
    ),
    ("float-labels", "Naive2Forecaster", series(index=np.arange(N) * 0.5), TypeError, "got Index of dtype float64."),
    (
        "uneven-integers",
        "RecursiveForecaster",
        series(index=list(range(N - 1)) + [100]),
        ValueError,
        "The integer index of y is not evenly spaced (steps [1, 78]); use a RangeIndex or reset_index(drop=True).",
    ),
    (
        "MultiIndex",
        "NaiveForecaster",
        series(index=pd.MultiIndex.from_arrays([np.zeros(N), np.arange(N)])),
        TypeError,
        "got MultiIndex of dtype object.",
    ),
]:
    add("y-index-" + id, "indexes", name, lambda e, y=y, name=name: FORECASTERS[name]().fit(None, y), exc, match)
_FUT = days(2, start="2020-01-25")  # the two steps after a daily series of N=24 days
for id, name, make_X, exc, match in [
    (
        "tz-aware-on-naive",
        "RecursiveForecaster",
        lambda: pd.DataFrame(index=pd.date_range("2020-01-25", periods=2, tz="UTC")),
        TypeError,
        "The DatetimeIndex of X has time zone UTC, but the forecaster was fitted on time zone None. Convert it "
        "with tz_localize/tz_convert.",
    ),
    (
        "PeriodIndex-on-DatetimeIndex",
        "NaiveForecaster",
        lambda: pd.DataFrame(index=pd.period_range("2020-01-25", periods=2, freq="D")),
        TypeError,
        "The index of X is a PeriodIndex, but the forecaster was fitted on a DatetimeIndex.",
    ),
    (
        "off-grid",
        "ThetaForecaster",
        lambda: pd.DataFrame(index=pd.DatetimeIndex(["2020-01-25 12:00"])),
        ValueError,
        "1 label(s) of the index of X are not on the training frequency's grid (first: [Timestamp('2020-01-25 "
        "12:00:00')]); expected labels cutoff + k * D",
    ),
    (
        "rows-before-cutoff",
        "SeasonalNaiveForecaster",
        lambda: pd.DataFrame(index=days(3)),
        ValueError,
        "SeasonalNaiveForecaster forecasts time steps after the end of training (2020-01-24 00:00:00); X has 3 row(s) at "
        "or before it",
    ),
    (
        "X=None",
        "NaiveForecaster",
        lambda: None,
        ValueError,
        "NaiveForecaster.predict needs X: a DataFrame whose index holds the time steps to forecast (it may have no "
        "columns), or use forecast(steps)",
    ),
]:
    add(
        "predict-" + id,
        "indexes",
        name,
        lambda e, name=name, make_X=make_X: FORECASTERS[name]().fit(None, series(index=days())).predict(make_X()),
        exc,
        match,
    )
add(
    "predict-float-index",
    "indexes",
    "NaiveForecaster",
    lambda e: NaiveForecaster().fit(None, series()).predict(pd.DataFrame(index=pd.Index([24.0, 25.0]))),
    TypeError,
    "The index of X is an Index of dtype float64, but the "
    "forecaster was fitted on an integer (Range) index. Use the same kind of index",
)
add(
    "predict-period-other-freq",
    "indexes",
    "NaiveForecaster",
    lambda e: (
        NaiveForecaster()
        .fit(None, series(index=pd.period_range("2000-01", periods=N, freq="M")))
        .predict(pd.DataFrame(index=pd.period_range("2002-01", periods=2, freq="Q")))
    ),
    ValueError,
    "The PeriodIndex of X has "
    "frequency 'Q-DEC', but the forecaster was fitted on frequency 'M'. Give labels of the training frequency, e.g. "
    "pd.period_range(start, periods=n, freq='M').",
)
add(
    "context-other-index-kind",
    "indexes",
    "RecursiveForecaster",
    lambda e: lr().fit(None, series(index=days())).forecast(2, y_context=series()),
    TypeError,
    "y_context has a RangeIndex, but the forecaster was fitted on a DatetimeIndex; use the same kind of index.",
)

# shapes, columns and covariates
add(
    "X-shorter-than-y",
    "shapes",
    "RecursiveForecaster",
    lambda e: lr().fit(np.zeros((N - 1, 1)), series()),
    ValueError,
    "X has 23 rows but y has 24; the covariates need one row per time step of y.",
)
add(
    "X-4d",
    "shapes",
    "DirectForecaster",
    lambda e: FORECASTERS["DirectForecaster"]().fit(np.zeros((N, 1, 1, 1)), series()),
    ValueError,
    "The covariates X must be 2-D (n_timesteps, n_covariates), got 4-D with shape (24, 1, 1, 1).",
)
add(
    "X-index-differs-from-y",
    "shapes",
    "RecursiveForecaster",
    lambda e: lr().fit(covariates(days()).iloc[::-1], series(index=days())),
    ValueError,
    "The covariates X must have exactly y's index (same labels, same order); their indexes differ",
)
add(
    "y-duplicated-columns",
    "shapes",
    "RecursiveForecaster",
    lambda e: lr().fit(None, pd.DataFrame(np.c_[series(), series()], columns=["a", "a"])),
    ValueError,
    "y has duplicated column names ['a']; each series needs its own name.",
)
add(
    "y-no-columns",
    "shapes",
    "NaiveForecaster",
    lambda e: NaiveForecaster().fit(None, pd.DataFrame(index=days())),
    ValueError,
    "y has no columns; pass at least one series.",
)
add(
    "context-other-columns",
    "shapes",
    "RecursiveForecaster",
    lambda e: (
        lr()
        .fit(None, pd.DataFrame({"a": series(), "b": series()}))
        .forecast(1, y_context=pd.DataFrame({"b": series(), "a": series()}))
    ),
    ValueError,
    "y_context must have the same series as y at fit time (['a', 'b']), got ['b', 'a'].",
)


def fitted_with_covariates(make=lr):
    return make().fit(covariates(days()), series(index=days()))


for cols, match in [
    (
        ("a", "c"),
        "The covariate columns of X must be those RecursiveForecaster was fitted with, by name and in the same "
        "order: ['a', 'b']; X has ['a', 'c'] (unseen at fit time: ['c']; seen at fit time, yet now missing: ['b']). "
        "Give X these columns, e.g. X[['a', 'b']] after adding or renaming the missing ones.",
    ),
    (
        ("b", "a"),
        "The covariate columns of X are those RecursiveForecaster was fitted with, but in another order: X has "
        "['b', 'a'], the fit had ['a', 'b']. Columns are read by position; reorder them: X[['a', 'b']].",
    ),
    (
        ("a",),
        "The covariate columns of X must be those RecursiveForecaster was fitted with, by name and in the same "
        "order: ['a', 'b']; X has ['a'] (seen at fit time, yet now missing: ['b']).",
    ),
]:
    add(
        "predict-columns-" + "".join(cols),
        "shapes",
        "RecursiveForecaster",
        lambda e, cols=cols: fitted_with_covariates().predict(covariates(_FUT, cols)),
        ValueError,
        match,
    )
add(
    "predict-columns-unseen",
    "shapes",
    "NaiveForecaster",
    lambda e: NaiveForecaster().fit(None, series(index=days())).predict(covariates(_FUT, ("a",))),
    ValueError,
    "X has 1 covariate column(s), but NaiveForecaster was fitted with 0.",
)
for name in ("NaiveForecaster", "ETSForecaster"):
    add(
        "covariates-at-fit",
        "covariates",
        name,
        lambda e, name=name: FORECASTERS[name]().fit(covariates(days(), ("a",)), series(index=days())),
        ValueError,
        f"{name} does not use covariates, but X has 1 "
        "column(s). Pass X=None or a DataFrame with no columns (pd.DataFrame(index=y.index)).",
    )
add(
    "covariates-missing-for-a-row",
    "covariates",
    "RecursiveForecaster",
    lambda e: fitted_with_covariates().predict(covariates(days(4, start="2020-01-25")[[0, 2]])),
    ValueError,
    "RecursiveForecaster was fitted with 2 covariate(s), "
    "which are needed for every step from the end of training to the last row asked for; 1 step(s) have none (first: "
    "[Timestamp('2020-01-26 00:00:00')]). Give X rows for those steps too.",
)
add(
    "covariates-not-given",
    "covariates",
    "DirectForecaster",
    lambda e: fitted_with_covariates(lambda: DirectForecaster(LinearRegression(), window_length=3, horizon=2)).forecast(
        2
    ),
    ValueError,
    "DirectForecaster was fitted with 2 covariate(s), which are needed for every step",
)
add(
    "covariates-fewer-rows-than-steps",
    "covariates",
    "RecursiveForecaster",
    lambda e: fitted_with_covariates().forecast(3, X=covariates(_FUT)),
    ValueError,
    "X has 2 rows but steps=3; give one row per forecast step.",
)
add(
    "covariates-on-other-steps",
    "covariates",
    "RecursiveForecaster",
    lambda e: fitted_with_covariates().forecast(2, X=covariates(days(2))),
    ValueError,
    "RecursiveForecaster.forecast(2): the index of X must be the forecast steps "
    "[2020-01-25 00:00:00 ... 2020-01-26 00:00:00] (2 rows, DatetimeIndex); X's index is [2020-01-01 00:00:00 ... "
    "2020-01-02 00:00:00] (2 rows, DatetimeIndex). Build X on those labels",
)
add(
    "covariates-nan",
    "covariates",
    "RecursiveForecaster",
    lambda e: fitted_with_covariates().forecast(2, X=covariates(_FUT).where(lambda X: X > 1)),
    ValueError,
    "The covariates X contain 3 missing (NaN, pd.NA) or infinite value(s) "
    "(first at row 0, column 'a'); covariates must be known for every row. Fill them explicitly (e.g. X.ffill())",
)
add(
    "covariates-pd.NA",
    "missing values",
    "RecursiveForecaster",
    lambda e: lr().fit(with_value(covariates(days()).astype("Float64"), 3, pd.NA), series(index=days())),
    ValueError,
    "The covariates X contain 2 missing (NaN, pd.NA) or infinite value(s) (first at row 3, column 'a'); covariates "
    "must be known for every row. Fill them explicitly (e.g. X.ffill()) or drop the covariate.",
)
add(
    "y-pd.NA",
    "missing values",
    "ThetaForecaster",
    lambda e: ThetaForecaster().fit(None, with_value(series().astype("Float64"), 4, pd.NA)),
    ValueError,
    "y has 1 missing value(s) after the start of a series (series 'y', positions [4]). Only leading NaN",
)
add(
    "y-objects-pd.NA",
    "missing values",
    "NaiveForecaster",
    lambda e: NaiveForecaster().fit(None, with_value(series().astype(object), 4, pd.NA)),
    TypeError,
    "y must hold numbers; column 'y' has dtype object (first value that is not a number: <NA> at position 4). "
    "Convert it, e.g. pd.to_numeric(y, errors='raise') or y.astype(float).",
)
for id, change, match in [
    (
        "forecast-columns-swapped",
        lambda X: X[["b", "a"]],
        "The covariate columns of X are those RecursiveForecaster was fitted with, but in another order: X has "
        "['b', 'a'], the fit had ['a', 'b']. Columns are read by position; reorder them: X[['a', 'b']].",
    ),
    (
        "forecast-columns-extra",
        lambda X: X.assign(c=0.0),
        "The covariate columns of X must be those RecursiveForecaster was fitted with, by name and in the same "
        "order: ['a', 'b']; X has ['a', 'b', 'c'] (unseen at fit time: ['c']).",
    ),
]:
    add(
        id,
        "shapes",
        "RecursiveForecaster",
        lambda e, change=change: fitted_with_covariates().forecast(2, X=change(covariates(_FUT))),
        ValueError,
        match,
    )
add(
    "covariates-text",
    "covariates",
    "RecursiveForecaster",
    lambda e: lr().fit(pd.DataFrame({"a": ["x"] * N}), series()),
    TypeError,
    f"The covariates X must be numeric; column 'a' has dtype {TEXT} and holds 'x' at row 0. Encode categories "
    "and dates first (e.g. with CalendarFeatures or OneHotEncoder); convert numbers stored as text with pd.to_numeric.",
)
add(
    "X_context-without-y_context",
    "covariates",
    "RecursiveForecaster",
    lambda e: fitted_with_covariates().forecast(2, X=covariates(_FUT), X_context=covariates(days())),
    ValueError,
    "X_context was given without y_context; give both or neither.",
)

# extreme values
add(
    "y-1e300-overflows",
    "extreme values",
    "RecursiveForecaster",
    lambda e: quiet(lambda: lr().fit(None, series(scale=1e300)).forecast(2)),
    ValueError,
    "RecursiveForecaster produced 2 NaN or infinite forecast "
    "value(s) (first at step 1 of series 'y') from a finite history whose largest |value| is 2.6e+301: the arithmetic "
    "overflowed or the model diverged. Rescale y to values of order 1",
)
add(
    "y-1e300-overflows",
    "extreme values",
    "DirectForecaster",
    lambda e: quiet(
        lambda: (
            DirectForecaster(LinearRegression(), window_length=3, horizon=2).fit(None, series(scale=1e300)).forecast(2)
        )
    ),
    ValueError,
    "DirectForecaster produced 2 NaN or infinite forecast value(s)",
)
add(
    "y-1e30-unscaled-net",
    "extreme values",
    "RecursiveForecaster",
    lambda e: RecursiveForecaster(RNNRegressor(**TINY), window_length=3, scaling=None).fit(None, series(scale=1e30)),
    TrainingDivergedError,
    "RNNRegressor: the training loss became inf (batch 1) at epoch 1 of 1; training stopped",
)
add(
    "y-1e39-beyond-float32",
    "extreme values",
    "Seq2SeqForecaster",
    lambda e: Seq2SeqForecaster(
        RNNRegressor(architecture="seq2seq", **TINY), window_length=3, horizon=2, scaling=None
    ).fit(None, series(scale=1e39)),
    ValueError,
    "RNNRegressor: training windows hold values beyond float32's range (about 3.4e38) once scaled; the net trains "
    "in float32. Scale the series to values of order 1 (e.g. scaling='series').",
)
add(
    "mul-error-nonpositive",
    "extreme values",
    "ETSForecaster",
    lambda e: ETSForecaster(error="mul").fit(None, series() - 15),
    ValueError,
    "ETSForecaster: error='mul' needs a strictly positive series; it has 6 value(s) "
    "<= 0 (first at position 0: -5.0). Use additive components ('add'), or shift the series above 0.",
)
add(
    "seasonal-one-season",
    "lengths",
    "ETSForecaster",
    lambda e: ETSForecaster(seasonal="add", sp=7).fit(None, series(10)),
    ValueError,
    "ETSForecaster: seasonal='add' needs two full seasons, 2 * sp = 14 values, to start its seasonal indices; the "
    "series has 10. Use seasonal=None, a smaller sp, or a longer series.",
)
add(
    "seasonal-nonpositive",
    "extreme values",
    "Naive2Forecaster",
    lambda e: Naive2Forecaster(sp=7).fit(None, series(70) - 14),
    ValueError,
    "Naive2Forecaster: naive2_forecast: a multiplicative decomposition needs a "
    "strictly positive series; y has 4 value(s) <= 0 (first at position 0). Shift the series to positive values",
)
add(
    "unfitted-predict",
    "not fitted",
    "Naive2Forecaster",
    lambda e: Naive2Forecaster().predict(pd.DataFrame(index=[1])),
    NotFittedError,
    "This Naive2Forecaster instance is not fitted yet.",
)
add(
    "no-intervals",
    "options",
    "NaiveForecaster",
    lambda e: NaiveForecaster().fit(None, series()).forecast(2, coverage=0.9),
    NotImplementedError,
    "NaiveForecaster does not give prediction intervals; call it without coverage, or use a model that gives them",
)
add(
    "context-needs-refit",
    "options",
    "ThetaForecaster",
    lambda e: ThetaForecaster().fit(None, series()).forecast(2, y_context=series(20)),
    NotImplementedError,
    "ThetaForecaster cannot forecast from a new y_context without refitting",
)

# ------------------------------------------------------------------------------ sequence estimators
RNG = np.random.default_rng(0)
X3 = RNG.normal(size=(8, 4, 2))
Y_REG = RNG.normal(size=8)
Y_CLF = np.array([0, 1] * 4)
TOKENS = RNG.integers(0, 5, size=(8, 4))
ESTIMATORS = {
    "RNNRegressor": (lambda **k: RNNRegressor(**{**TINY, **k}), Y_REG),
    "RNNClassifier": (lambda **k: RNNClassifier(**{**TINY, **k}), Y_CLF),
}


def put(X, index, value):
    X = X.astype(float).copy()
    X[index] = value
    return X


def est_fit(name, X, y=None, **params):
    make, default_y = ESTIMATORS[name]
    return make(**params).fit(X, default_y if y is None else y)


def est_predict(name, X_predict, X_fit=X3, **params):
    return est_fit(name, X_fit, **params).predict(X_predict)


for id, name, run, exc, match in [
    (
        "X-nan",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", put(X3, (1, 2, 0), np.nan)),
        ValueError,
        "X contains 1 NaN and 0 infinite value(s), the first at X[1, 2, 0] = nan. RNNRegressor cannot train or "
        "predict on missing or infinite values",
    ),
    (
        "X-inf",
        "RNNClassifier",
        lambda e: est_fit("RNNClassifier", put(X3, (0, 3, 1), np.inf)),
        ValueError,
        "the first at X[0, 3, 1] = inf.",
    ),
    (
        "y-nan",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", X3, put(Y_REG, 2, np.nan)),
        ValueError,
        "y contains 1 NaN and 0 infinite value(s), the first at y[2] = nan. RNNRegressor cannot train",
    ),
    (
        "y-nan",
        "RNNClassifier",
        lambda e: est_fit("RNNClassifier", X3, put(Y_CLF, 2, np.nan)),
        ValueError,
        "the first at y[2] = nan. RNNClassifier cannot train or predict on missing or infinite values: drop or impute "
        "them before calling it (nothing is imputed silently).",
    ),
    (
        "predict-X-nan",
        "RNNRegressor",
        lambda e: est_predict("RNNRegressor", put(X3, (7, 0, 0), np.nan)),
        ValueError,
        "the first at X[7, 0, 0] = nan.",
    ),
    (
        "y-pd-NA",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", X3, pd.Series(Y_REG, dtype="Float64").mask(np.arange(8) == 4)),
        ValueError,
        "y contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at y[4] = <NA>. RNNRegressor cannot "
        "train or predict on missing values: drop or impute them",
    ),
    (
        "X-pd-NA",
        "RNNClassifier",
        lambda e: est_fit("RNNClassifier", pd.DataFrame(TOKENS, dtype="Int64").mask(np.arange(32).reshape(8, 4) == 6)),
        ValueError,
        "X contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at X[1, 2] = <NA>.",
    ),
]:
    add(id, "missing values", name, run, exc, match)
for id, name, X, exc, match in [
    (
        "X-text",
        "RNNRegressor",
        X3.astype(str),
        TypeError,
        "RNNRegressor expects numeric X; got an array of strings/bytes (dtype <U32). Convert it to numbers explicitly",
    ),
    (
        "X-objects",
        "RNNClassifier",
        np.full((8, 4, 2), "a", dtype=object),
        TypeError,
        "RNNClassifier expects numeric X; got dtype object whose values cannot be read as numbers",
    ),
    (
        "X-complex",
        "RNNRegressor",
        X3 + 1j,
        ValueError,
        "Complex data not supported: RNNRegressor got complex X (dtype complex128). Pass real values",
    ),
    (
        "X-sparse",
        "RNNClassifier",
        sp.csr_matrix(np.ones((8, 4))),
        TypeError,
        "RNNClassifier does not accept sparse X (got csr_matrix of shape (8, 4)): sequence models need dense arrays. "
        "Convert it with X.toarray().",
    ),
]:
    add(id, "data types", name, lambda e, name=name, X=X: est_fit(name, X), exc, match)
add(
    "y-text",
    "data types",
    "RNNRegressor",
    lambda e: est_fit("RNNRegressor", X3, Y_REG.astype(str)),
    TypeError,
    "RNNRegressor expects numeric y; got an array of strings/bytes",
)
add(
    "y-continuous",
    "data types",
    "RNNClassifier",
    lambda e: est_fit("RNNClassifier", X3, Y_REG),
    ValueError,
    "RNNClassifier is a classifier and expects discrete class labels in y; got continuous values (non-integer "
    "floats), e.g. y[0] = 0.3289696294602021. For a continuous target use RNNRegressor; for labels stored as "
    "floats, cast them (y.astype(int)).",
)
for id, name, X, match in [
    (
        "no-samples",
        "RNNRegressor",
        X3[:0],
        "RNNRegressor got an empty X of shape (0, 4, 2) (0 samples); at least one sequence is required.",
    ),
    (
        "no-time-steps",
        "RNNClassifier",
        X3[:, :0],
        "RNNClassifier got an X with 0 feature(s) (shape=(8, 0, 2)) while a minimum of 1 is required: axis 1 holds the "
        "time steps",
    ),
    ("empty-list", "RNNRegressor", [], "RNNRegressor got an empty list of sequences (0 samples)"),
    (
        "empty-sequence",
        "RNNClassifier",
        [X3[0], X3[1][:0]] + list(X3[2:]),
        "X[1] is an empty sequence (0 time steps); RNNClassifier needs at least one step in every sequence. Remove it "
        "(and its target)",
    ),
]:
    add(
        id,
        "lengths",
        name,
        lambda e, name=name, X=X: est_fit(name, X, ESTIMATORS[name][1][: len(X)]),
        ValueError,
        match,
    )
for id, name, run, match in [
    (
        "X-1d",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", X3[:, 0, 0]),
        "RNNRegressor expects a 2-D or 3-D X; got a 1-D array of shape (8,). Reshape your data either using X.reshape(1, "
        "-1)",
    ),
    (
        "X-4d",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", X3[..., None]),
        "RNNRegressor expects X of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps); got a 4-D "
        "array of shape (8, 4, 2, 1). Merge the extra axes into features",
    ),
    (
        "predict-X-4d",
        "RNNClassifier",
        lambda e: est_predict("RNNClassifier", X3[..., None]),
        "got a 4-D array of shape (8, 4, 2, 1)",
    ),
    (
        "y-shorter-than-X",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", X3, Y_REG[:-1]),
        "X and y have different numbers of samples: X holds 8 sequences, y holds 7 rows. RNNRegressor needs one target "
        "row per sequence",
    ),
    (
        "X-shorter-than-y",
        "RNNClassifier",
        lambda e: est_fit("RNNClassifier", X3[:6]),
        "X holds 6 sequences, y holds 8 rows.",
    ),
    (
        "predict-fewer-steps",
        "RNNRegressor",
        lambda e: est_predict("RNNRegressor", X3[:, :3]),
        "X has sequences of 3 time steps, but RNNRegressor was fitted on sequences of 4 time steps (X of shape (8, 3, "
        "2)). Pass sequences of 4 time steps",
    ),
    (
        "predict-fewer-features",
        "RNNClassifier",
        lambda e: est_predict("RNNClassifier", X3[:, :, :1]),
        "X has 1 features per time step, but RNNClassifier was fitted on 2; got X of shape (8, 4, 1). Pass the same "
        "features, in the same order",
    ),
    (
        "predict-other-columns",
        "RNNRegressor",
        lambda e: est_predict(
            "RNNRegressor",
            pd.DataFrame(X3[:, :, 0], columns=list("azcd")),
            X_fit=pd.DataFrame(X3[:, :, 0], columns=list("abcd")),
        ),
        "The feature names should match those that were passed during fit.",
    ),
    (
        "y-3d",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", X3, Y_REG[:, None, None]),
        "RNNRegressor with "
        "architecture='many_to_one' expects y of shape (n_samples,) or (n_samples, n_targets); got y of shape (8, 1, 1)",
    ),
    (
        "y-2d",
        "RNNClassifier",
        lambda e: est_fit("RNNClassifier", X3, np.c_[Y_CLF, Y_CLF]),
        "RNNClassifier with architecture='many_to_one' predicts one label per sequence; got y of shape (8, 2).",
    ),
    (
        "list-features-differ",
        "RNNRegressor",
        lambda e: est_fit("RNNRegressor", [X3[0], X3[1][:, :1]], Y_REG[:2]),
        "All sequences must have the same number of features per step: X[0] has 2, X[1] has 1.",
    ),
]:
    add(id, "shapes", name, run, ValueError, match)
for name, params, match in [
    (
        "RNNRegressor",
        dict(cell="transformer"),
        "The 'cell' parameter of RNNRegressor must be a str among {'gru', 'lstm', 'rnn'}. Got 'transformer' instead.",
    ),
    (
        "RNNClassifier",
        dict(nonlinearity="sigmoid"),
        "The 'nonlinearity' parameter of RNNClassifier must be a str among {'relu', 'tanh'}. Got 'sigmoid' instead.",
    ),
    (
        "RNNRegressor",
        dict(cell="lstm", nonlinearity="relu"),
        "RNNRegressor: nonlinearity='relu' only applies to cell='rnn'; the LSTM cell has fixed tanh/sigmoid gates.",
    ),
    (
        "RNNRegressor",
        dict(loss="mae"),
        "The 'loss' parameter of RNNRegressor must be a str among {'absolute_error', 'gaussian', "
        "'huber', 'negative_binomial', 'quantile', 'squared_error', 'student_t'}. Got 'mae' instead.",
    ),
    (
        "RNNRegressor",
        dict(optimizer="lbfgs"),
        "The 'optimizer' parameter of RNNRegressor must be a str among {'adam', "
        "'adamw', 'rmsprop', 'sgd'} or a torch.optim.Optimizer subclass. Got 'lbfgs' instead.",
    ),
    (
        "RNNRegressor",
        dict(architecture="encoder"),
        "The 'architecture' parameter of RNNRegressor must be a str among "
        "{'many_to_many', 'many_to_one', 'seq2seq'}. Got 'encoder' instead.",
    ),
    (
        "RNNClassifier",
        dict(architecture="seq2seq"),
        "The 'architecture' parameter of RNNClassifier must be a str among "
        "{'many_to_many', 'many_to_one'}. Got 'seq2seq' instead.",
    ),
    (
        "RNNClassifier",
        dict(pooling="max"),
        "The 'pooling' parameter of RNNClassifier must be a str among {'attention', "
        "'last', 'mean'}. Got 'max' instead.",
    ),
    (
        "RNNClassifier",
        dict(class_weight="balance"),
        "The 'class_weight' parameter of RNNClassifier must be a str among "
        "{'balanced'}, an instance of 'dict' or None. Got 'balance' instead.",
    ),
    ("RNNRegressor", dict(device="tpu"), "RNNRegressor: device='tpu' is not a torch device"),
    (
        "RNNRegressor",
        dict(architecture="seq2seq", bidirectional=True),
        "RNNRegressor: architecture='seq2seq' forecasts "
        "forward in time and cannot be bidirectional; set bidirectional=False",
    ),
    (
        "RNNRegressor",
        dict(attention="luong", architecture="seq2seq"),
        "The 'attention' parameter of RNNRegressor must be a str among {'additive', 'dot'} or None. Got 'luong' "
        "instead.",
    ),
    (
        "RNNRegressor",
        dict(attention="dot"),
        "RNNRegressor: attention='dot' is the attention of a seq2seq decoder over the encoder's outputs; "
        "architecture='many_to_one' has no decoder. Use architecture='seq2seq', or attention=None.",
    ),
    (
        "RNNRegressor",
        dict(tbptt_steps=2),
        "RNNRegressor: tbptt_steps=2 trains on chunks of 2 steps with a target at each step, so it needs "
        "architecture='many_to_many'; got architecture='many_to_one'.",
    ),
    (
        "RNNClassifier",
        dict(conv_channels=(0,)),
        "The 'conv_channels' parameter of RNNClassifier must be a non-empty "
        "tuple of ints >= 1, a str among {'auto'} or None. Got (0,) instead.",
    ),
    (
        "RNNClassifier",
        dict(max_steps=0),
        "The 'max_steps' parameter of RNNClassifier must be an int in the range [1, inf), a str among {'auto'} "
        "or None. Got 0 instead.",
    ),
    (
        "RNNClassifier",
        dict(lr_schedule="linear"),
        "The 'lr_schedule' parameter of RNNClassifier must be a str among {'auto', 'constant', 'cosine'}. Got "
        "'linear' instead.",
    ),
]:
    add(
        f"{next(iter(params))}={params[next(iter(params))]!r}",
        "options",
        name,
        lambda e, name=name, params=params: est_fit(name, X3, **params),
        ValueError,
        match,
    )
for name, params, match, (xfail, today) in [
    (
        "RNNRegressor",
        dict(hidden_size=0),
        "The 'hidden_size' parameter of RNNRegressor must be an int in the range [1, inf). Got 0 instead.",
        ("", None),
    ),
    (
        "RNNClassifier",
        dict(hidden_size=2.0),
        "The 'hidden_size' parameter of RNNClassifier must be an int in the range [1, inf). Got 2.0 instead.",
        ("", None),
    ),
    (
        "RNNClassifier",
        dict(max_epochs=0),
        "The 'max_epochs' parameter of RNNClassifier must be an int in the range [1, inf) or a str among {'auto'}. "
        "Got 0 instead.",
        ("", None),
    ),
    (
        "RNNRegressor",
        dict(lr=0),
        "The 'lr' parameter of RNNRegressor must be a float in the range (0.0, inf). Got 0 instead.",
        ("", None),
    ),
    (
        "RNNRegressor",
        dict(dropout=1.0),
        "The 'dropout' parameter of RNNRegressor must be a float in the range [0.0, 1.0). Got 1.0 instead.",
        ("", None),
    ),
    (
        "RNNClassifier",
        dict(validation_fraction=1.5),
        "The 'validation_fraction' parameter of RNNClassifier must be a "
        "float in the range (0.0, 1.0). Got 1.5 instead.",
        ("", None),
    ),
    (
        "RNNRegressor",
        dict(hidden_size=True),
        "The 'hidden_size' parameter of RNNRegressor must be an int in the range [1, inf). Got True instead.",
        ("", None),
    ),
    (
        "RNNClassifier",
        dict(batch_size=True),
        "The 'batch_size' parameter of RNNClassifier must be an int in the range [1, inf) or a str among {'auto'}. "
        "Got True instead.",
        ("", None),
    ),
    (
        "RNNClassifier",
        dict(tbptt_steps=0),
        "The 'tbptt_steps' parameter of RNNClassifier must be an int in the range [1, inf) or None. Got 0 instead.",
        ("", None),
    ),
]:
    add(
        f"{next(iter(params))}={params[next(iter(params))]!r}",
        "parameters",
        name,
        lambda e, name=name, params=params: est_fit(name, X3, **params),
        ValueError,
        match,
        xfail,
        today,
    )
add(
    "y-1e30-diverges",
    "extreme values",
    "RNNRegressor",
    lambda e: est_fit("RNNRegressor", X3, Y_REG * 1e30),
    TrainingDivergedError,
    "RNNRegressor: the training loss became inf (batch 1) at epoch 1 of 1; training stopped and "
    "the estimator keeps its previous fitted state, if any. Lower the learning rate (lr=0.001), or scale X and y",
)
add(
    "y-1e39-beyond-float32",
    "extreme values",
    "RNNRegressor",
    lambda e: est_fit("RNNRegressor", X3, Y_REG * 1e39),
    ValueError,
    "y contains 0 NaN and 5 infinite value(s), the first at y[2, 0] = inf.",
)
add(
    "X-1e39-beyond-float32",
    "extreme values",
    "RNNClassifier",
    lambda e: est_fit("RNNClassifier", X3 * 1e39),
    ValueError,
    "X contains 0 NaN and 48 infinite value(s), the first at X[0, 1, 0] = inf. RNNClassifier "
    "cannot train or predict on missing or infinite values (values beyond float32's range count as infinite)",
)
for id, run, exc, match in [
    (
        "unseen-token-ids",
        lambda e: est_predict("RNNClassifier", TOKENS + 10, X_fit=TOKENS, embedding_dim=2),
        ValueError,
        "X holds 32 token id(s) unseen at fit, the first at X[0, 0] = 12; RNNClassifier was fitted on ids "
        "0..4 (num_embeddings_=5) and has no embedding for larger ids. Map unseen tokens to an id present",
    ),
    (
        "negative-token-ids",
        lambda e: est_predict("RNNClassifier", TOKENS - 10, X_fit=TOKENS, embedding_dim=2),
        ValueError,
        "Token ids must be >= 0; X holds 32 negative id(s), the first at X[0, 0] = -8.",
    ),
    (
        "float-token-ids",
        lambda e: est_fit("RNNClassifier", TOKENS * 1.0, embedding_dim=2),
        TypeError,
        "RNNClassifier has embedding_dim set, so X must hold integer token ids; X has dtype float64. Cast with "
        "X.astype(int)",
    ),
    (
        "3d-token-ids",
        lambda e: est_fit("RNNClassifier", TOKENS[..., None], embedding_dim=2),
        ValueError,
        "so X must hold token ids of shape (n_samples, n_timesteps) or be a list of 1-D token sequences; got an array of "
        "shape (8, 4, 1).",
    ),
    (
        "single-class",
        lambda e: est_fit("RNNClassifier", X3, np.zeros(8)),
        ValueError,
        "RNNClassifier needs at least 2 "
        "classes to train; y holds a single class (0.0) in all 8 samples. Check the labels",
    ),
    (
        "single-class-strings",
        lambda e: est_fit("RNNClassifier", X3, np.array(["up"] * 8)),
        ValueError,
        "y holds a single class ('up') in all 8 samples.",
    ),
    (
        "labels-mixing-types",
        lambda e: est_fit("RNNClassifier", X3, [1, "a"] * 4),
        TypeError,
        "RNNClassifier expects class labels of one type in y (all numbers, all strings or all booleans); got number "
        "and str labels, e.g. y[0] = 1 and y[1] = 'a'. Convert them to one type first",
    ),
    (
        "label-None",
        lambda e: est_fit("RNNClassifier", X3, ["a", "b", None, "b", "a", "b", "a", "b"]),
        ValueError,
        "y contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at y[2] = None. RNNClassifier cannot "
        "train on samples without a label: drop them, and their sequences, before calling it",
    ),
    (
        "token-id-1e9",
        lambda e: est_fit("RNNClassifier", put(TOKENS, (3, 2), 10**9).astype(int), embedding_dim=2),
        ValueError,
        "RNNClassifier: the largest token id is 1000000000 (at X[3, 2]), so the embedding table would need "
        "1,000,000,001 rows x embedding_dim=2 = 2,000,000,002 weights (7.5 GiB in float32, several times that in "
        "training), more than the limit of 268,435,456 (1 GiB). Token ids index the table's rows: map the",
    ),
    (
        "class-weight-negative",
        lambda e: est_fit("RNNClassifier", X3, class_weight={0: -1.0, 1: 1.0}),
        ValueError,
        "The 'class_weight' parameter of RNNClassifier must map classes to weights >= 0; class_weight[0] = -1.0 is "
        "negative. Give each class a finite weight >= 0",
    ),
    (
        "class-weight-nan",
        lambda e: est_fit("RNNClassifier", X3, class_weight={0: 1.0, 1: np.nan}),
        ValueError,
        "class_weight[1] = nan is not finite.",
    ),
    (
        "class-weight-unknown-class",
        lambda e: est_fit("RNNClassifier", X3, class_weight={0: 1.0, 5: 2.0}),
        ValueError,
        "The 'class_weight' parameter of RNNClassifier has key(s) [5] that are not classes of y; the classes are "
        "[0, 1].",
    ),
    (
        "generate-from-labels-that-are-no-token-ids",
        lambda e: est_fit(
            "RNNClassifier", TOKENS, np.where(TOKENS % 2, "odd", "even"), architecture="many_to_many", embedding_dim=2
        ).generate(TOKENS[:1], 3),
        ValueError,
        "RNNClassifier.generate feeds each drawn class back as an input token id, so the classes must be integer "
        "token ids; this net's classes_ are of dtype <U4 (e.g. 'even'). Fit a language model",
    ),
]:
    add(id, "labels", "RNNClassifier", run, exc, match)
add(
    "unfitted",
    "not fitted",
    "RNNRegressor",
    lambda e: ESTIMATORS["RNNRegressor"][0]().predict(X3),
    NotFittedError,
    "This RNNRegressor instance is not fitted yet.",
)
add(
    "unfitted-proba",
    "not fitted",
    "RNNClassifier",
    lambda e: ESTIMATORS["RNNClassifier"][0]().predict_proba(X3),
    NotFittedError,
    "This RNNClassifier instance is not fitted yet.",
)

# ------------------------------------------------------------------------------------- windowing
V = np.arange(10.0)
for id, run, exc, match, cat in [
    (
        "nan-default-raise",
        lambda e: make_windows(put(V, 3, np.nan), 3),
        ValueError,
        "make_windows: values contain NaN at time step(s) 3. Fill or interpolate them first, or pass missing='drop'",
        "missing values",
    ),
    (
        "inf",
        lambda e: make_windows(put(V, 4, np.inf), 3),
        ValueError,
        "make_windows: values contains 1 infinite value(s), the first at time step 4 = inf. Replace them",
        "missing values",
    ),
    (
        "all-windows-touch-nan",
        lambda e: make_windows(np.full(10, np.nan), 3, missing="drop"),
        ValueError,
        "every one of the 7 windows touches a NaN, so missing='drop' leaves no window.",
        "missing values",
    ),
    (
        "text",
        lambda e: make_windows(V.astype(str), 3),
        TypeError,
        "make_windows: values must be real numbers (int, float or bool); got dtype <U32. Convert them first",
        "data types",
    ),
    (
        "objects",
        lambda e: make_windows(np.array(["a"] * 10, dtype=object), 3),
        TypeError,
        "got an object array that cannot be converted to float",
        "data types",
    ),
    (
        "empty",
        lambda e: make_windows(V[:0], 3),
        ValueError,
        "make_windows needs a series of at least window_length + horizon = 3 + 1 = 4 time steps; got 0.",
        "lengths",
    ),
    (
        "one-step",
        lambda e: make_windows(V[:1], 1),
        ValueError,
        "window_length + horizon = 1 + 1 = 2 time steps; got 1. "
        "Use a shorter window_length or horizon, or a longer series.",
        "lengths",
    ),
    ("shorter-than-window", lambda e: make_windows(V[:3], 3), ValueError, "= 3 + 1 = 4 time steps; got 3.", "lengths"),
    (
        "4d",
        lambda e: make_windows(V.reshape(10, 1, 1, 1), 3),
        ValueError,
        "make_windows: values must be 1-D "
        "(n_timesteps,) or 2-D (n_timesteps, n_features); got an array of shape (10, 1, 1, 1).",
        "shapes",
    ),
    (
        "target-out-of-range",
        lambda e: make_windows(V, 3, target=2),
        ValueError,
        "The 'target' parameter of "
        "make_windows must be an int in the range [0, 1). Got 2 instead. It indexes the columns of the values, which "
        "have 1 feature(s).",
        "parameters",
    ),
    (
        "missing='fill'",
        lambda e: make_windows(V, 3, missing="fill"),
        ValueError,
        "The 'missing' parameter of make_windows must be a str among {'drop', 'raise'}. Got 'fill' instead.",
        "options",
    ),
    (
        "step=0",
        lambda e: make_windows(V, 3, step=0),
        ValueError,
        "The 'step' parameter of make_windows must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
]:
    add(id, cat, "make_windows", run, exc, match)
for value in (0, -1, 2.0, True, "3", None):
    add(
        f"window_length={value!r}",
        "parameters",
        "make_windows",
        lambda e, v=value: make_windows(V, v),
        ValueError,
        f"The 'window_length' parameter of make_windows must be an int in the range [1, inf). Got {value!r} instead.",
    )
for value in (0, 1.5, False):
    add(
        f"horizon={value!r}",
        "parameters",
        "make_windows",
        lambda e, v=value: make_windows(V, 3, horizon=v),
        ValueError,
        f"The 'horizon' parameter of make_windows must be an int in the range [1, inf). Got {value!r} instead.",
    )
for id, run, match, cat in [
    (
        "empty-list",
        lambda e: make_windows_multi([], 3),
        "make_windows_multi: got an empty list of series; pass at least one series.",
        "lengths",
    ),
    (
        "features-differ",
        lambda e: make_windows_multi([np.zeros((5, 2)), np.zeros((5, 1))], 2),
        "every series must have the same number of features; got series 0: 2, series 1: 1.",
        "shapes",
    ),
    (
        "series-too-short",
        lambda e: make_windows_multi([V, V[:2]], 3),
        "make_windows_multi: series 1 has 2 time steps; "
        "each series needs at least window_length + horizon = 3 + 1 = 4. Remove the series",
        "lengths",
    ),
    (
        "all-nan-series",
        lambda e: make_windows_multi([V, np.full(5, np.nan)], 3),
        "make_windows_multi: series 1 has no valid value (all NaN); remove it from the input.",
        "missing values",
    ),
    (
        "nan-inside",
        lambda e: make_windows_multi([V, put(V, 5, np.nan)], 3),
        "series 1 has NaN inside it (after its "
        "first valid value) at time step(s) 5. Fill or interpolate them, or pass missing='drop'",
        "missing values",
    ),
    (
        "3d-panel",
        lambda e: make_windows_multi(np.zeros((5, 2, 2)), 2),
        "expected a list of series or a 2-D array of "
        "shape (n_timesteps, n_series) with one series per column; got an array of shape (5, 2, 2).",
        "shapes",
    ),
    (
        "window_length=0",
        lambda e: make_windows_multi([V], 0),
        "The 'window_length' parameter of make_windows_multi must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
]:
    add(id, cat, "make_windows_multi", run, ValueError, match)
for id, run, match, cat in [
    (
        "window_length=0",
        lambda e: SlidingWindowTransformer(0).fit(V),
        "The 'window_length' parameter of "
        "SlidingWindowTransformer must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
    (
        "window_length=2.5",
        lambda e: SlidingWindowTransformer(2.5).fit(V),
        "The 'window_length' parameter of "
        "SlidingWindowTransformer must be an int in the range [1, inf). Got 2.5 instead.",
        "parameters",
    ),
    (
        "step=0",
        lambda e: SlidingWindowTransformer(2, step=0).fit(V),
        "The 'step' parameter of SlidingWindowTransformer must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
    (
        "shorter-than-window",
        lambda e: SlidingWindowTransformer(20).fit(V),
        "SlidingWindowTransformer needs a series of "
        "at least window_length = 20 time steps; got 10. Use a shorter window_length",
        "lengths",
    ),
    ("nan", lambda e: SlidingWindowTransformer(2).fit(put(V, 3, np.nan)), "Input X contains NaN.", "missing values"),
    (
        "3d",
        lambda e: SlidingWindowTransformer(2).fit(V.reshape(10, 1, 1)),
        "SlidingWindowTransformer windows one "
        "series, of shape (n_timesteps,) or (n_timesteps, n_features); got an array of shape (10, 1, 1).",
        "shapes",
    ),
    (
        "features-differ",
        lambda e: SlidingWindowTransformer(2).fit(np.zeros((10, 2))).transform(np.zeros((10, 3))),
        "X has 3 features, but SlidingWindowTransformer is expecting 2 features as input.",
        "shapes",
    ),
    (
        "columns-differ",
        lambda e: SlidingWindowTransformer(2).fit(pd.DataFrame({"a": V})).transform(pd.DataFrame({"b": V})),
        "The feature names should match those that were passed during fit.",
        "shapes",
    ),
]:
    add(id, cat, "SlidingWindowTransformer", run, ValueError, match)
_CAL = pd.DataFrame(index=days(3))
for id, run, exc, match, cat in [
    (
        "unknown-feature",
        lambda e: CalendarFeatures(features=("week",)).fit(_CAL),
        ValueError,
        "The 'features' "
        "parameter of CalendarFeatures must be a non-empty tuple of distinct str among {'month', 'quarter'",
        "options",
    ),
    (
        "features-string",
        lambda e: CalendarFeatures(features="month").fit(_CAL),
        TypeError,
        "'minute'}. Got 'month' instead. Did you mean features=('month',)?",
        "options",
    ),
    (
        "unknown-encoding",
        lambda e: CalendarFeatures(encoding="sine").fit(_CAL),
        ValueError,
        "The 'encoding' parameter "
        "of CalendarFeatures must be a str among {'cyclical', 'onehot', 'ordinal'}. Got 'sine' instead.",
        "options",
    ),
    (
        "range-index",
        lambda e: CalendarFeatures().fit(pd.DataFrame(index=range(3))),
        ValueError,
        "CalendarFeatures needs a DatetimeIndex or PeriodIndex to read calendar features from; got a RangeIndex",
        "indexes",
    ),
    (
        "numpy",
        lambda e: CalendarFeatures().fit(np.zeros((3, 1))),
        TypeError,
        "CalendarFeatures reads the calendar from the index of a pandas DataFrame or Series; got ndarray.",
        "data types",
    ),
    (
        "NaT",
        lambda e: CalendarFeatures().fit(pd.DataFrame(index=pd.DatetimeIndex(["2020-01-01", pd.NaT]))),
        ValueError,
        "CalendarFeatures: X's index has NaT at row(s) 1; every row needs a date.",
        "indexes",
    ),
]:
    add(id, cat, "CalendarFeatures", run, exc, match)
for id, run, exc, match, cat in [
    (
        "single-string",
        lambda e: TextTokenizer().fit("a text"),
        TypeError,
        "TextTokenizer expects an iterable of texts (one str per document), got a single str ('a text'). Wrap it "
        "in a list: [text].",
        "data types",
    ),
    (
        "not-a-str",
        lambda e: TextTokenizer().fit(["a text", 3.5]),
        TypeError,
        "TextTokenizer expects every document to be a str; X[1] is 3.5 of type float. Convert the documents to str",
        "data types",
    ),
    (
        "nan-text",
        lambda e: TextTokenizer().fit(pd.Series(["a text", np.nan])),
        ValueError,
        "TextTokenizer expects every document to be a str; X[1] is nan, a missing value. Drop or fill missing "
        "texts before calling it",
        "missing values",
    ),
]:
    add(id, cat, "TextTokenizer", run, exc, match)

# --------------------------------------------------------------------------------------- metrics
A, B = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0])
for id, target, run, exc, match, cat in [
    (
        "nan",
        "mae",
        lambda e: metrics.mae(put(A, 1, np.nan), B),
        ValueError,
        "mae: y_true contains 1 NaN and 0 infinite "
        "value(s), the first at position 1 = nan. Metrics do not skip or impute values",
        "missing values",
    ),
    (
        "inf",
        "rmse",
        lambda e: metrics.rmse(A, put(B, 2, np.inf)),
        ValueError,
        "rmse: y_pred contains 0 NaN and 1 infinite value(s), the first at position 2 = inf.",
        "missing values",
    ),
    (
        "y_train-nan",
        "mase",
        lambda e: metrics.mase(A, B, y_train=put(V, 3, np.nan)),
        ValueError,
        "mase: y_train contains 1 NaN and 0 infinite value(s), the first at position 3 = nan.",
        "missing values",
    ),
    (
        "text",
        "smape",
        lambda e: metrics.smape(["a", "b", "c"], B),
        TypeError,
        "smape: y_true must hold numbers; got list holding text (e.g. 'a'), which metrics do not parse.",
        "data types",
    ),
    (
        "y_train-text",
        "mase",
        lambda e: metrics.mase(A, B, y_train=V.astype(str)),
        TypeError,
        "mase: y_train must hold numbers; got ndarray holding text (e.g. '0.0'), which metrics do not parse. Convert it "
        "first, e.g. with pd.to_numeric",
        "data types",
    ),
    (
        "booleans",
        "mape",
        lambda e: metrics.mape(A > 1, B > 1),
        TypeError,
        "mape: y_true must hold numbers; got ndarray of booleans (dtype bool). Convert it with .astype(float) if 0/1 "
        "values are meant.",
        "data types",
    ),
    (
        "pandas-text",
        "mae",
        lambda e: metrics.mae(pd.Series(A), pd.Series(["1", "2", "3"])),
        TypeError,
        "mae: y_pred must hold numbers; got Series holding text (e.g. '1')",
        "data types",
    ),
    (
        "empty",
        "rmsse",
        lambda e: metrics.rmsse([], [], y_train=V),
        ValueError,
        "rmsse: y_true is empty (shape (0,)); there is nothing to score.",
        "lengths",
    ),
    (
        "y_train-too-short",
        "mase",
        lambda e: metrics.mase(A, B, y_train=V[:1]),
        ValueError,
        "mase: the training series 0 (the only series) has 1 value(s); the scale at lag sp=1 needs at least sp + 1 = 2. "
        "Pass a longer training series",
        "lengths",
    ),
    (
        "shape-mismatch",
        "mae",
        lambda e: metrics.mae(A, B[:2]),
        ValueError,
        "mae: y_true and y_pred must have the same shape, (horizon,) or (horizon, n_series); got y_true (3,) and y_pred "
        "(2,).",
        "shapes",
    ),
    (
        "3d",
        "smape",
        lambda e: metrics.smape(A.reshape(3, 1, 1), B.reshape(3, 1, 1)),
        ValueError,
        "smape: y_true must be 1-D of shape (horizon,) or 2-D of shape (horizon, n_series); got 3-D with shape (3, 1, "
        "1).",
        "shapes",
    ),
    (
        "index-mismatch",
        "mae",
        lambda e: metrics.mae(pd.Series(A), pd.Series(B, index=[1, 2, 3])),
        ValueError,
        "mae: y_true and y_pred are pandas objects with different index ([0, 1, 2]... vs [1, 2, 3]...); metrics compare "
        "values position by position and do not realign.",
        "shapes",
    ),
    (
        "y_train-series-count",
        "mase",
        lambda e: metrics.mase(A, B, y_train=[V, V]),
        ValueError,
        "mase: y_train holds 2 series but y_true has 1 (its columns); pass one training series per column of y_true.",
        "shapes",
    ),
    (
        "multioutput",
        "mape",
        lambda e: metrics.mape(A, B, multioutput="variance_weighted"),
        ValueError,
        "The 'multioutput' parameter of mape must be a str among {'raw_values', 'uniform_average'}. Got "
        "'variance_weighted' instead.",
        "options",
    ),
    (
        "unknown-metric",
        "make_forecast_scorer",
        lambda e: metrics.make_forecast_scorer("r2"),
        ValueError,
        "The 'name' parameter of make_forecast_scorer must be a str among {'mae', 'mape', 'mase', 'rmse', 'rmsse', "
        "'smape'}. Got 'r2' instead.",
        "options",
    ),
    (
        "sp-on-scale-free",
        "make_forecast_scorer",
        lambda e: metrics.make_forecast_scorer("mae", sp=12),
        ValueError,
        "make_forecast_scorer: sp only applies to 'mase' and 'rmsse'; got sp=12 with 'mae'.",
        "options",
    ),
    (
        "sp=0",
        "mase",
        lambda e: metrics.mase(A, B, y_train=V, sp=0),
        ValueError,
        "The 'sp' parameter of mase must be an int in the range [1, inf). Got 0 instead. sp is the seasonal period "
        "of the scale",
        "parameters",
    ),
    (
        "sp=1.5",
        "rmsse",
        lambda e: metrics.rmsse(A, B, y_train=V, sp=1.5),
        ValueError,
        "The 'sp' parameter of rmsse must be an int in the range [1, inf). Got 1.5 instead.",
        "parameters",
    ),
    (
        "zero-actual",
        "mape",
        lambda e: metrics.mape(np.array([0.0, 1.0, 2.0]), B),
        ValueError,
        "mape: y_true has 1 zero value(s) (first at (step, series) (0, 0)); MAPE divides by the actual value and is "
        "undefined there. Use smape or mase",
        "extreme values",
    ),
    (
        "constant-y_train",
        "mase",
        lambda e: metrics.mase(A, B, y_train=np.full(5, 3.0)),
        ValueError,
        "mase: the scale of series 0 (the only series) is zero: its training values repeat exactly at lag sp=1 (e.g. a "
        "constant series), so a scaled error would divide by zero. Score that series with a scale-free "
        "metric",
        "extreme values",
    ),
    (
        "overflowing-error",
        "mae",
        lambda e: metrics.mae([1e308], [-1e308]),
        OverflowError,
        "mae: the mean absolute error of series 0 (the only series) is about 2.0e+308, beyond the largest float "
        "(1.8e+308), so it cannot be returned. Divide y_true, y_pred (and y_train) by a common factor, e.g. 1e6, "
        "and score again: MAE and RMSE scale with it, sMAPE and MASE do not.",
        "extreme values",
    ),
    (
        "tiny-scale",
        "mase",
        lambda e: metrics.mase([1e10], [-1e10], y_train=np.array([0.0, 1e-300, 0.0])),
        OverflowError,
        "mase: the MASE of series 0 (the only series) is about 2.0e+310, beyond the largest float (1.8e+308), so "
        "it cannot be returned. Its scale (the in-sample error of the seasonal naive forecast at lag sp=1) is tiny "
        "against the forecast errors; score that series with a scale-free metric (mae, smape).",
        "extreme values",
    ),
    (
        "constant-y_train-1e30",
        "rmsse",
        lambda e: metrics.rmsse(A, B, y_train=np.full(5, 1e30)),
        ValueError,
        "rmsse: the scale of series 0 (the only series) is zero",
        "extreme values",
    ),
    (
        "seasonal-repeat",
        "mase",
        lambda e: metrics.mase(A, B, y_train=np.tile([1.0, 2.0], 4), sp=2),
        ValueError,
        "its training values repeat exactly at lag sp=2",
        "extreme values",
    ),
    (
        "constant-y_train",
        "m4_scores",
        lambda e: metrics.m4_scores(A, B, y_train=np.ones(5)),
        ValueError,
        "mase: the scale of series 0 (the only series) is zero",
        "extreme values",
    ),
    (
        "negative",
        "owa",
        lambda e: metrics.owa(-1.0, 1.0, 1.0, 1.0),
        ValueError,
        "owa: smape must be a finite number >= 0 (a mean error); got -1.0.",
        "parameters",
    ),
    (
        "zero-naive2",
        "owa",
        lambda e: metrics.owa(1.0, 1.0, 0.0, 1.0),
        ValueError,
        "owa: smape_naive2 is 0, so the relative error is undefined; OWA needs Naive2 errors > 0.",
        "extreme values",
    ),
    (
        "nan",
        "owa",
        lambda e: metrics.owa(1.0, np.nan, 1.0, 1.0),
        ValueError,
        "owa: mase must be a finite number >= 0 (a mean error); got nan.",
        "missing values",
    ),
]:
    add(f"{target}-{id}", cat, "metrics", run, exc, match)

# ------------------------------------------------------------------------- splitters, backtest, compare
Y_BT = series()
for id, target, run, match, cat in [
    (
        "test_size=0",
        "ExpandingWindowSplitter",
        lambda e: list(ExpandingWindowSplitter(test_size=0).split(V)),
        "The 'test_size' parameter of ExpandingWindowSplitter must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
    (
        "gap=-1",
        "ExpandingWindowSplitter",
        lambda e: list(ExpandingWindowSplitter(test_size=2, gap=-1).split(V)),
        "The 'gap' parameter of ExpandingWindowSplitter must be an int in the range [0, inf). Got -1 instead.",
        "parameters",
    ),
    (
        "too-many-splits",
        "ExpandingWindowSplitter",
        lambda e: list(ExpandingWindowSplitter(test_size=3, n_splits=5).split(V)),
        "ExpandingWindowSplitter needs at least 16 rows for n_splits=5 (1 training row + gap=0 + (n_splits - 1) * step = "
        "4 * 3 + test_size=3); got 10. Use fewer splits",
        "lengths",
    ),
    (
        "X-y-lengths",
        "ExpandingWindowSplitter",
        lambda e: list(ExpandingWindowSplitter(test_size=2).split(V, V[:9])),
        "Found input variables with inconsistent numbers of samples: [10, 9]",
        "shapes",
    ),
    (
        "window_length=2.0",
        "SlidingWindowSplitter",
        lambda e: list(SlidingWindowSplitter(window_length=2.0, test_size=2).split(V)),
        "The 'window_length' parameter of SlidingWindowSplitter must be an int in the range [1, inf). Got 2.0 instead.",
        "parameters",
    ),
    (
        "window-too-long",
        "SlidingWindowSplitter",
        lambda e: list(SlidingWindowSplitter(window_length=10, test_size=2).split(V)),
        "SlidingWindowSplitter needs at least 12 rows for one split (window_length=10 + gap=0 + test_size=2); got 10.",
        "lengths",
    ),
    (
        "get_n_splits-without-X",
        "SlidingWindowSplitter",
        lambda e: SlidingWindowSplitter(window_length=3, test_size=2).get_n_splits(),
        "SlidingWindowSplitter.get_n_splits needs X when n_splits is None",
        "shapes",
    ),
]:
    add(id, cat, target, run, ValueError, match)
for value in (0, 1.5, True, "2"):
    add(
        f"horizon={value!r}",
        "parameters",
        "backtest",
        lambda e, v=value: backtest(NaiveForecaster(), Y_BT, horizon=v),
        ValueError,
        f"The 'horizon' parameter of backtest must be an int in the range [1, inf). Got {value!r} instead.",
    )
for id, run, exc, match, cat in [
    (
        "step=0",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, step=0),
        ValueError,
        "The 'step' parameter of backtest must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
    (
        "initial_window=0",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, initial_window=0),
        ValueError,
        "The 'initial_window' parameter of backtest must be an int in the range [1, inf) or None. Got 0 instead.",
        "parameters",
    ),
    (
        "refit=0",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, refit=0),
        ValueError,
        "The 'refit' parameter of "
        "backtest must be True or False or an int in the range [1, inf). Got 0 instead. True refits at every origin, "
        "False fits once on the first window, an int k every k origins.",
        "parameters",
    ),
    (
        "coverage=2",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, coverage=2),
        ValueError,
        "The 'coverage' parameter of backtest must be a float in the range (0.0, 1.0) or None. Got 2 instead.",
        "parameters",
    ),
    (
        "verbose=-1",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, verbose=-1),
        ValueError,
        "The 'verbose' parameter of backtest must be an int in the range [0, inf). Got -1 instead.",
        "parameters",
    ),
    (
        "n_jobs=0",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, n_jobs=0),
        ValueError,
        "The 'n_jobs' parameter of backtest must be an int in the range [1, inf), an int in the range (-inf, -1] "
        "or None. Got 0 instead. n_jobs is the number of fits run at once: None or 1 for one at a time, -1 for "
        "every CPU, -2 for every CPU but one.",
        "parameters",
    ),
    (
        "window='rolling'",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, window="rolling"),
        ValueError,
        "The 'window' parameter of backtest must be a str among {'expanding', 'sliding'}. Got 'rolling' instead.",
        "options",
    ),
    (
        "sliding-without-length",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, window="sliding"),
        ValueError,
        "backtest: window='sliding' needs window_length, the number of time steps each fit sees",
        "options",
    ),
    (
        "expanding-with-length",
        lambda e: backtest(NaiveForecaster(), Y_BT, horizon=2, window_length=5),
        ValueError,
        "backtest: window_length=5 applies only to window='sliding'",
        "options",
    ),
    (
        "too-short",
        lambda e: backtest(NaiveForecaster(), Y_BT.iloc[:3], horizon=3),
        ValueError,
        "backtest needs at least 4 time steps for one origin (1 training step + horizon=3); y has 3. Use a "
        "smaller horizon",
        "lengths",
    ),
    (
        "empty",
        lambda e: backtest(NaiveForecaster(), Y_BT.iloc[:0], horizon=2, initial_window=1),
        ValueError,
        "backtest needs at least 3 time steps for one origin (initial_window=1 + horizon=2); y has 0.",
        "lengths",
    ),
    (
        "numpy-y",
        lambda e: backtest(NaiveForecaster(), Y_BT.to_numpy(), horizon=2),
        TypeError,
        "backtest: y must be a pandas Series (one series) or DataFrame (one column per series); got ndarray.",
        "data types",
    ),
    (
        "text-y",
        lambda e: backtest(NaiveForecaster(), Y_BT.astype(str), horizon=2),
        TypeError,
        f"y must hold numbers; column 'y' has dtype {TEXT} (first value that is not a number: '10.0' at position 0).",
        "data types",
    ),
    (
        "not-a-forecaster",
        lambda e: backtest(LinearRegression(), Y_BT, horizon=2),
        TypeError,
        "backtest needs a "
        "seqforecast forecaster (with fit(X, y) and forecast(steps, ...)); got LinearRegression. Wrap a scikit-learn "
        "regressor, e.g. RecursiveForecaster(regressor).",
        "options",
    ),
    (
        "X-length",
        lambda e: backtest(NaiveForecaster(), Y_BT, np.zeros((N - 1, 1)), horizon=2),
        ValueError,
        "backtest: X has 23 rows but y has 24; the covariates need one row per time step of y.",
        "shapes",
    ),
    (
        "X-index",
        lambda e: backtest(NaiveForecaster(), Y_BT, pd.DataFrame(index=Y_BT.index + 1), horizon=2),
        ValueError,
        "backtest: X must have exactly y's index (same labels, same order); X starts at [1] and y at [0].",
        "covariates",
    ),
    (
        "nan-inside",
        lambda e: backtest(NaiveForecaster(), with_value(Y_BT, 20, np.nan), horizon=2),
        ValueError,
        "y has 1 missing value(s) after the start of a series (series 'y', positions [20]).",
        "missing values",
    ),
    (
        "unsorted",
        lambda e: backtest(NaiveForecaster(), Y_BT.iloc[::-1], horizon=2),
        ValueError,
        "The index of y is not sorted in increasing order",
        "indexes",
    ),
    (
        "irregular",
        lambda e: backtest(
            NaiveForecaster(), series(30, index=days(29).append(pd.DatetimeIndex(["2020-03-15"]))), horizon=2
        ),
        ValueError,
        "The DatetimeIndex of y has no frequency and none can be inferred from its values",
        "indexes",
    ),
]:
    add(id, cat, "backtest", run, exc, match)
for id, run, exc, match, cat in [
    (
        "sp=0",
        lambda e: compare(NaiveForecaster(), Y_BT, horizon=2, sp=0, baselines=False),
        ValueError,
        "The 'sp' parameter of compare must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
    (
        "horizon=0",
        lambda e: compare(NaiveForecaster(), Y_BT, horizon=0, baselines=False),
        ValueError,
        "The 'horizon' parameter of backtest must be an int in the range [1, inf). Got 0 instead.",
        "parameters",
    ),
    (
        "n_jobs=0",
        lambda e: compare(NaiveForecaster(), Y_BT, horizon=2, baselines=False, n_jobs=0),
        ValueError,
        "The 'n_jobs' parameter of compare must be an int in the range [1, inf), an int in the range (-inf, -1] "
        "or None. Got 0 instead.",
        "parameters",
    ),
    (
        "unknown-baseline",
        lambda e: compare(NaiveForecaster(), Y_BT, horizon=2, baselines=["naive", "ets"]),
        ValueError,
        "The 'baselines' parameter of compare must be a str among {'arima', 'naive', 'seasonal-naive'}. "
        "Got 'ets' instead.",
        "options",
    ),
    (
        "numpy-y",
        lambda e: compare(NaiveForecaster(), Y_BT.to_numpy(), horizon=2, baselines=False),
        TypeError,
        "compare: y must be a pandas Series (one series) or DataFrame (one column per series); got ndarray.",
        "data types",
    ),
    (
        "no-model",
        lambda e: compare({}, Y_BT, horizon=2, baselines=False),
        ValueError,
        "compare: no model to compare; pass forecasters, or baselines=True.",
        "options",
    ),
    (
        "not-a-forecaster",
        lambda e: compare({"x": 3}, Y_BT, horizon=2, baselines=False),
        TypeError,
        "backtest needs a seqforecast forecaster (with fit(X, y) and forecast(steps, ...)); got int.",
        "options",
    ),
]:
    add(id, cat, "compare", run, exc, match)
for id, run, match in [
    (
        "unknown-name",
        lambda e: load_ucr("Gunpoint"),
        "Unknown dataset 'Gunpoint'; the bundled ones are "
        "['ItalyPowerDemand', 'GunPoint', 'BasicMotions', 'JapaneseVowels']. Did you mean 'GunPoint'?",
    ),
    (
        "unknown-split",
        lambda e: load_ucr("GunPoint", split="valid"),
        "load_ucr: split must be 'train' or 'test' (the archive's official split), got 'valid'.",
    ),
]:
    add(id, "options", "load_ucr", run, ValueError, match)

# ---------------------------------------------------------------------------------------- command line
_MONTHLY = pd.DataFrame(
    {"date": pd.date_range("2000-01-01", periods=30, freq="MS").strftime("%Y-%m-%d"), "a": np.arange(30.0) + 1}
)


def _dates(n):
    return pd.date_range("2000-01-01", periods=n).strftime("%Y-%m-%d")


def cli(env, argv, frame=_MONTHLY):
    """Run ``main(argv)`` on ``frame`` written as ``{csv}``; a non-zero status raises :class:`CLIExit`."""
    path = env.tmp_path / "data.csv"
    if frame is not None:
        frame.to_csv(path, index=False)
    argv = [str(a).format(csv=path, out=env.tmp_path / "out.csv", dir=env.tmp_path) for a in argv]
    code = main(argv)
    out, err = env.capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, f"expected one line on stderr and none on stdout: {err!r}"
    if code:
        raise CLIExit(f"exit {code}: {err.strip()}")


_FC = ["forecast", "{csv}", "--out", "{out}", "--model", "naive"]
for id, argv, frame, match in [
    (
        "no-arguments",
        [],
        None,
        "exit 2: seqforecast: error: the following arguments are required: command (see seqforecast --help)",
    ),
    (
        "unknown-command",
        ["predict"],
        None,
        "exit 2: seqforecast: error: argument command: invalid choice: 'predict' "
        "(choose from 'forecast', 'backtest', 'benchmark')",
    ),
    (
        "missing-horizon",
        _FC,
        _MONTHLY,
        "exit 2: seqforecast forecast: error: the following arguments are required: "
        "--horizon (see seqforecast forecast --help)",
    ),
    (
        "horizon=0",
        _FC + ["--horizon", 0],
        _MONTHLY,
        "exit 2: seqforecast forecast: error: --horizon must be a positive integer, got 0",
    ),
    ("horizon=-3", _FC + ["--horizon", -3], _MONTHLY, "--horizon must be a positive integer, got -3"),
    (
        "horizon=100000000",
        _FC + ["--horizon", 100000000],
        _MONTHLY,
        "exit 2: seqforecast forecast: error: --horizon must be at most 1000000 (the most steps seqforecast "
        "forecasts ahead), got 100000000",
    ),
    (
        "horizon=1.5",
        _FC + ["--horizon", 1.5],
        _MONTHLY,
        "exit 2: seqforecast forecast: error: argument --horizon: invalid int value: '1.5'",
    ),
    ("horizon=abc", _FC + ["--horizon", "abc"], _MONTHLY, "argument --horizon: invalid int value: 'abc'"),
    (
        "unknown-model",
        ["forecast", "{csv}", "--out", "{out}", "--horizon", 2, "--model", "lstm"],
        _MONTHLY,
        "exit 2: seqforecast forecast: error: argument --model: invalid choice: 'lstm' (choose from 'auto', 'rnn', "
        "'arima', 'naive', 'seasonal-naive')",
    ),
    (
        "unknown-flag",
        _FC + ["--horizon", 2, "--modle", "naive"],
        _MONTHLY,
        "exit 2: seqforecast: error: unrecognized arguments: --modle naive",
    ),
    ("sp=0", _FC + ["--horizon", 2, "--sp", 0], _MONTHLY, "--sp must be a positive integer, got 0"),
    (
        "window-length=0",
        ["forecast", "{csv}", "--out", "{out}", "--horizon", 2, "--window-length", 0],
        _MONTHLY,
        "exit 2: seqforecast forecast: error: --window-length must be a positive integer, got 0",
    ),
    (
        "torch-threads=0",
        _FC + ["--horizon", 2, "--torch-threads", 0],
        _MONTHLY,
        "--torch-threads must be a positive integer, got 0",
    ),
    (
        "file-missing",
        ["forecast", "{dir}/nope.csv", "--out", "{out}", "--horizon", 2],
        None,
        "exit 2: seqforecast forecast: error: file not found:",
    ),
    ("column-missing", _FC + ["--horizon", 2, "--columns", "zz"], _MONTHLY, "error: column 'zz' not found in"),
    (
        "date-column-missing",
        _FC + ["--horizon", 2, "--date-column", "day"],
        _MONTHLY,
        "error: column 'day' not found in",
    ),
    (
        "out-folder-missing",
        ["forecast", "{csv}", "--out", "{dir}/no/out.csv", "--horizon", 2, "--model", "naive"],
        _MONTHLY,
        "exit 2: seqforecast forecast: error: the folder of --out does not exist:",
    ),
    (
        "text-column",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": _dates(5), "a": ["1", "2", "x", "4", "5"]}),
        "exit 1: seqforecast forecast: error: column 'a' is not numeric: 'x' at 2000-01-03 (line 4); write a number "
        "there, or, if 'x' means a missing value, use --na-values 'x'",
    ),
    (
        "bad-dates",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": ["2000-01-01", "soon", "2000-01-03"], "a": [1.0] * 3}),
        "exit 1: seqforecast forecast: error: cannot parse the date column 'date' as dates: 'soon' at line 3; give "
        "their format with --date-format (e.g. '%d.%m.%Y')",
    ),
    (
        "irregular-dates",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": ["2000-01-01", "2000-01-02", "2000-01-05", "2000-01-09"], "a": [1.0] * 4}),
        "exit 1: seqforecast forecast: error: the dates in column 'date' have no regular step (steps of 1 day, 3 days, "
        "4 days); write one row per time step",
    ),
    (
        "unsorted-dates",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": _dates(3)[::-1], "a": [1.0] * 3}),
        "exit 1: seqforecast forecast: error: the dates in column 'date' are not in increasing order: 2000-01-02 "
        "(line 3) comes after 2000-01-03 (line 2); sort the file by date",
    ),
    (
        "duplicated-dates",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": ["2000-01-01"] * 2 + ["2000-01-02"], "a": [1.0] * 3}),
        "exit 1: seqforecast forecast: error: the date 2000-01-01 appears 2 times in column 'date' (lines 2, 3); keep "
        "one row per date",
    ),
    (
        "no-rows",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": [], "a": []}),
        "has a header but no data rows (0 time steps)",
    ),
    (
        "only-a-date-column",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": _dates(3)}),
        "has one column, 'date'; seqforecast needs a date column (dates, or time steps 1, 2, 3, ...; the first, or "
        "--date-column) and one column per series",
    ),
    (
        "one-row",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": _dates(1), "a": [1.0]}),
        "exit 1: seqforecast forecast: error: column 'date' has 1 date(s), and at least 3 are needed to tell their "
        "frequency; write more rows, or time steps 1, 2, 3, ... instead of dates",
    ),
    (
        "backtest-step=0",
        ["backtest", "{csv}", "--out", "{out}", "--model", "naive", "--horizon", 2, "--step", 0],
        _MONTHLY,
        "exit 2: seqforecast backtest: error: --step must be a positive integer, got 0",
    ),
    (
        "backtest-sliding-window=0",
        ["backtest", "{csv}", "--out", "{out}", "--horizon", 2, "--sliding-window", 0],
        _MONTHLY,
        "exit 2: seqforecast backtest: error: --sliding-window must be a positive integer, got 0",
    ),
    (
        "benchmark-horizon=0",
        ["benchmark", "--out", "{dir}", "--horizon", 0],
        None,
        "exit 2: seqforecast benchmark: error: --horizon must be a positive integer, got 0",
    ),
    (
        "benchmark-unknown-baseline",
        ["benchmark", "--out", "{dir}", "--baselines", "naive,ets"],
        None,
        "exit 2: "
        "seqforecast benchmark: error: argument --baselines: 'naive,ets' is not a comma-separated list of baselines "
        "among naive, seasonal-naive, arima",
    ),
    # errors in the data found while modelling: exit status 1, still one line
    (
        "nan-in-column",
        _FC + ["--horizon", 2],
        pd.DataFrame({"date": _dates(5), "a": [1, 2, np.nan, 4, 5]}),
        "exit 1: seqforecast forecast: error: column 'a' has 1 missing value(s) after its first value: 2000-01-03 "
        "(line 4); fill them in the file (seqforecast does not impute; missing cells may only precede a series' first "
        "value)",
    ),
    (
        "backtest-horizon-too-long",
        ["backtest", "{csv}", "--out", "{out}", "--model", "naive", "--horizon", 40],
        _MONTHLY,
        "exit 1: seqforecast backtest: error: backtest needs at least 41 time steps for one origin (1 training "
        "step + horizon=40); y has 30.",
    ),
    (
        "season-longer-than-series",
        _FC[:-1] + ["seasonal-naive", "--horizon", 2, "--sp", 12],
        pd.DataFrame({"date": _dates(5), "a": np.arange(5.0)}),
        "exit 1: seqforecast forecast: error: "
        "SeasonalNaiveForecaster: seasonal_naive_forecast: y needs at least 12 value(s) (one full season, sp=12); got 5.",
    ),
]:
    add(id, "command line", "cli", lambda e, argv=argv, frame=frame: cli(e, argv, frame), CLIExit, match)
add(
    "boolean-column",
    "command line",
    "cli",
    lambda e: cli(e, _FC + ["--horizon", 2], pd.DataFrame({"date": _dates(5), "a": [True, False, True, True, False]})),
    CLIExit,
    "exit 1: seqforecast forecast: error: column 'a' is not numeric: 'True' at 2000-01-01 (line 2); write booleans "
    "as numbers (0/1)",
)
add(
    "mixed-time-zones",
    "command line",
    "cli",
    lambda e: cli(
        e,
        _FC + ["--horizon", 2],
        pd.DataFrame(
            {"date": ["2000-01-01T00:00+00:00", "2000-01-02T00:00+01:00", "2000-01-03T00:00"], "a": [1.0] * 3}
        ),
    ),
    CLIExit,
    "exit 1: seqforecast forecast: error: the date column 'date' mixes time zones; write every date in one zone, or in UTC",
)


# -------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail, raises=c.today)] if c.xfail else []
        )
        for c in CASES
    ],
)
def test_bad_input_is_refused_with_a_clear_message(case, tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeqforecastWarning)  # a warning where an error is due fails the row
        with pytest.raises(case.exc, match=re.escape(case.match)):
            case.run(Env(tmp_path, capsys))


def test_the_table_is_well_formed():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert {c.category for c in CASES} == set(CATEGORIES)
    assert all(c.match for c in CASES) and len(CASES) >= 100


@pytest.mark.parametrize("name", sorted(FORECASTERS))
def test_a_constant_series_gets_finite_forecasts(name):
    """Zero scale never divides silently: a constant series gives finite forecasts (rules: exactly the value)."""
    y = pd.Series(np.full(N, 7.0), name="y")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        forecast = FORECASTERS[name]().fit(None, y).forecast(2)
    assert np.isfinite(forecast.to_numpy()).all()
    if name in ("NaiveForecaster", "SeasonalNaiveForecaster", "Naive2Forecaster", "ThetaForecaster", "ETSForecaster"):
        np.testing.assert_array_equal(forecast, [7.0, 7.0])  # ETS: the value, no fit (the likelihood has no maximum)
    assert not [w for w in caught if issubclass(w.category, SeqforecastWarning)]


@pytest.mark.parametrize("scaling", ["series", "window", None])
def test_scaling_a_constant_series_never_divides_by_zero(scaling):
    y = pd.Series(np.full(N, 7.0))
    f = lr(scaling=scaling).fit(None, y)
    np.testing.assert_allclose(f.forecast(3), [7.0, 7.0, 7.0], rtol=1e-12)
    if scaling == "series":
        np.testing.assert_array_equal(f.scale_, [1.0])  # the scale of constant data is 1, not 0


def test_large_values_are_forecast_in_their_own_units():
    y = series(scale=1e30)
    np.testing.assert_array_equal(NaiveForecaster().fit(None, y).forecast(2), [y.iloc[-1]] * 2)
    recursive = lr().fit(None, y).forecast(2)  # scaled by the series' own mean and std: no overflow
    assert np.isfinite(recursive).all() and recursive.min() > 1e31 and recursive.max() < 4e31


def test_metrics_of_huge_values_do_not_overflow():
    # rmse: sqrt((1 + 4) / 2) * 1e200; rmsse: the same over the rms of the training differences (1e200)
    assert metrics.rmse([1e200, 2e200], [0.0, 0.0]) == pytest.approx(np.sqrt(2.5) * 1e200, rel=1e-12)
    assert metrics.rmsse([1e200, 2e200], [0.0, 0.0], y_train=np.array([1e200, 2e200, 3e200])) == pytest.approx(
        np.sqrt(2.5), rel=1e-12
    )


def test_classifier_score_counts_labels_unseen_at_fit_as_errors():
    """What scikit-learn does: predict returns fitted classes only; accuracy compares, unseen labels never match."""
    clf = est_fit("RNNClassifier", X3)
    assert set(clf.predict(X3)) <= {0, 1}
    assert clf.score(X3, np.full(8, 5)) == 0.0


def test_the_readme_section_is_generated_from_this_table():
    import importlib.util

    spec = importlib.util.spec_from_file_location("reliability_section", ROOT / "tools" / "reliability_section.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tool.read_block(readme) == tool.render(CASES, CATEGORIES), (
        "README.md's reliability section is out of date; run `python tools/reliability_section.py --write`."
    )
