"""Baselines on degenerate and extreme series: units, constant, one-value and short series, values near the
float limits. Each case gets a defined answer (pinned here) or an error that says what to do.

Hand-computed values: the mean model of ``[1, 3, 2, 5]`` has mean 2.75 and innovation variance the
population variance 2.1875 (concentrated likelihood), so its 90 % interval is ``2.75 +- 1.6449 * sqrt(2.1875)``.
"""

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.stats import norm
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from seqforecast.baselines import (
    ARIMAForecaster,
    ETSForecaster,
    Naive2Forecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
)
from seqforecast.baselines._kernels import seasonal_indices, seasonality_test, theta_fit, theta_forecast
from seqforecast.baselines.arima import auto_arima, fit_arima
from seqforecast.baselines.arima._search import MIN_SEARCH
from seqforecast.datasets import load_airline
from seqforecast.exceptions import ConvergenceWarning


@pytest.fixture(scope="module")
def airline():
    return load_airline().to_numpy(dtype=np.float64)


def _power_of_two(y):
    """The unit the models of extreme series are fitted in: 2**e with max|y| / 2**e in [1, 2)."""
    return math.ldexp(1.0, math.frexp(float(np.max(np.abs(y))))[1] - 1)


# ------------------------------------------------------------------------------------- ARIMA: units
@pytest.fixture(scope="module")
def walk():
    """A random walk plus noise, 60 steps: before the search ran on y / std(y), y * 1e-6 chose another model."""
    rng = np.random.default_rng(1)
    return 10.0 + np.cumsum(rng.normal(size=60)) + 2.0 * rng.normal(size=60)


@pytest.mark.parametrize("factor", [1e-6, 3.7, 1e6, 1e-200, 1e200])
def test_auto_arima_does_not_depend_on_the_units(walk, factor):
    """The search runs on y / std(y): y * factor gets the same model, forecasts and intervals times factor.

    ``method="css"`` keeps it fast (the default's likelihood refit is checked on airline, marked slow)."""
    reference = auto_arima(walk, method="css")
    fit = auto_arima(walk * factor, method="css")
    assert (fit.order, fit.seasonal_order, fit.trend) == (reference.order, reference.seasonal_order, reference.trend)
    for got, expected in zip(fit.forecast(6, coverage=0.9), reference.forecast(6, coverage=0.9)):
        assert_allclose(got / factor, expected, rtol=1e-6)
    # the AICc is the series' own: its density is 1 / factor times that of y at each observation
    n_eff = fit.results.nobs_effective
    assert fit.aicc == pytest.approx(reference.aicc + 2 * n_eff * math.log(factor), rel=1e-9)
    assert fit.scale == pytest.approx(np.std(walk) * factor, rel=1e-12)


@pytest.mark.slow
def test_auto_arima_on_airline_does_not_depend_on_the_units(airline):
    reference = auto_arima(airline, sp=12)
    assert (reference.order, reference.seasonal_order) == ((1, 1, 0), (0, 1, 0, 12))  # ARIMAForecaster's docstring
    for factor in (1e-6, 1e6):
        fit = auto_arima(airline * factor, sp=12)
        assert (fit.order, fit.seasonal_order, fit.trend) == ((1, 1, 0), (0, 1, 0, 12), "n")
        for got, expected in zip(fit.forecast(12, coverage=0.9), reference.forecast(12, coverage=0.9)):
            assert_allclose(got / factor, expected, rtol=1e-6)
        assert fit.aicc == pytest.approx(reference.aicc + 2 * 131 * math.log(factor), rel=1e-9)  # n - d - D * s


@pytest.mark.slow
def test_auto_arima_units_with_the_seasonal_adjustment(airline):
    reference = auto_arima(airline, sp=12, seasonal="adjust")
    for factor in (1e-200, 1e200):
        fit = auto_arima(airline * factor, sp=12, seasonal="adjust")
        assert fit.order == reference.order
        assert_allclose(fit.seasonal_indices, reference.seasonal_indices, rtol=1e-12)
        assert_allclose(fit.forecast(6) / factor, reference.forecast(6), rtol=1e-6)


def test_params_are_in_the_units_of_the_series():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(200, 1))
    y = 1.0 + 3.0 * x[:, 0] + np.cumsum(rng.normal(size=200))
    fit = auto_arima(y * 1e6, exog=x * 1e6, method="css")
    beta = fit.params[int(fit.trend == "c")]
    assert beta == pytest.approx(3.0, abs=0.2)  # y and x in the same units: the slope has none


