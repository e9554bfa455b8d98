"""Prediction intervals through backtest, compare and the reports (issue 13): the interval columns, the coverage
table beside the leaderboard (hand-computed), its Markdown and HTML forms, and the shaded bands of the plot."""

import re
import warnings
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator

from seqforecast.base import BaseForecaster
from seqforecast.baselines import ARIMAForecaster, NaiveForecaster
from seqforecast.evaluation import backtest
from seqforecast.evaluation.backtest import BACKTEST_COLUMNS, TIMING_COLUMNS
from seqforecast.evaluation.reporting import compare, html
from seqforecast.evaluation.reporting.html import render_html, render_markdown
from seqforecast.evaluation.reporting.intervals import COVERAGE_COLUMNS
from seqforecast.evaluation.reporting.plots import model_colours
from seqforecast.exceptions import SeqforecastWarning
from seqforecast.forecasting import ConformalForecaster


class LastOfHistory(BaseForecaster):
    """The naive forecast, with an interval of +-1 whatever the coverage."""

    def _fit(self, Y, X):
        self.fitted_ = True
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.tile(Y[-1], (horizon, 1))

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        point = self._predict(horizon, Y, X, X_future)
        return point - 1.0, point + 1.0


class Constant(BaseForecaster):
    """A constant forecast, without intervals."""

    def __init__(self, value=0.0):
        self.value = value

    def _fit(self, Y, X):
        self.fitted_ = True
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.full((horizon, Y.shape[1]), float(self.value))


Y_TINY = pd.Series([1.0, 2.0, 4.0, 7.0, 8.0, 10.0, 13.0, 12.0], name="sales")


def tiny(coverage=0.8):
    # horizon 2, step 2, >= 4 training rows: origins with cutoffs at rows 3 and 5
    return compare(
        {"naive": LastOfHistory(), "nine": Constant(9.0)},
        Y_TINY,
        horizon=2,
        initial_window=4,
        baselines=False,
        coverage=coverage,
    )


def two_series(n=24):
    t = np.arange(n)
    return pd.DataFrame(
        {"a": 20 + 3 * np.sin(t / 1.7) + 0.2 * t, "b": 50 - 0.3 * t + np.cos(t / 2.3)},
        index=pd.period_range("2000-01", periods=n, freq="M"),
    )


# ---------------------------------------------------------------------------------------------------------
# backtest
# ---------------------------------------------------------------------------------------------------------
def test_without_coverage_the_frame_is_unchanged():
    bt = backtest(LastOfHistory(), Y_TINY, horizon=2, initial_window=4)
    assert list(bt.columns) == BACKTEST_COLUMNS + TIMING_COLUMNS
    assert BACKTEST_COLUMNS == ["model", "series", "cutoff", "timestamp", "horizon_step", "y_true", "y_pred"]


def test_arima_intervals_in_the_backtest_frame():
    bt = backtest(ARIMAForecaster(order=(1, 0, 0)), two_series(), horizon=3, initial_window=15, coverage=0.9)
    assert list(bt.columns) == [*BACKTEST_COLUMNS, "y_lower", "y_upper", *TIMING_COLUMNS]
    assert not bt.isna().any().any()
    assert ((bt["y_lower"] < bt["y_pred"]) & (bt["y_pred"] < bt["y_upper"])).all()
    # the bounds are those of forecast(coverage=...) at the last origin
    last = bt[bt["cutoff"] == bt["cutoff"].iloc[-1]]
    model = ARIMAForecaster(order=(1, 0, 0)).fit(None, two_series().iloc[:21])
    expected = model.forecast(3, coverage=0.9)
    assert_allclose(last[last["series"] == "b"]["y_lower"], expected["b_lower"], rtol=1e-12)
    assert_allclose(last[last["series"] == "a"]["y_upper"], expected["a_upper"], rtol=1e-12)


def test_a_forecaster_without_intervals_says_to_wrap_it():
    message = (
        "NaiveForecaster does not give prediction intervals; call it without coverage, or use a model that gives "
        "them (ETSForecaster, ARIMAForecaster), or wrap it in ConformalForecaster(NaiveForecaster(...), horizon=2) "
        "for intervals calibrated on its own forecast errors."
    )
    with pytest.raises(NotImplementedError, match=re.escape(message)):
        backtest(NaiveForecaster(), Y_TINY, horizon=2, initial_window=4, coverage=0.9)
    wrapped = ConformalForecaster(NaiveForecaster(), horizon=2, step=1)
    bt = backtest(wrapped, pd.Series(np.arange(40.0) % 7, name="y"), horizon=2, coverage=0.5)
    assert not bt[["y_lower", "y_upper"]].isna().any().any()


