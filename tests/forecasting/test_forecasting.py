"""Forecasters: closed forms, prefix consistency, indexes, scaling, covariates, scikit-learn tools."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate

from seqforecast.forecasting import DirectForecaster, EnsembleForecaster, RecursiveForecaster


def ar1(n=60, c=2.0, phi=0.8, y0=30.0):
    """Noiseless AR(1): y[t] = c + phi * y[t-1]."""
    y = np.empty(n)
    y[0] = y0
    for t in range(1, n):
        y[t] = c + phi * y[t - 1]
    return y


@pytest.mark.parametrize("scaling", ["series", None])
def test_recursive_linear_ar1_equals_closed_form(scaling):
    c, phi = 2.0, 0.8
    y = pd.Series(ar1(c=c, phi=phi), name="ar")
    f = RecursiveForecaster(LinearRegression(), window_length=1, scaling=scaling).fit(None, y)
    h = np.arange(1, 13)
    mu = c / (1 - phi)
    expected = mu + phi**h * (y.iloc[-1] - mu)  # closed form of the noiseless AR(1)
    np.testing.assert_allclose(f.forecast(12).to_numpy(), expected, rtol=0, atol=1e-8)


def test_direct_linear_ar1_equals_closed_form():
    c, phi = 2.0, 0.8
    y = pd.Series(ar1(c=c, phi=phi))
    f = DirectForecaster(LinearRegression(), window_length=2, horizon=5, scaling=None).fit(None, y)
    mu = c / (1 - phi)
    expected = mu + phi ** np.arange(1, 6) * (y.iloc[-1] - mu)
    np.testing.assert_allclose(f.forecast(5).to_numpy(), expected, atol=1e-8)
    np.testing.assert_allclose(
        DirectForecaster(LinearRegression(), window_length=2, horizon=5, per_step=True).fit(None, y).forecast(5),
        expected,
        atol=1e-8,
    )


@pytest.mark.parametrize("scaling", ["series", "window", None])
def test_recursive_prefix_consistency(scaling):
    rng = np.random.default_rng(0)
    y = pd.Series(np.sin(np.arange(80) / 4) * 10 + 50 + rng.normal(0, 0.5, 80))
    f = RecursiveForecaster(Ridge(alpha=1.0), window_length=8, scaling=scaling).fit(None, y)
    full = f.forecast(20)
    for k in (1, 5, 13):
        pd.testing.assert_series_equal(full.iloc[:k], f.forecast(k))


def test_series_scaling_statistics_come_from_the_training_slice_only():
    y = pd.Series(np.r_[np.arange(30.0), np.full(10, 1000.0)])
    f = RecursiveForecaster(LinearRegression(), window_length=3).fit(None, y.iloc[:30])
    np.testing.assert_allclose(f.scale_loc_, [14.5])  # mean of 0..29
    np.testing.assert_allclose(f.scale_, [np.std(np.arange(30.0))])
    res = cross_validate(
        RecursiveForecaster(LinearRegression(), window_length=3),
        pd.DataFrame(index=y.index),
        y,
        cv=TimeSeriesSplit(n_splits=2, test_size=5),
        return_estimator=True,
    )
    np.testing.assert_allclose([e.scale_loc_[0] for e in res["estimator"]], [np.mean(y[:30]), np.mean(y[:35])])


def test_global_model_on_a_dataframe_with_leading_nan():
    idx = pd.period_range("2000-01", periods=40, freq="M")
    Y = pd.DataFrame({"a": ar1(40), "b": np.r_[np.full(10, np.nan), ar1(30, y0=5.0)]}, index=idx)
    f = RecursiveForecaster(LinearRegression(), window_length=1, scaling=None).fit(None, Y)
    out = f.forecast(3)
    assert list(out.columns) == ["a", "b"]
    assert out.index.equals(pd.period_range("2000-05", periods=3, freq="M").shift(36))
    mu = 10.0
    np.testing.assert_allclose(out["b"], mu + 0.8 ** np.arange(1, 4) * (Y["b"].iloc[-1] - mu), atol=1e-8)


def test_known_ahead_covariates_are_used():
    # y[t] = 3 * x[t] exactly: only the covariate of the forecast step explains it
    rng = np.random.default_rng(1)
    x = rng.normal(size=70)
    idx = pd.RangeIndex(70)
    y = pd.Series(3 * x[:60], index=idx[:60])
    X = pd.DataFrame({"x": x[:60]}, index=idx[:60])
    f = RecursiveForecaster(LinearRegression(), window_length=2, scaling=None).fit(X, y)
    future = pd.DataFrame({"x": x[60:]}, index=idx[60:])
    np.testing.assert_allclose(f.predict(future), 3 * x[60:], atol=1e-8)
    d = DirectForecaster(LinearRegression(), window_length=4, horizon=3, scaling=None).fit(X, y)
    np.testing.assert_allclose(d.forecast(3, X=future.iloc[:3]), 3 * x[60:63], atol=1e-8)


def test_forecast_from_a_new_context_without_refitting():
    y = pd.Series(ar1(50))
    f = RecursiveForecaster(LinearRegression(), window_length=1, scaling=None).fit(None, y)
    ctx = pd.Series([100.0, 82.0], index=pd.RangeIndex(200, 202))
    out = f.forecast(2, y_context=ctx)
    assert out.index.equals(pd.RangeIndex(202, 204))
    np.testing.assert_allclose(out, [2 + 0.8 * 82.0, 2 + 0.8 * (2 + 0.8 * 82.0)], atol=1e-8)


def test_grid_search_over_window_length_with_time_series_split():
    rng = np.random.default_rng(2)
    y = pd.Series(
        np.sin(np.arange(120) * 2 * np.pi / 12) * 10 + rng.normal(0, 0.1, 120),
        index=pd.period_range("2000-01", periods=120, freq="M"),
    )
    search = GridSearchCV(
        RecursiveForecaster(LinearRegression()),
        {"window_length": [2, 12]},
        cv=TimeSeriesSplit(n_splits=3, test_size=12),
        scoring="neg_mean_absolute_error",
    )
    search.fit(pd.DataFrame(index=y.index), y)
    assert search.best_params_ == {"window_length": 12}


@pytest.mark.parametrize(
    "forecaster, y, msg",
    [
        (
            RecursiveForecaster(LinearRegression(), window_length=5),
            pd.Series(np.arange(5.0)),
            "RecursiveForecaster: every series needs at least 6 observations (window_length=5 + horizon=1); the series "
            "has 5. Use a shorter window_length, a longer series, or min_observations=... to pad short series (or AutoRNNForecaster, which does).",
        ),
        (
            RecursiveForecaster(LinearRegression(), window_length=5),
            pd.DataFrame({"a": np.arange(9.0), "b": np.r_[[np.nan] * 4, 1.0:6.0]}),
            "RecursiveForecaster (series 'b'): every series needs at least 6 observations (window_length=5 + "
            "horizon=1); the series has 5.",
        ),
        (
            RecursiveForecaster(LinearRegression(), window_length=0),
            pd.Series(np.arange(5.0)),
            "The 'window_length' parameter of RecursiveForecaster must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            RecursiveForecaster(LinearRegression(), window_length=2.5),
            pd.Series(np.arange(5.0)),
            "The 'window_length' parameter of RecursiveForecaster must be an int in the range [1, inf). Got 2.5 instead.",
        ),
        (
            DirectForecaster(LinearRegression(), window_length=2, horizon=0),
            pd.Series(np.arange(5.0)),
            "The 'horizon' parameter of DirectForecaster must be an int in the range [1, 1000000]. Got 0 instead.",
        ),
        (
            RecursiveForecaster(LinearRegression(), scaling="minmax"),
            pd.Series(np.arange(50.0)),
            "The 'scaling' parameter of RecursiveForecaster must be a str among {'series', 'window'} or None. Got "
            "'minmax' instead.",
        ),
    ],
)
def test_bad_parameters_and_short_series(forecaster, y, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        forecaster.fit(None, y)


def test_direct_refuses_a_longer_horizon_and_other_columns():
    Y = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0) * 2})
    f = DirectForecaster(LinearRegression(), window_length=3, horizon=2).fit(None, Y)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "DirectForecaster was fitted to forecast 2 steps ahead; 3 were asked for. Refit with horizon>=3"
        ),
    ):
        f.forecast(3)
    with pytest.raises(
        ValueError, match=re.escape("y_context must have the same series as y at fit time (['a', 'b'])")
    ):
        f.forecast(1, y_context=Y[["b", "a"]])


def test_pipeline_of_calendar_features_and_forecaster_inside_grid_search():
    from sklearn.pipeline import Pipeline

    from seqforecast.preprocessing.covariates import CalendarFeatures

    # a monthly pattern that only the calendar explains (no autocorrelation to exploit)
    idx = pd.period_range("2000-01", periods=96, freq="M")
    pattern = np.array([5.0, 1, 7, 3, 9, 2, 8, 4, 6, 0, 11, 10])
    y = pd.Series(pattern[idx.month - 1], index=idx)
    pipe = Pipeline(
        [
            ("calendar", CalendarFeatures(features=("month",)).set_output(transform="pandas")),
            ("forecaster", RecursiveForecaster(LinearRegression(), scaling=None)),
        ]
    )
    search = GridSearchCV(
        pipe,
        {"forecaster__window_length": [1, 3]},
        cv=TimeSeriesSplit(n_splits=2, test_size=12),
        scoring="neg_mean_absolute_error",
    )
    search.fit(pd.DataFrame(index=idx), y)
    future = pd.DataFrame(index=pd.period_range("2008-01", periods=12, freq="M"))
    np.testing.assert_allclose(search.predict(future), pattern, atol=1e-6)
    assert search.best_score_ > -1e-6


@pytest.mark.parametrize(
    "params, msg",
    [
        (
            {"n_members": 0},
            "The 'n_members' parameter of EnsembleForecaster must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            {"random_state": True},
            "The 'random_state' parameter of EnsembleForecaster must be an int in the range [0, "
            "inf). Got True instead.",
        ),
        (
            {"random_state": None},
            "The 'random_state' parameter of EnsembleForecaster must be an int in the range [0, "
            "inf). Got None instead.",
        ),
        (
            {"forecaster": [RecursiveForecaster(Ridge()), LinearRegression()]},
            "The 'forecaster[1]' parameter of EnsembleForecaster must be an instance of "
            "'seqforecast.base.forecaster.BaseForecaster'. Got LinearRegression() instead. Give a seqforecast forecaster "
            "(e.g. DirectForecaster(...)) or a list of them.",
        ),
    ],
)
def test_ensemble_parameters_are_checked(params, msg):
    ens = EnsembleForecaster(**{"forecaster": RecursiveForecaster(Ridge(random_state=0)), **params})
    with pytest.raises(ValueError, match=re.escape(msg)):  # InvalidParameterError: a ValueError and a TypeError
        ens.fit(None, pd.Series(np.arange(30.0)))


@pytest.mark.slow  # a new interpreter imports the package
def test_importing_the_forecasters_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, seqforecast.forecasting; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
