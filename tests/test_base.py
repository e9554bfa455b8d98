"""The forecaster base class: pandas in/out, row resolution, covariates, atomic fit."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit, cross_validate

from seqforecast.base import BaseForecaster
from seqforecast.exceptions import FrequencyWarning


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
        f.predict(np.zeros((3, 0))), pd.Series([6.0] * 3, index=pd.period_range("2000-07", periods=3, freq="M"), name="y")
    )


def test_in_sample_rows_are_refused():
    y = monthly()
    f = LastPlusCovariate().fit(None, y)
    msg = ("LastPlusCovariate forecasts time steps after the end of training (2000-06); X has 1 row(s) at or "
           "before it (first: 2000-06). In-sample prediction is not defined: give only future rows.")
    with pytest.raises(ValueError, match=re.escape(msg)):
        f.predict(pd.DataFrame(index=pd.period_range("2000-06", periods=2, freq="M")))


def test_mixed_index_kinds_are_refused():
    f = LastPlusCovariate().fit(None, monthly())
    with pytest.raises(TypeError, match=re.escape("The index of X is a DatetimeIndex, but the forecaster was fitted on a PeriodIndex.")):
        f.predict(pd.DataFrame(index=pd.date_range("2000-07-31", periods=2, freq="ME")))


def test_global_model_with_leading_nan_and_dataframe_out():
    Y = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan, 5.0, 6.0]}, index=pd.RangeIndex(3))
    fc = LastPlusCovariate().fit(None, Y).forecast(2)
    pd.testing.assert_frame_equal(fc, pd.DataFrame({"a": [3.0, 3.0], "b": [6.0, 6.0]}, index=pd.RangeIndex(3, 5)))


@pytest.mark.parametrize(
    "y, error, msg",
    [
        (pd.Series([1.0, np.nan, 3.0]), ValueError,
         "y has 1 missing value(s) after the start of a series (series 0, positions [1]). Only leading NaN"),
        (pd.Series([1.0, np.inf]), ValueError, "y contains 1 infinite value(s) (first in series 0 at position 1)"),
        (pd.Series(["a", "b"]), TypeError, "y must hold numbers; column 0 has dtype"),
        (pd.Series([True, False]), TypeError, "y must hold numbers; column 0 has dtype bool"),
        (pd.Series([1.0, 2.0], index=[1, 1]), ValueError, "The index of y has 1 duplicated label(s) (first: [1])"),
        (pd.Series([1.0, 2.0], index=[2, 1]), ValueError, "The index of y is not sorted in increasing order"),
        (pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2000-01-01", "2000-01-02", "2000-01-05"])),
         ValueError, "The DatetimeIndex of y has no frequency and none can be inferred"),
        (pd.Series([], dtype=float), ValueError, "y is empty (0 time steps)"),
        (np.arange(3.0), TypeError, "y must be a pandas Series (one series) or DataFrame (one column per series), got ndarray."),
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
    msg = ("LastPlusCovariate was fitted with 1 covariate(s), which are needed for every step from the end of "
           "training to the last row asked for; 1 step(s) have none (first: [Period('2000-07', 'M')]).")
    with pytest.raises(ValueError, match=re.escape(msg)):
        f.predict(later)
    both = pd.DataFrame({"c": [5.0, 10.0]}, index=pd.period_range("2000-07", periods=2, freq="M"))
    assert f.predict(both).tolist() == [11.0, 16.0]
    with pytest.raises(ValueError, match=re.escape("The covariate columns of X are ['d'], but LastPlusCovariate was fitted with ['c'].")):
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
    expected = pd.DataFrame({"y": [9.0, 9.0], "y_lower": [8.0, 8.0], "y_upper": [10.0, 10.0]},
                            index=pd.period_range("2001-03", periods=2, freq="M"))
    pd.testing.assert_frame_equal(out, expected)
    with pytest.raises(ValueError, match=re.escape("steps must be an int >= 1 (the forecast horizon), got 0.")):
        f.forecast(0)


def test_cross_validate_with_time_series_split():
    y = pd.Series(np.arange(20.0), index=pd.RangeIndex(20))
    res = cross_validate(LastPlusCovariate(), pd.DataFrame(index=y.index), y,
                         cv=TimeSeriesSplit(n_splits=3, test_size=2, gap=1), scoring="neg_mean_absolute_error")
    # the last value before a gap of 1 is 2 and 3 steps behind the test rows
    np.testing.assert_allclose(res["test_score"], [-2.5, -2.5, -2.5])
