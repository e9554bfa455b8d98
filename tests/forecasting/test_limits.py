"""Limits before allocation, for every forecaster: at most MAX_FORECAST_STEPS steps ahead (forecast, predict,
a fitted horizon) and MAX_FORECAST_VALUES values per forecast, refused with a message from seqforecast rather
than a MemoryError or an allocator's message."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from seqforecast._utils.validation import InvalidParameterError
from seqforecast.base import MAX_FORECAST_STEPS, MAX_FORECAST_VALUES
from seqforecast.forecasting import DirectForecaster, EnsembleForecaster

from ._zoo import FORECASTERS, cases, net, two_series


def steps_message(owner, steps):
    return (
        f"The 'steps' parameter of {owner}.forecast must be an int in the range [1, 1000000]. Got {steps} instead. "
        f"steps is the forecast horizon: the number of steps to forecast, e.g. forecast(12) (at most "
        f"seqforecast.base.MAX_FORECAST_STEPS)."
    )


def test_the_limits():
    assert MAX_FORECAST_STEPS == 1_000_000 and MAX_FORECAST_VALUES == 100_000_000


@pytest.mark.parametrize("name", cases(FORECASTERS))
def test_steps_and_rows_past_the_limit_are_refused_before_allocation(name):
    y = two_series().reset_index(drop=True)  # a RangeIndex: any label is a valid step
    model = FORECASTERS[name]().fit(None, y)
    owner = type(model).__name__
    for steps in (10**12, MAX_FORECAST_STEPS + 1):
        with pytest.raises(InvalidParameterError, match=re.escape(steps_message(owner, steps))):
            model.forecast(steps)
    far = pd.DataFrame(index=pd.Index([30, 29 + 10**12]))
    msg = (
        f"{owner} forecasts at most 1000000 steps ahead (seqforecast.base.MAX_FORECAST_STEPS); the rows of X "
        f"reach step 1000000000000 (label 1000000000029). Ask for fewer steps ahead."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.predict(far)
    many = np.zeros((MAX_FORECAST_STEPS + 1, 0))  # a million rows without covariates: no memory
    msg = (
        f"{owner} forecasts at most 1000000 steps ahead (seqforecast.base.MAX_FORECAST_STEPS); X has 1000001 rows, "
        f"one per step after the end of training. Ask for fewer steps ahead."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.predict(many)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: DirectForecaster(Ridge(), window_length=4, horizon=3), id="Direct"),
        pytest.param(
            lambda: EnsembleForecaster(
                [
                    DirectForecaster(net(), window_length=4, horizon=5),
                    DirectForecaster(net(), window_length=4, horizon=3),
                ],
                n_members=1,
            ),
            id="Ensemble",
            marks=pytest.mark.slow,  # nets (the first one of a session imports torch)
        ),
    ],
)
def test_a_fitted_horizon_is_a_limit_too(make):
    model = make().fit(None, two_series())
    owner = type(model).__name__
    with pytest.raises(
        ValueError,
        match=re.escape(f"{owner} was fitted to forecast 3 steps ahead; 4 were asked for. Refit with horizon>=4."),
    ):
        model.forecast(4)
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"{owner} was fitted to forecast 3 steps ahead; the rows of X reach step 5 (label 2002-11). Refit with "
            f"horizon>=5."
        ),
    ):
        model.predict(pd.DataFrame(index=pd.period_range("2002-07", periods=5, freq="M")[[0, 4]]))
    assert model.forecast(3).shape == (3, 2)


def test_the_horizon_parameters_have_the_same_limit():
    from seqforecast import AutoRNNForecaster

    y = two_series()
    for model in (DirectForecaster(horizon=10**8), AutoRNNForecaster(10**8)):
        owner = type(model).__name__
        msg = f"The 'horizon' parameter of {owner} must be an int in the range [1, 1000000]. Got 100000000 instead."
        with pytest.raises(InvalidParameterError, match=re.escape(msg)):
            model.fit(None, y)


def test_values_past_the_limit_are_refused_before_allocation():
    from seqforecast.baselines import NaiveForecaster

    many = pd.DataFrame(np.ones((3, 1000)))  # 1000 series
    model = NaiveForecaster().fit(None, many)
    assert model.forecast(10).shape == (10, 1000)
    msg = (
        "NaiveForecaster: 100001 steps of 1000 series and 0 covariate(s) make 100001000 values per forecast array, "
        "more than 100000000 (seqforecast.base.MAX_FORECAST_VALUES, 800 MB of float64). Forecast fewer steps at "
        "a time, or fit a model on fewer series."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.forecast(100_001)
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.predict(pd.DataFrame(index=[3, 100_003]))


def test_dates_far_ahead_are_refused_without_building_the_grid_to_them():
    from seqforecast.baselines import NaiveForecaster

    y = pd.Series(np.arange(48.0), index=pd.date_range("2020-01-01", periods=48, freq="h"))
    model = NaiveForecaster().fit(None, y)
    # microseconds: the year 9000 is past pandas 2's default nanosecond range
    far = pd.DataFrame(index=pd.DatetimeIndex(np.array(["2020-01-03", "9000-01-01"], dtype="datetime64[us]")))
    msg = (
        "NaiveForecaster forecasts at most 1000000 steps ahead (seqforecast.base.MAX_FORECAST_STEPS); the rows of "
        "X reach beyond step 1000000 (label 9000-01-01 00:00:00). Ask for fewer steps ahead."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.predict(far)
    near = pd.DataFrame(index=pd.DatetimeIndex(["2020-01-03 05:00"]))
    assert model.predict(near).tolist() == [47.0]


def test_a_forecast_past_the_last_representable_date_is_a_clear_error():
    from seqforecast.baselines import NaiveForecaster

    y = pd.Series(np.arange(6.0), index=pd.date_range("2000", periods=6, freq="YE", unit="ns"))
    model = NaiveForecaster().fit(None, y)
    msg = (
        "1000 steps of YE-DEC after 2005-12-31 00:00:00 go past the last date pandas can represent; forecast fewer "
        "steps, or fit on a RangeIndex (time steps without dates)."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.forecast(1000)
    assert len(model.forecast(200)) == 200
