"""Tests for seqforecast.windowing: hand-written windows, exact messages, properties, transformers."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from seqforecast.preprocessing.covariates import CalendarFeatures
from seqforecast.preprocessing.windowing import SlidingWindowTransformer, make_windows, make_windows_multi

NAN = np.nan


# ---------------------------------------------------------------------------------------------------------
# make_windows: hand-written expected windows
# ---------------------------------------------------------------------------------------------------------
def test_make_windows_one_step():
    X, y = make_windows(np.arange(6.0), window_length=3)
    assert_array_equal(X, [[[0.0], [1.0], [2.0]], [[1.0], [2.0], [3.0]], [[2.0], [3.0], [4.0]]])
    assert_array_equal(y, [3.0, 4.0, 5.0])
    assert X.shape == (3, 3, 1) and y.shape == (3,)


def test_make_windows_horizon_and_step_leave_the_first_step_unused():
    # the drawing in the docstring: (10 - 3 - 2) % 2 = 1, so time step 0 is in no window
    X, y = make_windows(np.arange(10.0), window_length=3, horizon=2, step=2)
    assert_array_equal(X[:, :, 0], [[1.0, 2.0, 3.0], [3.0, 4.0, 5.0], [5.0, 6.0, 7.0]])
    assert_array_equal(y, [[4.0, 5.0], [6.0, 7.0], [8.0, 9.0]])


def test_make_windows_step_three_anchored_at_the_end():
    X, y = make_windows(np.arange(7.0), window_length=2, step=3)
    assert_array_equal(X[:, :, 0], [[1.0, 2.0], [4.0, 5.0]])
    assert_array_equal(y, [3.0, 6.0])


def test_make_windows_step_longer_than_the_series_gives_the_last_window():
    X, y = make_windows(np.arange(5.0), window_length=2, step=10)
    assert_array_equal(X[:, :, 0], [[2.0, 3.0]])
    assert_array_equal(y, [4.0])


def test_make_windows_shortest_series_gives_one_window():
    X, y = make_windows([5.0, 6.0, 7.0], window_length=2, horizon=1)
    assert_array_equal(X, [[[5.0], [6.0]]])
    assert_array_equal(y, [7.0])


def test_make_windows_multi_feature_with_target_column():
    values = np.array([[0.0, 100.0], [1.0, 101.0], [2.0, 102.0], [3.0, 103.0], [4.0, 104.0]])
    X, y = make_windows(values, window_length=2, horizon=2, target=1)
    assert_array_equal(X, [[[0.0, 100.0], [1.0, 101.0]], [[1.0, 101.0], [2.0, 102.0]]])
    assert_array_equal(y, [[102.0, 103.0], [103.0, 104.0]])


def test_make_windows_keeps_integer_dtype_and_reads_pandas():
    X, y = make_windows(np.arange(4), window_length=2)
    assert X.dtype == np.arange(4).dtype and y.dtype == np.arange(4).dtype
    X2, y2 = make_windows(pd.Series([1.0, 2.0, 3.0, 4.0]), window_length=2)
    assert_array_equal(X2[:, :, 0], [[1.0, 2.0], [2.0, 3.0]])
    assert_array_equal(y2, [3.0, 4.0])


@pytest.mark.parametrize("horizon", [1, 2])
def test_make_windows_returns_arrays_that_own_their_memory(horizon):
    values = np.arange(12.0).reshape(6, 2)
    X, y = make_windows(values, window_length=3, horizon=horizon)
    for out in (X, y):
        assert out.flags.owndata and out.flags.writeable and out.flags.c_contiguous
        assert not np.shares_memory(out, values)
    X[...] = -1.0
    y[...] = -1.0
    assert_array_equal(values, np.arange(12.0).reshape(6, 2))


def test_make_windows_missing_drop_drops_windows_touching_nan():
    values = np.array([0.0, 1.0, 2.0, NAN, 4.0, 5.0, 6.0, 7.0, 8.0])
    X, y = make_windows(values, window_length=2, missing="drop")
    assert_array_equal(X[:, :, 0], [[0.0, 1.0], [4.0, 5.0], [5.0, 6.0], [6.0, 7.0]])
    assert_array_equal(y, [2.0, 6.0, 7.0, 8.0])
    assert X.flags.owndata and X.flags.c_contiguous and y.flags.owndata and y.flags.c_contiguous


def test_make_windows_missing_drop_ignores_nan_in_non_target_columns_of_y_rows():
    values = np.array([[0.0, 10.0], [1.0, 11.0], [2.0, NAN]])
    X, y = make_windows(values, window_length=1, missing="drop")
    assert_array_equal(X, [[[0.0, 10.0]], [[1.0, 11.0]]])  # row 2 is only read for y (target column 0)
    assert_array_equal(y, [1.0, 2.0])


# ---------------------------------------------------------------------------------------------------------
# make_windows: exact error messages
# ---------------------------------------------------------------------------------------------------------
P = "The '{}' parameter of make_windows must be an int in the range [1, inf). Got {!r} instead."


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"window_length": 0}, P.format("window_length", 0)),
        ({"window_length": True}, P.format("window_length", True)),
        ({"window_length": 2.0}, P.format("window_length", 2.0)),
        ({"window_length": 2, "horizon": 0}, P.format("horizon", 0)),
        ({"window_length": 2, "step": -1}, P.format("step", -1)),
        ({"window_length": 2, "step": False}, P.format("step", False)),
        (
            {"window_length": 2, "target": 1},
            "The 'target' parameter of make_windows must be an int in the range [0, 1). Got 1 instead. It "
            "indexes the columns of the values, which have 1 feature(s).",
        ),
        (
            {"window_length": 2, "missing": "ffill"},
            "The 'missing' parameter of make_windows must be a str among {'drop', 'raise'}. Got 'ffill' instead.",
        ),
    ],
)
def test_make_windows_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows(np.arange(10.0), **kwargs)


def test_make_windows_too_short_says_the_minimum_length():
    message = (
        "make_windows needs a series of at least window_length + horizon = 3 + 2 = 5 time steps; got 4. "
        "Use a shorter window_length or horizon, or a longer series."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows(np.arange(4.0), window_length=3, horizon=2)


def test_make_windows_rejects_non_numeric_values():
    message = (
        "make_windows: values must be real numbers (int, float or bool); got dtype <U1. Convert them first, "
        "e.g. with pd.to_numeric or np.asarray(values, dtype=float)."
    )
    with pytest.raises(TypeError, match=re.escape(message)):
        make_windows(np.array(["a", "b", "c"]), window_length=1)
    message = (
        "make_windows: values must be real numbers (int, float or bool); got an object array that cannot be "
        "converted to float (could not convert string to float: 'x'). Convert them first, e.g. with "
        "pd.to_numeric."
    )
    with pytest.raises(TypeError, match=re.escape(message)):
        make_windows(np.array([1.0, "x", 3.0], dtype=object), window_length=1)


def test_make_windows_rejects_3d_values():
    message = (
        "make_windows: values must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_features); got an array of "
        "shape (2, 3, 4). For several series use make_windows_multi with a list of 2-D arrays."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows(np.zeros((2, 3, 4)), window_length=1)


def test_make_windows_nan_raises_with_positions():
    message = (
        "make_windows: values contain NaN at time step(s) 3, 5. Fill or interpolate them first, or pass "
        "missing='drop' to drop the windows that touch them."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows([0.0, 1.0, 2.0, NAN, 4.0, NAN, 6.0], window_length=2)
    many = np.full(20, NAN)
    message = "make_windows: values contain NaN at time step(s) 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... (20 in all)."
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows(many, window_length=2)


def test_make_windows_drop_with_nothing_left_and_infinite_values():
    message = (
        "make_windows: every one of the 2 windows touches a NaN, so missing='drop' leaves no window. Fill or "
        "interpolate the missing values, or use a shorter window_length."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows([0.0, NAN, 2.0, 3.0], window_length=2, missing="drop")
    message = (
        "make_windows: values contains 1 infinite value(s), the first at time step 1 = inf. Replace them (e.g. "
        "with NaN and missing='drop', or by clipping) before windowing."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows([0.0, np.inf, 2.0, 3.0], window_length=2, missing="drop")
    message = "make_windows: values contains 2 infinite value(s), the first at time step 2 (column 1) = -inf."
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows(np.c_[np.arange(5.0), [0.0, NAN, -np.inf, np.inf, 4.0]], window_length=2, missing="drop")


# ---------------------------------------------------------------------------------------------------------
# make_windows_multi
# ---------------------------------------------------------------------------------------------------------
def test_make_windows_multi_skips_leading_nan_per_column():
    panel = np.array([[NAN, 10.0], [NAN, 11.0], [1.0, 12.0], [2.0, 13.0], [3.0, 14.0], [4.0, 15.0]])
    X, y, series_id, end = make_windows_multi(panel, window_length=2)
    assert_array_equal(X[:, :, 0], [[1.0, 2.0], [2.0, 3.0], [10.0, 11.0], [11.0, 12.0], [12.0, 13.0], [13.0, 14.0]])
    assert_array_equal(y, [3.0, 4.0, 12.0, 13.0, 14.0, 15.0])
    assert_array_equal(series_id, [0, 0, 1, 1, 1, 1])
    assert_array_equal(end, [3, 4, 1, 2, 3, 4])  # row of each window's last X value in the panel
    assert series_id.dtype == np.intp and end.dtype == np.intp


def test_make_windows_multi_list_of_multi_feature_series_with_step():
    a = np.array([[0.0, 0.5], [1.0, 1.5], [2.0, 2.5], [3.0, 3.5], [4.0, 4.5]])
    b = np.array([[10.0, 10.5], [11.0, 11.5], [12.0, 12.5], [13.0, 13.5]])
    X, y, series_id, end = make_windows_multi([a, b], window_length=2, step=2)
    assert_array_equal(X, [a[0:2], a[2:4], b[1:3]])
    assert_array_equal(y, [2.0, 4.0, 13.0])
    assert_array_equal(series_id, [0, 0, 1])
    assert_array_equal(end, [1, 3, 2])


def test_make_windows_multi_series_starts_when_every_column_has_a_value():
    c = np.array([[NAN, NAN], [1.0, NAN], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    X, y, series_id, end = make_windows_multi([c], window_length=1)
    assert_array_equal(X, [[[2.0, 20.0]], [[3.0, 30.0]]])
    assert_array_equal(y, [3.0, 4.0])
    assert_array_equal(end, [2, 3])


def test_make_windows_multi_drop_and_dataframe_names_in_errors():
    X, y, _, end = make_windows_multi([np.array([1.0, 2.0, NAN, 4.0, 5.0, 6.0, 7.0])], 2, missing="drop")
    assert_array_equal(X[:, :, 0], [[4.0, 5.0], [5.0, 6.0]])
    assert_array_equal(y, [6.0, 7.0])
    assert_array_equal(end, [4, 5])
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [NAN, 1.0, 2.0, NAN, 4.0]})
    message = (
        "make_windows_multi: series 'b' (column 1) has NaN inside it (after its first valid value) at time "
        "step(s) 3. Fill or interpolate them, or pass missing='drop' to drop the windows that touch them."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows_multi(frame, window_length=2)


@pytest.mark.parametrize(
    "series, message",
    [
        ([], "make_windows_multi: got an empty list of series; pass at least one series."),
        (
            [np.zeros((5, 1)), np.zeros((5, 2))],
            "make_windows_multi: every series must have the same number of features; got series 0: 1, "
            "series 1: 2. Select the same columns from each series.",
        ),
        (
            np.zeros(6),
            "make_windows_multi: expected a list of series or a 2-D array of shape (n_timesteps, n_series) "
            "with one series per column; got an array of shape (6,). For one series use make_windows; for "
            "several multi-feature series pass a list of 2-D arrays.",
        ),
        (
            np.column_stack([np.arange(6.0), np.full(6, NAN)]),
            "make_windows_multi: series 1 has no valid value (all NaN); remove it from the input.",
        ),
        (
            [np.arange(6.0), np.array([NAN, NAN, NAN, 1.0, 2.0, 3.0])],
            "make_windows_multi: series 1 has 3 time steps after 3 leading NaN time step(s); each series "
            "needs at least window_length + horizon = 3 + 1 = 4. Remove the series, or use a shorter "
            "window_length or horizon.",
        ),
        (
            [np.arange(6.0), np.array([1.0, 2.0, 3.0])],
            "make_windows_multi: series 1 has 3 time steps; each series needs at least window_length + "
            "horizon = 3 + 1 = 4. Remove the series, or use a shorter window_length or horizon.",
        ),
    ],
)
def test_make_windows_multi_errors(series, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows_multi(series, window_length=3)


# ---------------------------------------------------------------------------------------------------------
# properties (hypothesis): shapes, every window is the matching slice, y follows X contiguously
# ---------------------------------------------------------------------------------------------------------
@st.composite
def window_cases(draw):
    window_length = draw(st.integers(1, 6))
    horizon = draw(st.integers(1, 4))
    step = draw(st.integers(1, 5))
    n_features = draw(st.integers(1, 3))
    n = draw(st.integers(window_length + horizon, window_length + horizon + 20))
    target = draw(st.integers(0, n_features - 1))
    seed = draw(st.integers(0, 2**16))
    values = np.random.default_rng(seed).normal(size=(n, n_features))
    return values, window_length, horizon, step, target


@settings(max_examples=60, derandomize=True, deadline=None)
@given(window_cases())
def test_make_windows_properties(case):
    values, window_length, horizon, step, target = case
    n, n_features = values.shape
    X, y = make_windows(values, window_length, horizon=horizon, step=step, target=target)
    n_windows = (n - window_length - horizon) // step + 1
    assert X.shape == (n_windows, window_length, n_features)
    assert y.shape == ((n_windows,) if horizon == 1 else (n_windows, horizon))
    y2 = y.reshape(n_windows, horizon)
    first = (n - window_length - horizon) % step
    assert first < step  # no further window fits before the first one
    for i in range(n_windows):  # reference: a plain loop over the windows
        start = first + i * step
        assert_array_equal(X[i], values[start : start + window_length])
        assert_array_equal(y2[i], values[start + window_length : start + window_length + horizon, target])
    assert first + (n_windows - 1) * step + window_length + horizon == n  # the last y ends on the last step


@settings(max_examples=30, derandomize=True, deadline=None)
@given(window_cases(), st.lists(st.integers(0, 5), min_size=1, max_size=3))
def test_make_windows_multi_is_make_windows_per_series_after_leading_nan(case, leads):
    values, window_length, horizon, step, target = case
    need = window_length + horizon
    # series k: `lead` leading NaN rows, then values[k:]; keep those long enough after their leading NaN
    bodies = [values[k:] for k in range(len(leads)) if len(values) - k >= need] or [values]
    usable = [np.vstack([np.full((lead, values.shape[1]), NAN), body]) for lead, body in zip(leads, bodies)]
    usable_leads = leads[: len(usable)]
    X, y, series_id, end = make_windows_multi(usable, window_length, horizon=horizon, step=step, target=target)
    offset = 0
    for k, (s, lead) in enumerate(zip(usable, usable_leads)):
        Xk, yk = make_windows(s[lead:], window_length, horizon=horizon, step=step, target=target)
        rows = slice(offset, offset + len(Xk))
        assert_array_equal(X[rows], Xk)
        assert_array_equal(y[rows], yk)
        assert_array_equal(series_id[rows], k)
        for i, e in zip(range(rows.start, rows.stop), end[rows]):
            assert_array_equal(X[i, -1], s[e])  # end is the row of the window's last X value
        offset += len(Xk)
    assert offset == len(X)


# ---------------------------------------------------------------------------------------------------------
# SlidingWindowTransformer
# ---------------------------------------------------------------------------------------------------------
def test_sliding_window_transformer_one_feature_is_2d():
    out = SlidingWindowTransformer(window_length=3, step=2).fit_transform(np.arange(7.0))
    assert_array_equal(out, [[0.0, 1.0, 2.0], [2.0, 3.0, 4.0], [4.0, 5.0, 6.0]])


def test_sliding_window_transformer_is_time_major_and_matches_make_windows():
    values = np.arange(16.0).reshape(8, 2)
    transformer = SlidingWindowTransformer(window_length=3, step=2).fit(values)
    out = transformer.transform(values)
    assert_array_equal(out[0], [2.0, 3.0, 4.0, 5.0, 6.0, 7.0])  # rows 1-3, features interleaved per step
    assert transformer.get_feature_names_out().tolist() == ["x0_t-2", "x1_t-2", "x0_t-1", "x1_t-1", "x0_t", "x1_t"]
    # the transformer's windows end one step later than make_windows' (which keeps a step for y)
    X, _ = make_windows(np.vstack([values, [[0.0, 0.0]]]), window_length=3, step=2)
    assert_array_equal(out.reshape(-1, 3, 2), X)  # [N, L * F] -> [N, L, F]


def test_sliding_window_transformer_pandas_output_indexed_by_window_end():
    y = pd.Series(np.arange(7.0), index=pd.period_range("2020-01", periods=7, freq="M"), name="P")
    out = SlidingWindowTransformer(3, step=2).set_output(transform="pandas").fit_transform(y)
    expected = pd.DataFrame(
        [[0.0, 1.0, 2.0], [2.0, 3.0, 4.0], [4.0, 5.0, 6.0]],
        index=pd.PeriodIndex(["2020-03", "2020-05", "2020-07"], freq="M"),
        columns=["P_t-2", "P_t-1", "P_t"],
    )
    pd.testing.assert_frame_equal(out, expected)
    out = SlidingWindowTransformer(2).set_output(transform="pandas").fit_transform(np.arange(4.0))
    assert out.index.tolist() == [1, 2, 3] and out.columns.tolist() == ["x0_t-1", "x0_t"]


def test_sliding_window_transformer_errors():
    message = (
        "The 'window_length' parameter of SlidingWindowTransformer must be an int in the range [1, inf). Got 0 instead."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        SlidingWindowTransformer(window_length=0).fit(np.arange(5.0))
    message = (
        "SlidingWindowTransformer needs a series of at least window_length = 4 time steps; got 3. Use a "
        "shorter window_length or a longer series."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        SlidingWindowTransformer(window_length=4).fit(np.arange(3.0))
    with pytest.raises(NotFittedError):
        SlidingWindowTransformer(2).transform(np.arange(5.0))
    fitted = SlidingWindowTransformer(2).fit(np.arange(5.0))
    message = "X has 2 features, but SlidingWindowTransformer is expecting 1"  # scikit-learn's own check
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.transform(np.zeros((5, 2)))
    message = (
        "SlidingWindowTransformer: input_features should have length 1 (the number of features seen in fit); got 2."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.get_feature_names_out(["a", "b"])


def test_sliding_window_transformer_params_are_stored_verbatim():
    transformer = SlidingWindowTransformer(window_length="bad", step=3)
    assert clone(transformer).get_params() == {"window_length": "bad", "step": 3}


# ---------------------------------------------------------------------------------------------------------
# CalendarFeatures
# ---------------------------------------------------------------------------------------------------------
# 2024-01-01 is a Monday, 2024-02-29 a Thursday (leap day), 2024-12-31 a Tuesday in ISO week 1 of 2025.
DATES = pd.DatetimeIndex(["2024-01-01 13:45", "2024-02-29 00:00", "2024-12-31 23:59"])


def test_calendar_features_ordinal_values_by_hand():
    features = ("month", "quarter", "dayofweek", "dayofmonth", "dayofyear", "weekofyear", "hour", "minute")
    out = CalendarFeatures(features=features, encoding="ordinal").fit_transform(pd.DataFrame(index=DATES))
    assert_array_equal(
        out,
        [
            [1, 1, 0, 1, 1, 1, 13, 45],
            [2, 1, 3, 29, 60, 9, 0, 0],
            [12, 4, 1, 31, 366, 1, 23, 59],
        ],
    )
    assert out.dtype == np.float64


def test_calendar_features_onehot_has_the_full_range_whatever_x_holds():
    transformer = CalendarFeatures(features=("month", "dayofweek")).fit(pd.DataFrame(index=DATES[:1]))
    names = transformer.get_feature_names_out()
    assert names.tolist() == [f"month_{m}" for m in range(1, 13)] + [f"dayofweek_{d}" for d in range(7)]
    out = transformer.transform(pd.DataFrame(index=DATES))
    expected = np.zeros((3, 19))
    expected[0, [0, 12 + 0]] = 1.0  # January, Monday
    expected[1, [1, 12 + 3]] = 1.0  # February, Thursday
    expected[2, [11, 12 + 1]] = 1.0  # December, Tuesday
    assert_array_equal(out, expected)


def test_calendar_features_cyclical():
    index = pd.DatetimeIndex(["2024-01-01", "2024-04-01", "2024-07-01"])  # months 1, 4, 7; Mon, Mon, Mon
    transformer = CalendarFeatures(features=("month",), encoding="cyclical").fit(pd.Series(0.0, index=index))
    assert transformer.get_feature_names_out().tolist() == ["month_sin", "month_cos"]
    out = transformer.transform(pd.Series(0.0, index=index))
    assert_allclose(out, [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0]], atol=1e-12)  # 0, 90 and 180 degrees


def test_calendar_features_period_index_read_at_period_start_and_pandas_output():
    index = pd.period_range("2020-01", periods=3, freq="M")  # 2020-01-01 is a Wednesday
    transformer = CalendarFeatures(features=("dayofmonth", "dayofweek"), encoding="ordinal")
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=index)
    out = transformer.set_output(transform="pandas").fit_transform(X)
    expected = pd.DataFrame(
        {"dayofmonth": [1.0, 1.0, 1.0], "dayofweek": [2.0, 5.0, 6.0]}, index=index
    )  # 2020-02-01 Saturday, 2020-03-01 Sunday
    pd.testing.assert_frame_equal(out, expected)
    assert transformer.n_features_in_ == 1 and transformer.feature_names_in_.tolist() == ["a"]


def test_calendar_features_in_a_pipeline_recovers_a_monthly_pattern():
    pattern = np.array([5.0, 3.0, 8.0, 1.0, 9.0, 2.0, 7.0, 4.0, 6.0, 0.0, 11.0, 10.0])
    index = pd.period_range("2000-01", periods=48, freq="M")
    y = pd.Series(np.tile(pattern, 4)[:36], index=index[:36])
    model = Pipeline([("calendar", CalendarFeatures(features=("month",))), ("lr", LinearRegression())])
    model.set_output(transform="pandas").fit(pd.DataFrame(index=y.index), y)  # X with no columns
    future = pd.DataFrame(index=index[36:])
    assert_allclose(model.predict(future), pattern, atol=1e-9)
    assert model.n_features_in_ == 0


def test_calendar_features_beside_passthrough_columns():
    index = pd.period_range("2020-01", periods=2, freq="Q")
    calendar = CalendarFeatures(features=("quarter",), encoding="ordinal")
    union = FeatureUnion([("calendar", calendar), ("keep", "passthrough")])
    out = union.set_output(transform="pandas").fit_transform(pd.DataFrame({"a": [1.0, 2.0]}, index=index))
    expected = pd.DataFrame({"calendar__quarter": [1.0, 2.0], "keep__a": [1.0, 2.0]}, index=index)
    pd.testing.assert_frame_equal(out, expected)


def test_calendar_features_errors():
    message = (
        "CalendarFeatures needs a DatetimeIndex or PeriodIndex to read calendar features from; got a "
        "RangeIndex, which has no calendar. Give X a time index, e.g. X.index = pd.period_range('2020-01', "
        "periods=len(X), freq='M'), or build X as pd.DataFrame(index=y.index) from a series y that has one."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        CalendarFeatures().fit(pd.DataFrame({"a": [1.0, 2.0]}))
    message = (
        "CalendarFeatures reads the calendar from the index of a pandas DataFrame or Series; got ndarray. "
        "Pass e.g. pd.DataFrame(index=y.index) for a series y with a time index."
    )
    with pytest.raises(TypeError, match=re.escape(message)):
        CalendarFeatures().fit(np.zeros((3, 1)))
    X = pd.DataFrame(index=DATES)
    features = (
        "The 'features' parameter of CalendarFeatures must be a non-empty tuple of distinct str among {'month', "
        "'quarter', 'dayofweek', 'dayofmonth', 'dayofyear', 'weekofyear', 'hour', 'minute'}. Got "
    )
    message = features + "'month' instead. Did you mean features=('month',)?"
    with pytest.raises(TypeError, match=re.escape(message)):
        CalendarFeatures(features="month").fit(X)
    for bad in [("month", "week"), ("month", "month"), ()]:
        with pytest.raises(ValueError, match=re.escape(f"{features}{bad!r} instead.")):
            CalendarFeatures(features=bad).fit(X)
    message = (
        "The 'encoding' parameter of CalendarFeatures must be a str among {'cyclical', 'onehot', 'ordinal'}. Got "
        "'binary' instead."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        CalendarFeatures(encoding="binary").fit(X)
    message = "CalendarFeatures: X's index has NaT at row(s) 1; every row needs a date."
    with pytest.raises(ValueError, match=re.escape(message)):
        CalendarFeatures().fit(pd.DataFrame(index=pd.DatetimeIndex(["2024-01-01", None])))
    with pytest.raises(NotFittedError):
        CalendarFeatures().transform(X)