class DuckWithoutIntervals(BaseEstimator):
    """Not a BaseForecaster: fit and forecast only, and no intervals."""

    def fit(self, X, y):
        self.last_ = float(y.iloc[-1])
        self.index_ = y.index
        return self

    def forecast(self, steps, X=None, coverage=None, **context):
        if coverage is not None:
            raise NotImplementedError("DuckWithoutIntervals has no intervals.")
        start = self.index_[-1] + 1
        return pd.Series(self.last_, index=pd.RangeIndex(start, start + steps), name="sales")


def test_other_forecasters_without_intervals_get_the_hint_from_backtest():
    message = (
        "DuckWithoutIntervals has no intervals. backtest(..., coverage=0.9) needs prediction intervals from "
        "DuckWithoutIntervals: wrap it in ConformalForecaster(forecaster, horizon=2) for intervals calibrated on "
        "its own forecast errors, or leave coverage None."
    )
    with pytest.raises(NotImplementedError, match=re.escape(message)):
        backtest(DuckWithoutIntervals(), Y_TINY, horizon=2, initial_window=4, coverage=0.9)
    assert len(backtest(DuckWithoutIntervals(), Y_TINY, horizon=2, initial_window=4)) == 4


class NoNotes(RuntimeError):
    """An exception without add_note, as every exception on Python 3.10."""

    def __getattribute__(self, name):
        if name == "add_note":
            raise AttributeError(name)
        return super().__getattribute__(name)


class FailingFit(Constant):
    def _fit(self, Y, X):
        raise NoNotes("the fit failed")


def test_errors_pass_through_where_exceptions_have_no_add_note():
    with pytest.raises(NoNotes, match="^the fit failed$"):
        backtest(FailingFit(), Y_TINY, horizon=2, initial_window=4)


def test_interval_columns_are_built_in_one_frame():
    """forecast(coverage=...) of 120 series: no fragmented frame, the columns in the order of old."""
    rng = np.random.default_rng(0)
    y = pd.DataFrame(rng.normal(10, 1, (12, 120)), columns=[f"s{k}" for k in range(120)])
    model = LastOfHistory().fit(None, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' PerformanceWarning "DataFrame is highly fragmented"
        out = model.forecast(2, coverage=0.9)
    names = list(y.columns)
    assert list(out.columns) == names + [f"{n}_{side}" for n in names for side in ("lower", "upper")]
    assert_allclose(out["s7_lower"], y["s7"].iloc[-1] - 1.0)
    assert_allclose(out["s119_upper"], y["s119"].iloc[-1] + 1.0)
    one = LastOfHistory().fit(None, Y_TINY).forecast(2, coverage=0.9)
    assert list(one.columns) == ["sales", "sales_lower", "sales_upper"]
    unnamed = LastOfHistory().fit(None, Y_TINY.rename(None)).forecast(2, coverage=0.9)
    assert list(unnamed.columns) == [0, "0_lower", "0_upper"]
    assert (out.dtypes == np.float64).all()


# ---------------------------------------------------------------------------------------------------------
# the coverage table
# ---------------------------------------------------------------------------------------------------------
def test_coverage_table_hand_computed():
    table = tiny(coverage=0.8).coverage_table()
    assert list(table.columns) == COVERAGE_COLUMNS
    assert list(table.index) == ["naive", "nine"]  # leaderboard order
    naive = table.loc["naive"]
    # cutoff row 3 (value 7): interval [6, 8] against 8 (in, on the bound) and 10 (out)
    # cutoff row 5 (value 10): interval [9, 11] against 13 and 12 (both out)
    assert naive["intervals"] and naive["n_forecasts"] == 2
    assert naive["coverage"] == pytest.approx(0.25, rel=1e-12)
    assert naive["acd"] == pytest.approx(0.55, rel=1e-12)
    assert naive["width"] == pytest.approx(2.0, rel=1e-12)
    # MSIS, 2 / alpha = 10: origin 1 mean(2, 2 + 10 * 2) / scale mean(1, 2, 3) = 12 / 2 = 6;
    # origin 2 mean(2 + 10 * 2, 2 + 10 * 1) / scale mean(1, 2, 3, 1, 2) = 17 / 1.8
    assert naive["msis"] == pytest.approx((6 + 17 / 1.8) / 2, rel=1e-12)
    nine = table.loc["nine"]
    assert not nine["intervals"] and nine["n_forecasts"] == 2
    assert nine[["coverage", "acd", "width", "msis"]].isna().all()


def test_msis_leaves_out_forecasts_without_a_scale():
    y = pd.Series([5.0, 5.0, 5.0, 5.0, 6.0, 8.0, 9.0, 12.0], name="flat_start")
    with pytest.warns(SeqforecastWarning, match="MASE is undefined for 1"):
        result = compare({"naive": LastOfHistory()}, y, horizon=2, initial_window=4, baselines=False, coverage=0.5)
        table = result.coverage_table()
    # only the second origin has a scale: mean |diff| of 5, 5, 5, 5, 6, 8 = 3 / 5; interval [7, 9] against 9, 12
    assert table.loc["naive", "msis"] == pytest.approx(np.mean([2.0, 2.0 + 4.0 * 3.0]) / 0.6, rel=1e-12)
    assert not table.isna().any().any()


def test_coverage_is_checked_and_needed():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'coverage' parameter of compare must be a float in the range (0.0, 1.0) or None. Got 1.5 instead."
        ),
    ):
        compare({"nine": Constant(9.0)}, Y_TINY, horizon=2, initial_window=4, baselines=False, coverage=1.5)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "coverage_table: this comparison was made without coverage, so it recorded no prediction intervals; "
            "run compare(..., coverage=0.9) (command line: --coverage 0.9)."
        ),
    ):
        tiny(coverage=None).coverage_table()


