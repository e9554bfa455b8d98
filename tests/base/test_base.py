"""The forecaster base class: pandas in/out, row resolution, covariates, atomic fit."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit, cross_validate

from seqforecast.base import BaseForecaster, PerSeriesForecaster, SeriesError, first_observations, warn_series
from seqforecast.exceptions import ConvergenceWarning, FrequencyWarning


class LastPlusCovariate(BaseForecaster):
    """Test double: forecast = last value (+ the first covariate when there is one)."""

    def __init__(self, fail=False):
        self.fail = fail

    def _fit(self, Y, X):
        if self.fail:
            raise RuntimeError("boom")
        self.n_fits_ = 1
        return self

    def _predict(self, horizon, Y, X, X_future):
        last = np.array([col[~np.isnan(col)][-1] for col in Y.T])
        out = np.tile(last, (horizon, 1))
        if X_future is not None:
            out = out + X_future[:, :1]
        return out

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        point = self._predict(horizon, Y, X, X_future)
        return point - 1.0, point + 1.0


def monthly(n=6):
    return pd.Series(np.arange(1.0, n + 1), index=pd.period_range("2000-01", periods=n, freq="M"), name="y")


def test_forecast_index_and_values_per_index_kind():
    cases = {
        "period": pd.period_range("2000-01", periods=4, freq="M"),
        "datetime": pd.date_range("2000-01-31", periods=4, freq="ME"),
        "range": pd.RangeIndex(10, 14),
    }
    expected_future = {
        "period": pd.period_range("2000-05", periods=2, freq="M"),
        "datetime": pd.DatetimeIndex(["2000-05-31", "2000-06-30"], freq="ME"),
        "range": pd.RangeIndex(14, 16),
    }
    for key, index in cases.items():
        y = pd.Series([1.0, 2.0, 3.0, 4.0], index=index, name="sales")
        fc = LastPlusCovariate().fit(None, y).forecast(2)
        pd.testing.assert_series_equal(fc, pd.Series([4.0, 4.0], index=expected_future[key], name="sales"))


def test_predict_rows_through_a_gap_and_numpy_rows():
    y = monthly()
    f = LastPlusCovariate().fit(pd.DataFrame(index=y.index), y)
    rows = pd.DataFrame(index=pd.period_range("2000-09", periods=2, freq="M"))
    pd.testing.assert_series_equal(f.predict(rows), pd.Series([6.0, 6.0], index=rows.index, name="y"))
    pd.testing.assert_series_equal(
        f.predict(np.zeros((3, 0))),
        pd.Series([6.0] * 3, index=pd.period_range("2000-07", periods=3, freq="M"), name="y"),
    )


def test_in_sample_rows_are_refused():
    y = monthly()
    f = LastPlusCovariate().fit(None, y)
    msg = (
        "LastPlusCovariate forecasts time steps after the end of training (2000-06); X has 1 row(s) at or "
        "before it (first: 2000-06). In-sample prediction is not defined: give only future rows."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        f.predict(pd.DataFrame(index=pd.period_range("2000-06", periods=2, freq="M")))


def test_mixed_index_kinds_are_refused():
    f = LastPlusCovariate().fit(None, monthly())
    with pytest.raises(
        TypeError, match=re.escape("The index of X is a DatetimeIndex, but the forecaster was fitted on a PeriodIndex.")
    ):
        f.predict(pd.DataFrame(index=pd.date_range("2000-07-31", periods=2, freq="ME")))


def test_global_model_with_leading_nan_and_dataframe_out():
    Y = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan, 5.0, 6.0]}, index=pd.RangeIndex(3))
    fc = LastPlusCovariate().fit(None, Y).forecast(2)
    pd.testing.assert_frame_equal(fc, pd.DataFrame({"a": [3.0, 3.0], "b": [6.0, 6.0]}, index=pd.RangeIndex(3, 5)))


@pytest.mark.parametrize(
    "y, error, msg",
    [
        (
            pd.Series([1.0, np.nan, 3.0]),
            ValueError,
            "y has 1 missing value(s) after the start of a series (series 0, positions [1]). Only leading NaN",
        ),
        (pd.Series([1.0, np.inf]), ValueError, "y contains 1 infinite value(s) (first in series 0 at position 1)"),
        (pd.Series(["a", "b"]), TypeError, "y must hold numbers; column 0 has dtype"),
        (pd.Series([True, False]), TypeError, "y must hold numbers; column 0 has dtype bool"),
        (pd.Series([1.0, 2.0], index=[1, 1]), ValueError, "The index of y has 1 duplicated label(s) (first: [1])"),
        (pd.Series([1.0, 2.0], index=[2, 1]), ValueError, "The index of y is not sorted in increasing order"),
        (
            pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2000-01-01", "2000-01-02", "2000-01-05"])),
            ValueError,
            "The DatetimeIndex of y has no frequency and none can be inferred",
        ),
        (pd.Series([], dtype=float), ValueError, "y is empty (0 time steps)"),
        (
            np.arange(3.0),
            TypeError,
            "y must be a pandas Series (one series) or DataFrame (one column per series), got ndarray.",
        ),
    ],
)
def test_bad_targets(y, error, msg):
    with pytest.raises(error, match=re.escape(msg)):
        LastPlusCovariate().fit(None, y)


def test_inferred_frequency_warns_once():
    y = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2000-01-01", "2000-01-02", "2000-01-03"]))
    with pytest.warns(FrequencyWarning, match=re.escape("inferred 'D' from its values")):
        f = LastPlusCovariate().fit(None, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(f.forecast(1).index) == [pd.Timestamp("2000-01-04")]


def test_covariates_are_required_for_every_step_up_to_the_last_row():
    y = monthly()
    X = pd.DataFrame({"c": np.zeros(6)}, index=y.index)
    f = LastPlusCovariate().fit(X, y)
    later = pd.DataFrame({"c": [10.0]}, index=pd.period_range("2000-08", periods=1, freq="M"))
    msg = (
        "LastPlusCovariate was fitted with 1 covariate(s), which are needed for every step from the end of "
        "training to the last row asked for; 1 step(s) have none (first: [Period('2000-07', 'M')])."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        f.predict(later)
    both = pd.DataFrame({"c": [5.0, 10.0]}, index=pd.period_range("2000-07", periods=2, freq="M"))
    assert f.predict(both).tolist() == [11.0, 16.0]
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The covariate columns of X must be those LastPlusCovariate was fitted with, by name and in the same "
            "order: ['c']; X has ['d'] (unseen at fit time: ['d']; seen at fit time, yet now missing: ['c']). "
            "Give X these columns, e.g. X[['c']] after adding or renaming the missing ones."
        ),
    ):
        f.predict(both.rename(columns={"c": "d"}))


def test_failed_fit_keeps_previous_state():
    y = monthly()
    f = LastPlusCovariate().fit(None, y)
    before = f.forecast(2)
    f.set_params(fail=True)
    with pytest.raises(RuntimeError, match="boom"):
        f.fit(None, monthly(3) * 100)
    pd.testing.assert_series_equal(f.forecast(2), before)


def test_forecast_from_a_new_context_and_intervals():
    f = LastPlusCovariate().fit(None, monthly())
    ctx = pd.Series([7.0, 9.0], index=pd.period_range("2001-01", periods=2, freq="M"), name="y")
    out = f.forecast(2, y_context=ctx, coverage=0.8)
    expected = pd.DataFrame(
        {"y": [9.0, 9.0], "y_lower": [8.0, 8.0], "y_upper": [10.0, 10.0]},
        index=pd.period_range("2001-03", periods=2, freq="M"),
    )
    pd.testing.assert_frame_equal(out, expected)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'steps' parameter of LastPlusCovariate.forecast must be an int in the range [1, 1000000]. Got 0 "
            "instead. steps is the forecast horizon: the number of steps to forecast, e.g. forecast(12) (at most "
            "seqforecast.base.MAX_FORECAST_STEPS)."
        ),
    ):
        f.forecast(0)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'coverage' parameter of LastPlusCovariate.forecast must be a float in the range (0.0, 1.0). Got "
            "1 instead."
        ),
    ):
        f.forecast(2, coverage=1)


def test_cross_validate_with_time_series_split():
    y = pd.Series(np.arange(20.0), index=pd.RangeIndex(20))
    res = cross_validate(
        LastPlusCovariate(),
        pd.DataFrame(index=y.index),
        y,
        cv=TimeSeriesSplit(n_splits=3, test_size=2, gap=1),
        scoring="neg_mean_absolute_error",
    )
    # the last value before a gap of 1 is 2 and 3 steps behind the test rows
    np.testing.assert_allclose(res["test_score"], [-2.5, -2.5, -2.5])


def test_training_history_is_none_without_a_net():
    assert LastPlusCovariate().fit(None, monthly()).training_history() is None


# ------------------------------------------------------------------------------ errors about one series
class PerSeriesDouble(PerSeriesForecaster):
    """Test double: each series' forecast is its last value; ``bad`` says what goes wrong with which series."""

    def __init__(self, bad=None):
        self.bad = bad

    def _series(self, y, x):
        kind, position, at = self.bad or (None, None, None)
        if kind is not None and at == self._stage and position == round(y[0]):  # the series is found by value
            if kind == "warn":
                warnings.warn("did not converge", ConvergenceWarning, stacklevel=2)
            else:
                raise kind("needs 3 values")
        return y[-1]

    def _fit(self, Y, X):
        self._stage = "fit"
        self.last_ = np.array(self._each_series(self._series, Y, X))
        return self

    def _predict(self, horizon, Y, X, X_future):
        self._stage = "predict"
        return self._stack([np.full(horizon, v) for v in self._each_series(self._series, Y, X)])


