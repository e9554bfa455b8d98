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


def three_series():
    # "long" fills a window and its target (6 >= 4 + 1): windowed as without padding; "mid" (4 values) is
    # padded; "short" starts later and has 2 values (too few to train, enough to forecast)
    return pd.DataFrame(
        {
            "long": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "mid": [np.nan, np.nan, 10.0, 20.0, 30.0, 40.0],
            "short": [np.nan, np.nan, np.nan, np.nan, 7.0, 8.0],
        }
    )


def test_training_windows_are_padded_with_a_mask_by_hand():
    f = DirectForecaster(Recorder(), window_length=4, horizon=1, scaling=None, min_observations=2)
    f.fit(None, three_series())
    # each step is (value, observed); "mid" is padded by window_length - min_observations = 2 steps,
    # [pad, pad, 10, 20, 30, 40], padded values 0; windows ordered by the step their target falls on
    expected_X = np.array(
        [
            [1, 1, 2, 1, 3, 1, 4, 1],  # long, target 5
            [0, 0, 0, 0, 10, 1, 20, 1],  # mid, target 30
            [2, 1, 3, 1, 4, 1, 5, 1],  # long, target 6
            [0, 0, 10, 1, 20, 1, 30, 1],  # mid, target 40
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(f.estimator_.seen_X_, expected_X)
    np.testing.assert_array_equal(f.estimator_.seen_y_, [[5.0], [30.0], [6.0], [40.0]])


def test_every_series_is_forecast_from_its_padded_last_window():
    f = DirectForecaster(Recorder(), window_length=4, horizon=1, scaling=None, min_observations=2)
    forecast = f.fit(None, three_series()).forecast(1)
    expected_rows = np.array(
        [
            [3, 1, 4, 1, 5, 1, 6, 1],  # "long": its last 4 values
            [10, 1, 20, 1, 30, 1, 40, 1],  # "mid": 4 values, a whole window
            [0, 0, 0, 0, 7, 1, 8, 1],  # "short": 2 values after 2 padded steps
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(f.estimator_.asked_X_, expected_rows)
    assert list(forecast.columns) == ["long", "mid", "short"] and np.isfinite(forecast.to_numpy()).all()


def test_window_scaling_ignores_the_padding():
    # a level-scaled window of [pad, pad, 10, 20] is [10, 20] / 15 - 1; the padded steps stay 0
    y = pd.DataFrame({"a": [10.0, 20.0, 30.0, 40.0]})
    f = DirectForecaster(
        Recorder(), window_length=4, horizon=1, scaling="window", window_scale="mean", min_observations=2
    ).fit(None, y)
    first = f.estimator_.seen_X_[0].reshape(4, 2)
    np.testing.assert_allclose(first, [[0, 0], [0, 0], [10 / 15 - 1, 1], [20 / 15 - 1, 1]])
    np.testing.assert_allclose(f.estimator_.seen_y_[0], [30 / 15 - 1])


def test_without_min_observations_short_series_are_refused_with_the_way_out():
    with pytest.raises(ValueError, match="min_observations=... to pad short series"):
        DirectForecaster(LinearRegression(), window_length=4, horizon=1).fit(None, three_series())


def test_no_series_long_enough_to_train_is_an_error_naming_the_minimum():
    y = pd.DataFrame({"a": [1.0, 2.0], "b": [np.nan, 3.0]})
    with pytest.raises(
        ValueError,
        match=r"no series has the 3 observations a training window needs "
        r"\(min_observations=2 \+ horizon=1\); the longest has 2",
    ):
        DirectForecaster(LinearRegression(), window_length=4, horizon=1, min_observations=2).fit(None, y)


def test_recursive_forecaster_pads_too():
    f = RecursiveForecaster(Recorder(), window_length=4, scaling=None, min_observations=2, carry_state=False)
    forecast = f.fit(None, three_series()).forecast(2)
    assert f.estimator_.seen_X_.shape == (4, 8) and forecast.shape == (2, 3)


def test_forecasts_read_the_fitted_settings_not_live_parameters():
    y = pd.Series(np.sin(np.arange(60) / 3.0) + 2.0)
    f = DirectForecaster(LinearRegression(), window_length=6, horizon=3).fit(None, y)
    before = f.forecast(3)
    f.set_params(window_length=12, scaling="window", horizon=5, min_observations=2)  # no refit
    pd.testing.assert_series_equal(f.forecast(3), before)
    with pytest.raises(ValueError, match="was fitted to forecast 3 steps ahead; 4 were asked for"):
        f.forecast(4)


def test_a_carried_state_is_fed_the_indicator_with_each_forecast():
    class Carrier(LinearRegression):
        """Says it carries a state; records what the forecaster hands to predict_recursive."""

        def can_carry_state(self):
            return True

        def predict_recursive(self, X, n_steps, step_features=None):
            self.asked_ = (X.shape, step_features)
            return np.zeros((len(X), n_steps))

    f = RecursiveForecaster(Carrier(), window_length=4, scaling=None, min_observations=2)
    f.fit(None, three_series()).forecast(3)
    shape, step_features = f.estimator_.asked_
    assert shape == (3, 4, 2)  # 3 series, 4 steps of (value, observed)
    np.testing.assert_array_equal(step_features, np.ones((2, 1)))  # steps 2 and 3: "observed"