def test_baselines_without_intervals_are_listed():
    result = compare({"naive": LastOfHistory()}, Y_TINY, horizon=2, initial_window=4, baselines=["naive"], coverage=0.8)
    table = result.coverage_table()
    assert table["intervals"].to_dict() == {"naive": True, "NaiveForecaster": False}
    assert result.results[result.results["model"] == "NaiveForecaster"][["y_lower", "y_upper"]].isna().all().all()


# ---------------------------------------------------------------------------------------------------------
# Markdown, HTML, plots, files
# ---------------------------------------------------------------------------------------------------------
def test_markdown_shows_the_coverage_table_after_the_leaderboard():
    text = render_markdown(tiny())
    assert "| model | coverage | ACD | mean width | MSIS | forecasts |" in text
    assert "| naive | 0.25 | 0.55 | 2 | 7.722 | 2 |" in text
    assert "| nine | no intervals | — | — | — | 2 |" in text
    assert text.index("## Leaderboard") < text.index("## Prediction intervals") < text.index("## MASE by horizon")
    assert "## Prediction intervals" not in render_markdown(tiny(coverage=None))


class _Tables(HTMLParser):
    """The text of every cell of every table, and the text of every h2."""

    def __init__(self):
        super().__init__()
        self.tables, self.headings, self._cell, self._in_h2 = [], [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "h2":
            self._in_h2 = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_h2:
            self.headings.append(data)


def test_html_holds_the_coverage_table(monkeypatch):
    monkeypatch.setattr(html, "FIGURES", ())  # the tables only: no figure to render
    parser = _Tables()
    parser.feed(render_html(tiny()))
    parser.close()
    assert parser.headings[:2] == ["Leaderboard", "Prediction intervals"]
    table = parser.tables[1]
    assert table[0] == ["model", "coverage", "ACD", "mean width", "MSIS", "forecasts"]
    assert table[1] == ["naive", "0.25", "0.55", "2", "7.722", "2"]
    assert table[2] == ["nine", "no intervals", "—", "—", "—", "2"]
    parser = _Tables()
    parser.feed(render_html(tiny(coverage=None)))
    assert "Prediction intervals" not in parser.headings


def test_save_writes_the_coverage_table(tmp_path, monkeypatch):
    monkeypatch.setattr(html, "FIGURES", ())
    written = tiny().save(tmp_path)
    saved = pd.read_csv(written["coverage.csv"], index_col="model")
    assert list(saved.columns) == COVERAGE_COLUMNS
    assert saved.loc["naive", "coverage"] == pytest.approx(0.25)
    assert "coverage.csv" not in tiny(coverage=None).save(tmp_path / "plain")


@pytest.mark.slow  # draws a figure (matplotlib)
def test_forecast_plot_shades_the_intervals():
    from matplotlib.colors import to_rgba

    from seqforecast.evaluation.reporting.plots import figure_png

    result = tiny()
    figure = result.plot_forecasts()
    (ax,) = figure.axes
    bands = ax.collections  # one fill_between per origin of the model with intervals, none for "nine"
    assert len(bands) == 2
    colour = to_rgba(model_colours(["naive", "nine"])["naive"], 0.2)
    for band in bands:
        assert_allclose(band.get_facecolor()[0], colour)
    # the band of the first origin spans [6, 8] over its two steps
    vertices = bands[0].get_paths()[0].vertices
    assert vertices[:, 1].min() == 6.0 and vertices[:, 1].max() == 8.0
    assert figure_png(figure).startswith(b"\x89PNG\r\n\x1a\n")
    assert len(tiny(coverage=None).plot_forecasts().axes[0].collections) == 0