# ------------------------------------------------------------------------------ ARIMA: constant series
@pytest.mark.parametrize("value", [7.0, 0.0, -3.0, 1e-300, 1e300])
@pytest.mark.parametrize("n", [1, 20])
def test_auto_arima_forecasts_a_constant_series_by_its_value(value, n):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no optimiser warning, no numpy warning
        fit = auto_arima(np.full(n, value))
        mean, lower, upper = fit.forecast(3, coverage=0.95)
    assert (fit.order, fit.seasonal_order, fit.selection) == ((0, 0, 0), (0, 0, 0, 0), "exact")
    assert fit.trend == ("n" if value == 0 else "c")  # R's auto.arima: ARIMA(0,0,0) with the value as mean
    np.testing.assert_array_equal(mean, [value] * 3)
    np.testing.assert_array_equal(lower, mean)  # zero innovation variance: zero-width intervals
    np.testing.assert_array_equal(upper, mean)
    assert fit.aicc == -math.inf


def test_a_constant_series_without_a_constant_term_is_a_random_walk():
    fit = auto_arima(np.full(20, 7.0), allow_constant=False)
    assert (fit.order, fit.trend, fit.selection) == ((0, 1, 0), "n", "exact")
    np.testing.assert_array_equal(fit.forecast(2, coverage=0.9), [[7.0, 7.0]] * 3)


@pytest.mark.parametrize(
    ("y", "sp", "order", "seasonal_order", "trend", "expected"),
    [
        (np.arange(20.0), 1, (0, 1, 0), (0, 0, 0, 0), "c", [20.0, 21.0, 22.0]),  # a line: the drift
        (np.tile([1.0, 2.0, 5.0, 3.0], 10), 4, (0, 0, 0), (0, 1, 0, 4), "n", [1.0, 2.0, 5.0]),  # a season
        (np.tile([1.0, 2.0, 5.0, 3.0], 10) + np.arange(40), 4, (0, 0, 0), (0, 1, 0, 4), "c", [41.0, 43.0, 47.0]),
    ],
)
def test_a_series_made_constant_by_differencing_is_continued_exactly(y, sp, order, seasonal_order, trend, expected):
    for factor in (1.0, 1e-6):  # the differences of y * 1e-6 are constant only up to rounding
        fit = auto_arima(y * factor, sp=sp)
        assert (fit.order, fit.seasonal_order, fit.trend, fit.selection) == (order, seasonal_order, trend, "exact")
        mean, lower, upper = fit.forecast(3, coverage=0.9)
        assert_allclose(mean, np.array(expected) * factor, rtol=1e-12)
        assert_allclose(upper - lower, 0.0, atol=1e-9 * factor)


# --------------------------------------------------------------------------------- ARIMA: short series
def test_a_short_series_gets_the_mean_without_a_search():
    y = np.array([1.0, 3.0, 2.0, 5.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = auto_arima(y)
    assert (fit.order, fit.trend, fit.selection, fit.n_models) == ((0, 0, 0), "c", "too short", 0)
    mean, lower, upper = fit.forecast(2, coverage=0.9)
    assert_allclose(mean, [2.75, 2.75], rtol=1e-6)
    # the concentrated scale is exactly 1 in units of std(y): statsmodels' NaN variances are worked around
    half_width = norm.ppf(0.95) * math.sqrt(2.1875)
    assert_allclose(upper - mean, [half_width] * 2, rtol=1e-6)
    assert_allclose(mean - lower, [half_width] * 2, rtol=1e-6)


@pytest.mark.parametrize(
    ("y", "expected"),
    [
        ([5.0, 6.0], 5.5),
        ([1.0, 2.0, 3.0], 2.0),  # was: "Method 'lm' doesn't work when the number of residuals is less than ..."
        ([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 5.0], 5.0),  # the KPSS test differences it: the last value
    ],
)
def test_series_too_short_to_search_get_a_defined_forecast(y, expected):
    assert len(y) < MIN_SEARCH
    fit = auto_arima(np.array(y))
    assert fit.selection == "too short" and fit.order[0] == fit.order[2] == 0
    assert_allclose(fit.forecast(2), [expected] * 2, rtol=1e-6)
    assert np.isfinite(fit.forecast(2, coverage=0.8)).all()


def test_a_short_series_differenced_by_the_test_is_a_random_walk():
    fit = auto_arima(np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0]), d=1)
    assert (fit.order, fit.trend, fit.selection) == ((0, 1, 0), "n", "too short")
    assert_allclose(fit.forecast(2), [6.0, 6.0])


