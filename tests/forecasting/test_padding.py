"""Window forecasters with ``min_observations``: short series padded, with a mask, instead of refused."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from seqforecast.forecasting import DirectForecaster, RecursiveForecaster


class Recorder(LinearRegression):
    """A linear regression that keeps the rows it was fitted on and the rows it was asked to predict."""

    def fit(self, X, y):
        self.seen_X_, self.seen_y_ = np.array(X), np.array(y)
        return super().fit(X, y)

    def predict(self, X):
        self.asked_X_ = np.array(X)
        return super().predict(X)


def two_series():
    # "long" has 5 observations, "short" starts later and has 2 (too few to train, enough to forecast)
    return pd.DataFrame({"long": [1.0, 2.0, 3.0, 4.0, 5.0], "short": [np.nan, np.nan, np.nan, 7.0, 8.0]})


def test_training_windows_are_padded_with_a_mask_by_hand():
    f = DirectForecaster(Recorder(), window_length=4, horizon=1, scaling=None, min_observations=2)
    f.fit(None, two_series())
    # "long" padded by window_length - min_observations = 2 steps: [pad, pad, 1, 2, 3, 4, 5]; every window of 4
    # inputs and 1 target; each step is (value, observed), padded values 0; "short" (2 < 2 + 1) trains nothing
    expected_X = np.array([
        [0, 0, 0, 0, 1, 1, 2, 1],
        [0, 0, 1, 1, 2, 1, 3, 1],
        [1, 1, 2, 1, 3, 1, 4, 1],
    ], dtype=float)
    np.testing.assert_array_equal(f.estimator_.seen_X_, expected_X)
    np.testing.assert_array_equal(f.estimator_.seen_y_, [[3.0], [4.0], [5.0]])


def test_every_series_is_forecast_from_its_padded_last_window():
    f = DirectForecaster(Recorder(), window_length=4, horizon=1, scaling=None, min_observations=2)
    forecast = f.fit(None, two_series()).forecast(1)
    expected_rows = np.array([
        [2, 1, 3, 1, 4, 1, 5, 1],  # "long": its last 4 values
        [0, 0, 0, 0, 7, 1, 8, 1],  # "short": 2 values after 2 padded steps
    ], dtype=float)
    np.testing.assert_array_equal(f.estimator_.asked_X_, expected_rows)
    assert list(forecast.columns) == ["long", "short"] and np.isfinite(forecast.to_numpy()).all()


def test_window_scaling_ignores_the_padding():
    # a level-scaled window of [pad, pad, 10, 20] is [10, 20] / 15 - 1; the padded steps stay 0
    y = pd.DataFrame({"a": [10.0, 20.0, 30.0, 40.0, 50.0]})
    f = DirectForecaster(Recorder(), window_length=4, horizon=1, scaling="window", window_scale="mean",
                         min_observations=2).fit(None, y)
    first = f.estimator_.seen_X_[0].reshape(4, 2)
    np.testing.assert_allclose(first, [[0, 0], [0, 0], [10 / 15 - 1, 1], [20 / 15 - 1, 1]])
    np.testing.assert_allclose(f.estimator_.seen_y_[0], [30 / 15 - 1])


def test_without_min_observations_short_series_are_refused_with_the_way_out():
    with pytest.raises(ValueError, match="min_observations=... to pad short series"):
        DirectForecaster(LinearRegression(), window_length=4, horizon=1).fit(None, two_series())


def test_no_series_long_enough_to_train_is_an_error_naming_the_minimum():
    y = pd.DataFrame({"a": [1.0, 2.0], "b": [np.nan, 3.0]})
    with pytest.raises(ValueError, match=r"no series has the 3 observations a training window needs "
                                         r"\(min_observations=2 \+ horizon=1\); the longest has 2"):
        DirectForecaster(LinearRegression(), window_length=4, horizon=1, min_observations=2).fit(None, y)


def test_recursive_forecaster_pads_too():
    f = RecursiveForecaster(Recorder(), window_length=4, scaling=None, min_observations=2, carry_state=False)
    forecast = f.fit(None, two_series()).forecast(2)
    assert f.estimator_.seen_X_.shape == (3, 8) and forecast.shape == (2, 2)


def test_forecasts_read_the_fitted_settings_not_live_parameters():
    y = pd.Series(np.sin(np.arange(60) / 3.0) + 2.0)
    f = DirectForecaster(LinearRegression(), window_length=6, horizon=3).fit(None, y)
    before = f.forecast(3)
    f.set_params(window_length=12, scaling="window", horizon=5, min_observations=2)  # no refit
    pd.testing.assert_series_equal(f.forecast(3), before)
    with pytest.raises(ValueError, match="was fitted to forecast 3 steps ahead; 4 were asked for"):
        f.forecast(4)