def two_series():
    return pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [np.nan, 1.0, 5.0]}, index=pd.RangeIndex(3))


def test_first_observations_and_series_without_their_leading_nan():
    Y = np.array([[1.0, np.nan, np.nan], [2.0, 3.0, np.nan], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(first_observations(Y), [0, 1, 2])
    seen = []
    PerSeriesForecaster()._each_series(
        lambda y, x, name: seen.append((name, y.tolist(), x.tolist())), Y, np.arange(3.0).reshape(3, 1), ["a", "b", "c"]
    )
    assert seen == [
        ("a", [1.0, 2.0, 4.0], [[0.0], [1.0], [2.0]]),
        ("b", [3.0, 5.0], [[1.0], [2.0]]),
        ("c", [6.0], [[2.0]]),
    ]


@pytest.mark.parametrize("stage", ["fit", "predict"])
def test_an_error_about_one_series_names_the_class_and_the_series(stage):
    model = PerSeriesDouble(bad=(ValueError, 1, stage))
    with pytest.raises(ValueError, match=re.escape("PerSeriesDouble (series 'b'): needs 3 values")) as info:
        model.fit(None, two_series()).forecast(2)
    assert type(info.value) is ValueError and info.value.__cause__ is None  # not the internal SeriesError
    # a single series: nothing to tell apart, the class only
    with pytest.raises(ValueError, match=re.escape("PerSeriesDouble: needs 3 values")):
        PerSeriesDouble(bad=(ValueError, 1, stage)).fit(None, two_series()["b"].dropna()).forecast(2)


def test_a_numerical_failure_stays_a_runtime_error_and_not_implemented_passes_through():
    with pytest.raises(RuntimeError, match=re.escape("PerSeriesDouble (series 'a'): needs 3 values")):
        PerSeriesDouble(bad=(RuntimeError, 0, "fit")).fit(None, two_series())
    with pytest.raises(NotImplementedError, match=re.escape("needs 3 values")):
        PerSeriesDouble(bad=(NotImplementedError, 0, "fit")).fit(None, two_series())


def test_a_failed_per_series_fit_keeps_the_previous_state():
    model = PerSeriesDouble().fit(None, two_series())
    model.set_params(bad=(ValueError, 1, "fit"))
    with pytest.raises(ValueError, match=re.escape("PerSeriesDouble (series 'b'): needs 3 values")):
        model.fit(None, two_series()[["b", "a"]])  # series 'b' (starting at 1) is now the first column
    assert model.last_.tolist() == [2.0, 5.0] and list(model.y_train_.columns) == ["a", "b"]


def test_a_convergence_warning_about_one_series_names_it_at_the_callers_line():
    with pytest.warns(ConvergenceWarning, match=re.escape("PerSeriesDouble (series 'b'): did not converge")) as rec:
        PerSeriesDouble(bad=("warn", 1, "fit")).fit(None, two_series())
    assert [w.filename for w in rec] == [__file__]
    with pytest.warns(ConvergenceWarning, match=re.escape("PerSeriesDouble (series 'b'): did not converge")) as rec:
        PerSeriesDouble(bad=("warn", 1, "predict")).fit(None, two_series()).forecast(1)
    assert [w.filename for w in rec] == [__file__]


def test_series_error_outside_a_public_method():
    error = SeriesError("too short", 2, kind=RuntimeError)
    assert isinstance(error, ValueError) and (str(error), error.series, error.kind) == ("too short", 2, RuntimeError)
    with pytest.warns(ConvergenceWarning, match=re.escape("series at position 3: did not converge")):
        warn_series("did not converge", 3)


def test_no_row_asked_for_gives_empty_forecasts_and_intervals():
    f = LastPlusCovariate().fit(None, monthly())
    empty = pd.DataFrame(index=pd.PeriodIndex([], freq="M"))
    assert f.predict(empty).empty
    interval = f.predict_interval(empty)
    assert list(interval.columns) == ["lower", "upper"] and interval.empty
    frame = pd.DataFrame({"a": monthly(), "b": monthly() * 2})
    interval = LastPlusCovariate().fit(None, frame).predict_interval(empty)
    assert interval.shape == (0, 4) and list(interval.columns) == [(s, b) for s in "ab" for b in ("lower", "upper")]