def test_differencing_that_leaves_nothing_is_refused():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "auto_arima: y has 1 values, 0 after differencing (d=1, D=0, sp=1); too few to fit any model. Give a "
            "longer series or smaller differencing orders."
        ),
    ):
        auto_arima(np.array([1.0]), d=1)


def test_the_forecaster_names_how_each_order_was_chosen():
    y = pd.DataFrame({"flat": np.full(30, 7.0), "short": np.r_[[np.nan] * 26, [1.0, 3.0, 2.0, 5.0]]})
    f = ARIMAForecaster().fit(None, y)
    assert f.selection_ == ["exact", "too short"]
    out = f.forecast(2, coverage=0.9)
    np.testing.assert_array_equal(out["flat"], [7.0, 7.0])
    np.testing.assert_array_equal(out["flat_lower"], [7.0, 7.0])
    assert_allclose(out["short"], [2.75, 2.75], rtol=1e-6)
    fixed = ARIMAForecaster(order=(1, 0, 0)).fit(None, pd.Series(np.sin(np.arange(30.0))))
    assert fixed.selection_ == ["fixed"]


# --------------------------------------------------------------------------- ARIMA: extreme magnitudes
def test_a_fixed_order_of_an_extreme_series_is_fitted_in_a_power_of_two_unit(walk):
    reference = fit_arima(walk, (1, 1, 1), method="css")
    assert reference.scale == 1.0  # ordinary values: statsmodels' own units
    for factor in (1e-250, 1e250):
        fit = fit_arima(walk * factor, (1, 1, 1), method="css")
        assert fit.scale == _power_of_two(walk * factor)
        for got, expected in zip(fit.forecast(6, coverage=0.9), reference.forecast(6, coverage=0.9)):
            assert_allclose(got / factor, expected, rtol=1e-4)
        assert_allclose(fit.params, reference.params, rtol=1e-3)  # ARMA coefficients: no units


def test_a_forecast_beyond_the_float_range_raises():
    fit = fit_arima(1e306 * np.arange(1.0, 31.0), (0, 1, 0), trend="c")
    assert fit.forecast(30)[-1] == pytest.approx(6e307, rel=1e-3)
    with pytest.raises(
        OverflowError,
        match=re.escape(
            "ARIMAFit.forecast: the forecast at step 150 is beyond the largest float (1.8e+308); the model's "
            "forecasts grow out of the float range. Forecast fewer steps, or model the series in smaller units "
            "(e.g. its logarithm, boxcox_lambda=0)."
        ),
    ):
        fit.forecast(200)


# ---------------------------------------------------------------------------------------------------- ETS
@pytest.mark.parametrize("params", [{}, {"trend": "add", "damped_trend": True}, {"error": "mul", "trend": "mul"}])
@pytest.mark.parametrize("n", [1, 24])
def test_ets_forecasts_a_constant_series_by_its_value_without_fitting(params, n):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning: the optimiser is not run
        f = ETSForecaster(**params).fit(None, pd.Series(np.full(n, 7.0), name="y"))
        out = f.forecast(3, coverage=0.9)
    np.testing.assert_array_equal(out.to_numpy(), np.full((3, 3), 7.0))
    assert f.results_ == [None]


@pytest.mark.parametrize("factor", [1e200, 1e-200])
def test_ets_intervals_of_extreme_values_are_computed_in_a_power_of_two_unit(airline, factor):
    y = airline * factor  # was: intervals of -inf and inf at 1e200
    f = ETSForecaster(trend="add").fit(None, pd.Series(y))
    unit = _power_of_two(y)
    assert f.scale_.tolist() == [unit]
    reference = ETSModel(pd.Series(y / unit), trend="add").fit(disp=False)
    frame = reference.get_prediction(start=144, end=149).summary_frame(alpha=0.2)
    out = f.forecast(6, coverage=0.8)
    assert np.isfinite(out.to_numpy()).all()
    assert_allclose(out.iloc[:, 0], frame["mean"] * unit, rtol=1e-10)
    assert_allclose(out.iloc[:, 1], frame["pi_lower"] * unit, rtol=1e-10)
    assert_allclose(out.iloc[:, 2], frame["pi_upper"] * unit, rtol=1e-10)


