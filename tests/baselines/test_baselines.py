"""Tests of the baseline forecasters: hand-written naive forecasts, statsmodels equality for ETS, M4 Theta."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from seqforecast.base import BaseForecaster
from seqforecast.baselines import (
    ARIMAForecaster,
    ETSForecaster,
    Naive2Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
    is_baseline,
)
from seqforecast.baselines._kernels import theta_fit, theta_forecast
from seqforecast.datasets import load_airline
from seqforecast.evaluation.metrics import make_forecast_scorer
from seqforecast.exceptions import ConvergenceWarning


def monthly(values, start="2000-01", name="y"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"), name=name)


# ------------------------------------------------------------------------------------------------ naive family
@pytest.mark.parametrize(
    ("strategy", "expected"),
    [("last", [4.0, 4.0, 4.0]), ("mean", [7 / 3, 7 / 3, 7 / 3]), ("drift", [5.5, 7.0, 8.5])],
)
def test_naive_forecaster_pandas_out(strategy, expected):
    y = monthly([1.0, 2.0, 4.0], name="sales")
    forecast = NaiveForecaster(strategy=strategy).fit(None, y).forecast(3)
    pd.testing.assert_series_equal(
        forecast, pd.Series(expected, index=pd.period_range("2000-04", periods=3, freq="M"), name="sales")
    )


def test_seasonal_naive_several_series_with_leading_nan():
    y = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [np.nan, np.nan, 30.0, 40.0, 50.0]}, index=pd.RangeIndex(10, 15)
    )
    forecast = SeasonalNaiveForecaster(sp=2).fit(None, y).forecast(3)
    expected = pd.DataFrame({"a": [4.0, 5.0, 4.0], "b": [40.0, 50.0, 40.0]}, index=pd.RangeIndex(15, 18))
    pd.testing.assert_frame_equal(forecast, expected)
    # predict(X): the index of X says which future rows
    rows = pd.DataFrame(index=pd.Index([16, 17]))
    pd.testing.assert_frame_equal(SeasonalNaiveForecaster(sp=2).fit(None, y).predict(rows), expected.iloc[1:])


def test_naive2_forecaster_continues_the_season_with_the_right_phase():
    pattern = np.array([0.5, 1.0, 1.5, 1.0])
    y = pd.Series(10 * pattern[np.arange(22) % 4], index=pd.RangeIndex(100, 122))
    model = Naive2Forecaster(sp=4).fit(None, y)
    # 22 values: the last is at season position 1; next positions 2, 3, 0, 1, 2
    pd.testing.assert_series_equal(
        model.forecast(5), pd.Series([15.0, 10.0, 5.0, 10.0, 15.0], index=pd.RangeIndex(122, 127))
    )
    assert model.seasonal_.tolist() == [True]
    assert Naive2Forecaster(sp=1).fit(None, y).forecast(2).tolist() == [10.0, 10.0]


def test_rules_forecast_from_a_new_context():
    y = monthly([1.0, 2.0, 3.0, 4.0])
    context = monthly([5.0, 9.0, 7.0], start="2001-01")
    expected_index = pd.period_range("2001-04", periods=2, freq="M")
    for model, values in [
        (NaiveForecaster(), [7.0, 7.0]),
        (NaiveForecaster(strategy="drift"), [8.0, 9.0]),
        (SeasonalNaiveForecaster(sp=2), [9.0, 7.0]),
        (Naive2Forecaster(sp=1), [7.0, 7.0]),
    ]:
        forecast = model.fit(None, y).forecast(2, y_context=context)
        pd.testing.assert_series_equal(forecast, pd.Series(values, index=expected_index, name="y"))


def test_naive_in_grid_search_with_mase_scorer():
    y = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    search = GridSearchCV(
        NaiveForecaster(),
        {"strategy": ["last", "mean", "drift"]},
        cv=TimeSeriesSplit(n_splits=2, test_size=2),
        scoring=make_forecast_scorer("mase"),
    ).fit(pd.DataFrame(index=y.index), y)
    # on a straight line the drift forecast is exact
    assert search.best_params_ == {"strategy": "drift"}
    assert search.cv_results_["mean_test_score"][2] == 0.0
    # last: errors 1, 2 on each fold with scale 1 -> MASE 1.5
    assert search.cv_results_["mean_test_score"][0] == pytest.approx(-1.5)


# --------------------------------------------------------------------------------------------------- Theta
def test_theta_forecaster_equals_the_m4_kernel_per_series():
    rng = np.random.default_rng(5)
    a = 50 + np.arange(40) * 0.02 + rng.normal(size=40)  # a weak trend: not seasonal by M4's test
    b = 20 + 5 * np.sin(np.arange(30) * 2 * np.pi / 4) + rng.normal(size=30) * 0.1
    y = pd.DataFrame({"a": a, "b": np.r_[[np.nan] * 10, b]})
    model = ThetaForecaster(sp=4).fit(None, y)
    forecast = model.forecast(6)
    assert_allclose(forecast["a"], theta_forecast(a, 6, sp=4), rtol=1e-12)
    assert_allclose(forecast["b"], theta_forecast(b, 6, sp=4), rtol=1e-12)
    assert model.seasonal_.tolist() == [False, True]
    assert model.slope_[0] == pytest.approx(np.polyfit(np.arange(40), a, 1)[0], rel=1e-10)
    # the fitted state is the kernel's, series by series (alpha is in [1e-4, 0.9999] by construction)
    assert model.alpha_.tolist() == [theta_fit(a, 4).alpha, theta_fit(b, 4).alpha]


def test_models_refuse_a_new_context():
    y = monthly(np.arange(1.0, 13.0))
    for model in (ThetaForecaster(), ETSForecaster()):
        with pytest.raises(
            NotImplementedError,
            match=re.escape(
                f"{type(model).__name__} cannot forecast from a new y_context without refitting: its parameters "
                "were estimated on the training series. Fit it on the new history instead "
                "(fit(None, y_context).forecast(steps))."
            ),
        ):
            model.fit(None, y).forecast(2, y_context=y + 1)


# ----------------------------------------------------------------------------------------------------- ETS
@pytest.fixture(scope="module")
def airline():
    return load_airline()


@pytest.mark.parametrize(
    "params",
    [
        {"error": "add"},
        {"error": "add", "trend": "add", "damped_trend": True, "seasonal": "add", "sp": 12},
        {"error": "mul", "trend": "add", "seasonal": "mul", "sp": 12},
    ],
)
def test_ets_equals_statsmodels(airline, params):
    model = ETSForecaster(**params).fit(None, airline)
    reference = ETSModel(
        pd.Series(airline.to_numpy()),
        error=params["error"],
        trend=params.get("trend"),
        damped_trend=params.get("damped_trend", False),
        seasonal=params.get("seasonal"),
        seasonal_periods=params.get("sp"),
    ).fit(disp=False)
    forecast = model.forecast(12)
    assert forecast.index.equals(pd.period_range("1961-01", periods=12, freq="M", name="Period"))
    assert forecast.name == "Passengers"
    assert_allclose(forecast.to_numpy(), reference.forecast(12).to_numpy(), rtol=1e-10)


def test_ets_exact_intervals_equal_statsmodels(airline):
    model = ETSForecaster(trend="add", seasonal="add", sp=12).fit(None, airline)
    reference = ETSModel(pd.Series(airline.to_numpy()), trend="add", seasonal="add", seasonal_periods=12).fit(
        disp=False
    )
    frame = reference.get_prediction(start=144, end=149).summary_frame(alpha=0.2)
    result = model.forecast(6, coverage=0.8)
    assert list(result.columns) == ["Passengers", "Passengers_lower", "Passengers_upper"]
    assert_allclose(result["Passengers_lower"], frame["pi_lower"], rtol=1e-10)
    assert_allclose(result["Passengers_upper"], frame["pi_upper"], rtol=1e-10)
    assert np.all(result["Passengers_lower"] < result["Passengers"])


def test_ets_simulated_intervals_are_seeded(airline):
    model = ETSForecaster(error="mul", trend="add", seasonal="mul", sp=12, random_state=0, n_simulations=200)
    first = model.fit(None, airline).forecast(4, coverage=0.9)
    second = clone(model).fit(None, airline).forecast(4, coverage=0.9)
    pd.testing.assert_frame_equal(first, second)
    assert np.all(first["Passengers_lower"] < first["Passengers"])
    assert np.all(first["Passengers"] < first["Passengers_upper"])


def test_ets_several_series_and_pickle(airline):
    y = pd.DataFrame({"a": airline.to_numpy()[:60], "b": np.r_[[np.nan] * 12, airline.to_numpy()[12:60]]})
    model = ETSForecaster(trend="add").fit(None, y)
    assert len(model.results_) == 2
    reference_b = ETSModel(pd.Series(airline.to_numpy()[12:60]), trend="add").fit(disp=False).forecast(3)
    assert_allclose(model.forecast(3)["b"].to_numpy(), reference_b.to_numpy(), rtol=1e-10)
    restored = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(restored.forecast(3), model.forecast(3))


def test_ets_convergence_warning(airline):
    model = ETSForecaster(trend="add", seasonal="mul", sp=12, maxiter=1)
    with pytest.warns(ConvergenceWarning) as record:
        model.fit(None, pd.DataFrame({"a": airline, "b": airline}))
    assert [str(w.message) for w in record if w.category is ConvergenceWarning] == [
        f"ETSForecaster (series {name!r}): the likelihood maximisation did not converge in maxiter=1 iterations; "
        "raise maxiter or try a simpler model."
        for name in ("a", "b")
    ]
    with pytest.warns(ConvergenceWarning, match=re.escape("ETSForecaster: the likelihood maximisation did not")):
        model.fit(None, airline)  # one series: the class only


# -------------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("model", "y", "msg"),
    [
        (
            NaiveForecaster(strategy="median"),
            monthly([1.0, 2.0]),
            "The 'strategy' parameter of NaiveForecaster must be a str among {'drift', 'last', 'mean'}. Got 'median' "
            "instead.",
        ),
        (
            NaiveForecaster(strategy="drift"),
            monthly([1.0]),
            "NaiveForecaster: naive_forecast: y needs at least 2 value(s) for strategy='drift'; got 1.",
        ),
        (
            SeasonalNaiveForecaster(sp=0),
            monthly([1.0, 2.0]),
            "The 'sp' parameter of SeasonalNaiveForecaster must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            SeasonalNaiveForecaster(sp=3),
            pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [np.nan, np.nan, 1.0, 2.0]}),
            "SeasonalNaiveForecaster (series 'b'): seasonal_naive_forecast: y needs at least 3 value(s) (one full "
            "season, sp=3); got 2.",
        ),
        (
            Naive2Forecaster(sp=4),
            pd.Series(np.tile([1.0, 1.0, 1.0, 9.0], 4) - 2.0),
            "Naive2Forecaster: naive2_forecast: a multiplicative decomposition needs a strictly positive series; "
            "y has 12 value(s) <= 0 (first at position 0).",
        ),
        (
            ThetaForecaster(sp=4),
            pd.DataFrame({"a": np.tile([1.0, 1.0, 1.0, 9.0], 4), "b": np.tile([1.0, 1.0, 1.0, 9.0], 4) - 2.0}),
            "ThetaForecaster (series 'b'): theta_fit: a multiplicative decomposition needs a strictly positive "
            "series; y has 12 value(s) <= 0 (first at position 0).",
        ),
        (
            ETSForecaster(error="multiplicative"),
            monthly([1.0, 2.0]),
            "The 'error' parameter of ETSForecaster must be a str among {'add', 'mul'}. Got 'multiplicative' instead.",
        ),
        (
            ETSForecaster(damped_trend=1),
            monthly([1.0, 2.0]),
            "The 'damped_trend' parameter of ETSForecaster must be True or False. Got 1 instead.",
        ),
        (
            ETSForecaster(damped_trend=True),
            monthly([1.0, 2.0]),
            "ETSForecaster: damped_trend=True needs a trend; set trend='add' or 'mul'.",
        ),
        (
            ETSForecaster(seasonal="add"),
            monthly([1.0, 2.0]),
            "ETSForecaster: seasonal='add' needs a seasonal period sp >= 2; got sp=1.",
        ),
        (
            ETSForecaster(maxiter=0),
            monthly([1.0, 2.0]),
            "The 'maxiter' parameter of ETSForecaster must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            ETSForecaster(error="mul"),
            pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan, 2.0, -1.0]}),
            "ETSForecaster (series 'b'): error='mul' needs a strictly positive series; it has 1 value(s) <= 0 (first "
            "at position 1: -1.0).",
        ),
    ],
)
def test_fit_errors(model, y, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.fit(None, y)


def test_covariates_are_refused_not_ignored():
    y = monthly([1.0, 2.0, 3.0])
    X = pd.DataFrame({"promo": [0.0, 1.0, 0.0]}, index=y.index)
    for model in (NaiveForecaster(), SeasonalNaiveForecaster(), Naive2Forecaster(), ThetaForecaster(), ETSForecaster()):
        with pytest.raises(
            ValueError,
            match=re.escape(
                f"{type(model).__name__} does not use covariates, but X has 1 column(s). Pass X=None or a "
                "DataFrame with no columns (pd.DataFrame(index=y.index))."
            ),
        ):
            model.fit(X, y)
    # an X without columns only carries the index
    assert NaiveForecaster().fit(pd.DataFrame(index=y.index), y).forecast(1).tolist() == [3.0]


def test_failed_fit_leaves_a_fitted_forecaster_unchanged():
    model = Naive2Forecaster(sp=1).fit(None, monthly([1.0, 2.0]))
    model.set_params(sp=0)
    with pytest.raises(ValueError, match=re.escape("The 'sp' parameter of Naive2Forecaster must be an int")):
        model.fit(None, monthly([5.0, 6.0]))
    assert model.forecast(1).tolist() == [2.0]


@pytest.mark.parametrize(
    "model",
    [
        NaiveForecaster(strategy="mean"),
        SeasonalNaiveForecaster(sp=3),
        Naive2Forecaster(sp=4),
        ThetaForecaster(sp=2),
        ETSForecaster(trend="add", damped_trend=True, random_state=1),
    ],
)
def test_params_round_trip_through_clone(model):
    params = model.get_params()
    assert clone(model).get_params() == params
    assert type(model)(**params).get_params() == params


def test_is_baseline():
    class Local(BaseForecaster):
        pass

    for model in (
        NaiveForecaster(),
        SeasonalNaiveForecaster(),
        Naive2Forecaster(),
        ThetaForecaster(),
        ETSForecaster(),
        ARIMAForecaster(),
    ):
        assert is_baseline(model) is True
    assert not is_baseline(Local()) and not is_baseline(NaiveForecaster) and not is_baseline("naive")
