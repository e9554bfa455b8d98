"""Property-based tests (hypothesis): invariants that hold for every input of the right kind.

Derandomized (the same examples on every run), few examples, no deadline: they are part of the fast suite.
Values are drawn as integers / 100 so that scaling and shifting them stays exact enough to compare at 1e-9.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.linear_model import LinearRegression

from seqforecast._utils.time_index import check_time_index
from seqforecast.baselines import NaiveForecaster, SeasonalNaiveForecaster
from seqforecast.evaluation import metrics
from seqforecast.forecasting import RecursiveForecaster
from seqforecast.preprocessing.windowing import make_windows

# the autouse seeding fixture is function-scoped; the examples do not use the global random state
SETTINGS = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

VALUES = st.integers(-100_000, 100_000).map(lambda v: v / 100)


def arrays(draw, shape, elements=VALUES):
    return np.array(
        draw(st.lists(elements, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))), dtype=np.float64
    ).reshape(shape)


# ----------------------------------------------------------------------------------------------- windowing
@SETTINGS
@given(
    n=st.integers(0, 40),
    window=st.integers(1, 12),
    horizon=st.integers(1, 6),
    step=st.integers(1, 5),
    n_features=st.integers(1, 3),
    data=st.data(),
)
def test_make_windows_shapes_and_contents(n, window, horizon, step, n_features, data):
    target = data.draw(st.integers(0, n_features - 1))
    values = np.arange(n, dtype=np.float64)[:, None] + 1000.0 * np.arange(n_features)  # time + 1000 * feature
    if n < window + horizon:
        with pytest.raises(ValueError, match=f"got {n}. Use a shorter window_length or horizon"):
            make_windows(values, window, horizon=horizon, step=step, target=target)
        return
    X, y = make_windows(values, window, horizon=horizon, step=step, target=target)
    n_windows = (n - window - horizon) // step + 1
    starts = n - window - horizon - step * np.arange(n_windows)[::-1]  # anchored at the end, oldest first
    assert X.shape == (n_windows, window, n_features)
    # [N, 1, 1] + [1, L, 1] + [F] -> [N, L, F]
    assert_array_equal(X, starts[:, None, None] + np.arange(window)[None, :, None] + 1000.0 * np.arange(n_features))
    expected_y = starts[:, None] + window + np.arange(horizon) + 1000.0 * target  # [N, H]
    assert_array_equal(y, expected_y[:, 0] if horizon == 1 else expected_y)
    assert y.reshape(n_windows, -1)[-1, -1] == values[-1, target]  # the last target is the last time step
    assert X.flags.writeable and not np.shares_memory(X, values) and not np.shares_memory(y, values)


# ------------------------------------------------------------------------------------------- future index
DATETIME_FREQS = ["h", "D", "W-SUN", "MS", "ME", "QE", "YE", "B", "2h", "15min"]
# the same frequencies as periods (pandas deprecates business-day periods: "B" is left out)
PERIOD_FREQS = ["h", "D", "W-SUN", "M", "Q", "Y", "2h", "15min"]


def check_future(train, expected_future, k):
    time_index = check_time_index(train)
    future = time_index.future(k)
    assert future.equals(expected_future) and len(future) == k
    assert future.is_monotonic_increasing and future.is_unique and future[0] > train[-1]
    assert_array_equal(time_index.steps_ahead(future), np.arange(1, k + 1))
    assert_array_equal(time_index.steps_ahead(train[-1:]), [0])


@SETTINGS
@given(
    freq=st.sampled_from(DATETIME_FREQS),
    n=st.integers(1, 60),
    k=st.integers(1, 30),
    start=st.integers(0, 20_000),
    tz=st.sampled_from([None, "UTC", "America/New_York"]),
)
def test_future_datetime_index_continues_pandas_date_range(freq, n, k, start, tz):
    grid = pd.date_range(pd.Timestamp("2000-01-01") + pd.Timedelta(hours=start), periods=n + k, freq=freq, tz=tz)
    check_future(grid[:n], grid[n:], k)


@SETTINGS
@given(freq=st.sampled_from(PERIOD_FREQS), n=st.integers(1, 60), k=st.integers(1, 30), start=st.integers(0, 20_000))
def test_future_period_index_continues_pandas_period_range(freq, n, k, start):
    grid = pd.period_range(pd.Timestamp("2000-01-01") + pd.Timedelta(hours=start), periods=n + k, freq=freq)
    check_future(grid[:n], grid[n:], k)


@SETTINGS
@given(
    start=st.integers(-100, 100),
    step=st.integers(1, 5),
    n=st.integers(1, 50),
    k=st.integers(1, 30),
    plain=st.booleans(),
)
def test_future_integer_index_continues_its_steps(start, step, n, k, plain):
    grid = pd.RangeIndex(start, start + (n + k) * step, step)
    train = pd.Index(np.asarray(grid[:n])) if plain else grid[:n]
    # one plain integer label says nothing about the step: 1 is assumed (a RangeIndex keeps its own)
    expected = pd.RangeIndex(start + 1, start + 1 + k) if plain and n == 1 else grid[n:]
    check_future(train, expected, k)


# ------------------------------------------------------------------------------------------------- metrics
def pair(draw, positive=False):
    """(y_true, y_pred) of one shape: (horizon,) or (horizon, n_series)."""
    shape = draw(st.sampled_from([(draw(st.integers(1, 8)),), (draw(st.integers(1, 6)), draw(st.integers(1, 3)))]))
    elements = st.integers(10, 100_000).map(lambda v: v / 100) if positive else VALUES
    y_true = arrays(draw, shape, elements)
    if positive:  # MAPE is undefined at 0: nonzero actuals of either sign
        y_true *= np.where(arrays(draw, shape, st.booleans()) > 0, 1.0, -1.0)
    return y_true, arrays(draw, shape)


@SETTINGS
@given(data=st.data())
def test_smape_is_symmetric(data):
    y, f = pair(data.draw)
    assert metrics.smape(y, f) == metrics.smape(f, y)
    assert 0.0 <= metrics.smape(y, f) <= 200.0


@SETTINGS
@given(data=st.data(), c=st.sampled_from([1e-3, 0.37, 2.0, 1e3, 12_345.678]))
def test_percentage_and_scaled_errors_are_scale_invariant(data, c):
    y, f = pair(data.draw, positive=True)
    train = arrays(data.draw, (data.draw(st.integers(3, 20)),) + y.shape[1:])
    assume(np.all(np.abs(np.diff(train, axis=0)).sum(axis=0) > 0))  # a zero MASE scale is an error, tested elsewhere
    assert metrics.smape(c * y, c * f) == pytest.approx(metrics.smape(y, f), rel=1e-9, abs=1e-12)
    assert metrics.mape(c * y, c * f) == pytest.approx(metrics.mape(y, f), rel=1e-9, abs=1e-12)
    assert metrics.mase(c * y, c * f, y_train=c * train) == pytest.approx(
        metrics.mase(y, f, y_train=train), rel=1e-9, abs=1e-12
    )


@SETTINGS
@given(data=st.data(), shift=VALUES.map(lambda v: v * 10))
def test_mae_and_rmse_are_translation_invariant_and_rmse_bounds_mae(data, shift):
    y, f = pair(data.draw)
    for metric in (metrics.mae, metrics.rmse):
        assert metric(y + shift, f + shift) == pytest.approx(metric(y, f), rel=1e-9, abs=1e-9)
    assert metrics.rmse(y, f) >= metrics.mae(y, f) * (1 - 1e-12)


# ------------------------------------------------------------------------------------------- forecasters
def drawn_series(draw, min_size):
    values = draw(st.lists(VALUES, min_size=min_size, max_size=40))
    return pd.Series(values, name="y")


@pytest.mark.slow  # fits a forecaster per example
@SETTINGS
@given(
    data=st.data(),
    window=st.integers(1, 5),
    horizon=st.integers(2, 8),
    scaling=st.sampled_from(["series", "window", None]),
)
def test_recursive_forecasts_are_prefix_consistent(data, window, horizon, scaling):
    y = drawn_series(data.draw, min_size=window + 8)
    forecaster = RecursiveForecaster(LinearRegression(), window_length=window, scaling=scaling).fit(None, y)
    k = data.draw(st.integers(1, horizon - 1))
    pd.testing.assert_series_equal(forecaster.forecast(horizon).iloc[:k], forecaster.forecast(k))


@SETTINGS
@given(
    data=st.data(),
    horizon=st.integers(2, 15),
    strategy=st.sampled_from(["last", "mean", "drift"]),
    sp=st.integers(1, 7),
)
def test_naive_forecasts_are_prefix_consistent(data, horizon, strategy, sp):
    y = drawn_series(data.draw, min_size=max(sp, 2))
    k = data.draw(st.integers(1, horizon - 1))
    for forecaster in (NaiveForecaster(strategy=strategy).fit(None, y), SeasonalNaiveForecaster(sp=sp).fit(None, y)):
        pd.testing.assert_series_equal(forecaster.forecast(horizon).iloc[:k], forecaster.forecast(k))