def test_ets_ordinary_values_are_fitted_in_their_own_units(airline):
    assert ETSForecaster().fit(None, pd.Series(airline)).scale_.tolist() == [1.0]


def test_ets_refuses_a_seasonal_model_without_two_seasons():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "ETSForecaster: seasonal='mul' needs two full seasons, 2 * sp = 24 values, to start its seasonal "
            "indices; the series has 23. Use seasonal=None, a smaller sp, or a longer series."
        ),
    ):
        ETSForecaster(seasonal="mul", sp=12).fit(None, pd.Series(np.arange(1.0, 24.0)))


def test_ets_forecast_beyond_the_float_range_raises():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a straight line: no error variance to estimate
        f = ETSForecaster(trend="add").fit(None, pd.Series(1e306 * np.arange(1.0, 31.0), name="big"))
    with pytest.raises(
        OverflowError,
        match=re.escape(
            "ETSForecaster: the forecast of series 'big' at step 150 is beyond the largest float (1.8e+308); the "
            "model's forecasts grow out of the float range. Forecast fewer steps, or fit the series in smaller units "
            "(e.g. its logarithm)."
        ),
    ):
        f.forecast(200)


# ------------------------------------------------------------------------------- Theta and the rules
@pytest.mark.parametrize("value", [7.0, 0.0, 1e-300, 1e300])
def test_theta_forecasts_a_constant_series_by_its_value(value):
    assert_allclose(theta_forecast(np.full(30, value), 3, sp=12), [value] * 3, rtol=1e-15)  # the line's rounding


@pytest.mark.parametrize("factor", [2.0**-900, 2.0**900])
def test_theta_is_linear_in_the_series_up_to_the_float_limits(airline, factor):
    """Fitted in a power-of-two unit: the same bits times the factor, even where the squares of the series
    under- or overflow."""
    reference = theta_fit(airline, 12)
    fit = theta_fit(airline * factor, 12)
    assert fit.alpha == reference.alpha and fit.slope == reference.slope * factor
    np.testing.assert_array_equal(fit.seasonal_indices, reference.seasonal_indices)
    np.testing.assert_array_equal(theta_forecast(airline * factor, 12, 12), theta_forecast(airline, 12, 12) * factor)


@pytest.mark.parametrize("factor", [1e-300, 1e300])
def test_theta_of_extreme_values_is_finite_and_in_their_units(airline, factor):
    # not a power of two: the SES search sees other roundings (alpha agrees to its tolerance, 1e-8)
    assert_allclose(theta_forecast(airline * factor, 12, 12) / factor, theta_forecast(airline, 12, 12), rtol=1e-7)


def test_theta_of_one_value_says_what_it_needs():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "ThetaForecaster: theta_fit: y needs at least 2 value(s) to fit a trend line; got 1. Pass a longer series."
        ),
    ):
        ThetaForecaster().fit(None, pd.Series([3.0]))


def test_the_seasonality_test_and_indices_do_not_overflow(airline):
    assert seasonality_test(airline * 1e300, 12) and seasonality_test(airline * 1e-300, 12)
    assert_allclose(seasonal_indices(airline * 1e300, 12), seasonal_indices(airline, 12), rtol=1e-12)
    assert_allclose(seasonal_indices(airline * 1e-300, 12), seasonal_indices(airline, 12), rtol=1e-12)


def test_naive2_of_a_constant_series_is_not_seasonal():
    f = Naive2Forecaster(sp=4).fit(None, pd.Series(np.full(20, 5.0)))
    assert f.seasonal_.tolist() == [False]
    np.testing.assert_array_equal(f.forecast(3), [5.0, 5.0, 5.0])


def test_seasonal_naive_needs_one_season():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "SeasonalNaiveForecaster: seasonal_naive_forecast: y needs at least 4 value(s) (one full season, sp=4); "
            "got 3. Pass a longer series or a smaller sp."
        ),
    ):
        SeasonalNaiveForecaster(sp=4).fit(None, pd.Series([1.0, 2.0, 3.0]))
