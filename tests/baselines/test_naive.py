"""Tests of the naive-family kernels in seqforecast.baselines._kernels (hand-computed expectations, M4 definitions)."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf as sm_acf

from seqforecast.baselines._kernels import (
    _acf,
    _ses_fit,
    _ses_profile,
    deseasonalise,
    naive2_forecast,
    naive_forecast,
    seasonal_adjustment,
    seasonal_indices,
    seasonal_naive_forecast,
    seasonality_test,
    theta_fit,
    theta_forecast,
    theta_predict,
)


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


# ---------------------------------------------------------------------------------------------------- naive family
@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("last", [4.0, 4.0, 4.0]),
        ("mean", [7 / 3, 7 / 3, 7 / 3]),  # (1 + 2 + 4) / 3
        ("drift", [5.5, 7.0, 8.5]),  # 4 + h * (4 - 1) / (3 - 1)
    ],
)
def test_naive_forecast_strategies(strategy, expected):
    assert_allclose(naive_forecast([1.0, 2.0, 4.0], 3, strategy=strategy), expected, rtol=0, atol=1e-12)


def test_naive_forecast_single_value_last_and_mean():
    assert_array_equal(naive_forecast([7.0], 2), [7.0, 7.0])
    assert_array_equal(naive_forecast([7.0], 2, strategy="mean"), [7.0, 7.0])


def test_seasonal_naive_repeats_last_season():
    y = np.array([1.0, 2.0, 3.0, 10.0, 20.0, 30.0, 40.0])
    # last season (sp=3) is [20, 30, 40]; horizon 7 wraps around it twice and a bit
    assert_array_equal(seasonal_naive_forecast(y, 7, sp=3), [20, 30, 40, 20, 30, 40, 20])
    assert_array_equal(seasonal_naive_forecast(y, 2, sp=1), [40, 40])
    assert_array_equal(seasonal_naive_forecast(y[:3], 4, sp=3), [1, 2, 3, 1])


def test_forecasts_do_not_alias_input():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    seasonal_naive_forecast(y, 2, sp=2)[0] = 99.0
    seasonal_adjustment(y, 2, sp=1)[0][0] = 99.0
    assert_array_equal(y, [1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize(
    ("call", "exc", "msg"),
    [
        (
            lambda: naive_forecast([1.0, 2.0], 2, strategy="median"),
            ValueError,
            "The 'strategy' parameter of naive_forecast must be a str among {'drift', 'last', 'mean'}. Got 'median' "
            "instead.",
        ),
        (
            lambda: naive_forecast([1.0], 2, strategy="drift"),
            ValueError,
            "naive_forecast: y needs at least 2 value(s) for strategy='drift'; got 1.",
        ),
        (
            lambda: naive_forecast([], 2),
            ValueError,
            "naive_forecast: y needs at least 1 value(s) for strategy='last'; got 0.",
        ),
        (
            lambda: naive_forecast([1.0, np.nan, np.inf], 2),
            ValueError,
            "naive_forecast: y contains 2 NaN or infinite value(s) (first at position 1)",
        ),
        (
            lambda: naive_forecast(np.ones((3, 2)), 2),
            ValueError,
            "naive_forecast: y must be one series, a 1-D array of shape (n_timesteps,); got shape (3, 2).",
        ),
        (lambda: naive_forecast(["a", "b"], 2), TypeError, "naive_forecast: y must be a 1-D array of numbers"),
        (
            lambda: naive_forecast([1.0], 0),
            ValueError,
            "The 'horizon' parameter of naive_forecast must be an int in the range [1, inf). Got 0 instead. horizon is "
            "the number of steps to forecast.",
        ),
        (
            lambda: naive_forecast([1.0], 2.0),
            TypeError,
            "The 'horizon' parameter of naive_forecast must be an int in the range [1, inf). Got 2.0 instead.",
        ),
        (
            lambda: seasonal_naive_forecast([1.0, 2.0], 2, sp=3),
            ValueError,
            "seasonal_naive_forecast: y needs at least 3 value(s) (one full season, sp=3); got 2.",
        ),
        (
            lambda: seasonal_naive_forecast([1.0, 2.0], 2, sp=True),
            TypeError,
            "The 'sp' parameter of seasonal_naive_forecast must be an int in the range [1, inf). Got True instead. sp "
            "is the seasonal period: 1 for none, 12 for monthly data, 24 for hourly...",
        ),
        (
            lambda: seasonal_indices(np.arange(1.0, 8.0), 4),
            ValueError,
            "seasonal_indices: y needs at least 8 value(s) (two full seasons, sp=4); got 7.",
        ),
        (
            lambda: seasonal_indices(np.arange(1.0, 8.0), 1),
            ValueError,
            "The 'sp' parameter of seasonal_indices must be an int in the range [2, inf). Got 1 instead.",
        ),
        (
            lambda: seasonal_indices(np.r_[1.0, 0.0, -2.0, 3.0], 2),
            ValueError,
            "seasonal_indices: a multiplicative decomposition needs a strictly positive series; y has 2 value(s) "
            "<= 0 (first at position 1). Shift the series to positive values before forecasting, or use "
            "seasonal_naive_forecast.",
        ),
        (
            lambda: deseasonalise(10 + np.tile([1.0, 1.0, 1.0, 9.0], 4) - 12.0, 4, func="f", fix="Do this."),
            ValueError,
            "f: a multiplicative decomposition needs a strictly positive series; y has 12 value(s) <= 0 (first at "
            "position 0). Do this.",
        ),
    ],
)
def test_kernel_input_errors(call, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        call()


# -------------------------------------------------------------------------------------------- M4 seasonality test
def test_acf_is_the_biased_demeaned_estimator_of_r(rng):
    # R's acf (and statsmodels' acf with adjusted=False): sum_{t} (x_t - m)(x_{t+k} - m) / sum (x_t - m)^2
    y = rng.normal(size=50).cumsum()
    assert_allclose(_acf(y, 10), sm_acf(y, nlags=10, adjusted=False, fft=False)[1:], rtol=1e-12)


def test_seasonality_test_hand_computed_alternating_series():
    # y = 1, 3, 1, 3, ...: centred values -1, +1, ...; r_1 = -(n-1)/n, r_2 = (n-2)/n.
    # n = 12: r_2 = 10/12 = 0.8333; limit = 1.645 * sqrt((1 + 2 * (11/12)^2) / 12) = 0.77748 -> seasonal.
    # n = 10: r_2 = 8/10 = 0.8;     limit = 1.645 * sqrt((1 + 2 * (9/10)^2) / 10)  = 0.84201 -> not seasonal.
    y12 = np.array([1.0, 3.0] * 6)
    assert_allclose(_acf(y12, 2), [-11 / 12, 10 / 12], rtol=1e-12)
    assert seasonality_test(y12, 2) is True
    y10 = np.array([1.0, 3.0] * 5)
    assert_allclose(_acf(y10, 2), [-9 / 10, 8 / 10], rtol=1e-12)
    assert seasonality_test(y10, 2) is False


def test_seasonality_test_not_applied_cases(rng):
    seasonal = 10 + np.tile([1.0, 1.0, 1.0, 9.0], 10)
    assert seasonality_test(seasonal, 4) is True
    assert seasonality_test(seasonal, 1) is False  # sp = 1: never seasonal
    assert seasonality_test(seasonal[:12], 4) is True  # n = 12 = 3 * sp: applied
    assert seasonality_test(np.full(30, 4.0), 4) is False  # constant: autocorrelation undefined
    assert seasonality_test(rng.normal(size=200), 12) is False  # white noise (seeded)
    # a spike every 12 steps, n = 35 < 3 * 12: the formula would pass (|r_12| = 0.5095 > limit 0.2932),
    # but M4's test is not applied below three seasons
    spikes = 10 + np.tile([1.0] * 11 + [20.0], 3)
    r = _acf(spikes[:35], 12)
    assert abs(r[11]) > 1.645 * np.sqrt((1 + 2 * np.sum(r[:11] ** 2)) / 35)
    assert seasonality_test(spikes[:35], 12) is False
    assert seasonality_test(spikes, 12) is True


# ------------------------------------------------------------------------------------------------ seasonal indices
def test_seasonal_indices_hand_computed_odd_period():
    # sp = 3: trend = centred mean of 3 at t = 1..7 = 2, 7/3, 3, 4, 13/3, 5, 6
    # ratios y/trend: t1 1, t2 9/7, t3 2/3, t4 1, t5 18/13, t6 3/5, t7 1
    # position 0 (t = 3, 6): (2/3 + 3/5)/2 = 19/30; position 1 (t = 1, 4, 7): 1; position 2 (t = 2, 5): 243/182
    y = np.array([1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 3.0, 6.0, 9.0])
    figure = np.array([19 / 30, 1.0, 243 / 182])
    assert_allclose(seasonal_indices(y, 3), figure / figure.mean(), rtol=1e-12)


def test_seasonal_indices_even_period_uses_2_by_sp_average():
    # pure pattern on a flat level: the 2x4 moving average (weights 1/8, 1/4, 1/4, 1/4, 1/8) is exactly 10,
    # so the indices are the pattern itself, whatever the phase of the last observation
    pattern = np.array([0.5, 1.0, 1.5, 1.0])
    y = 10 * pattern[np.arange(22) % 4]
    assert_allclose(seasonal_indices(y, 4), pattern, rtol=1e-12)


@pytest.mark.parametrize(("n", "sp"), [(47, 12), (46, 7), (24, 4)])
def test_seasonal_indices_equal_statsmodels_classical_decomposition(rng, n, sp):
    y = 50 + 10 * np.sin(np.arange(n) * 2 * np.pi / sp) + rng.normal(size=n)
    expected = seasonal_decompose(y, model="multiplicative", period=sp).seasonal[:sp]
    assert_allclose(seasonal_indices(y, sp), expected, rtol=1e-12)


# ------------------------------------------------------------------------------------------------------- Naive2
def test_naive2_reseasonalises_with_the_right_phase():
    # n = 22 is not a multiple of sp = 4: the last observation (t = 21) is at position 1, so the forecast
    # continues at positions 2, 3, 0, 1, 2, 3 -> 10 * [1.5, 1.0, 0.5, 1.0, 1.5, 1.0]
    pattern = np.array([0.5, 1.0, 1.5, 1.0])
    y = 10 * pattern[np.arange(22) % 4]
    assert_allclose(naive2_forecast(y, 6, sp=4), [15.0, 10.0, 5.0, 10.0, 15.0, 10.0], rtol=1e-12)


def test_naive2_uses_deseasonalised_last_value():
    # level grows; last value y[-1] = 40 * 1.5 at position 2 -> adjusted last = 40, times the next indices
    pattern = np.array([0.5, 1.0, 1.5, 1.0])
    y = np.r_[np.full(12, 30.0), np.full(11, 40.0)] * pattern[np.arange(23) % 4]
    adjusted, future = seasonal_adjustment(y, 5, sp=4)
    indices = seasonal_indices(y, 4)
    assert_allclose(adjusted, y / indices[np.arange(23) % 4], rtol=1e-12)
    assert_allclose(future, indices[[3, 0, 1, 2, 3]], rtol=1e-12)
    assert_allclose(naive2_forecast(y, 5, sp=4), adjusted[-1] * future, rtol=1e-12)


def test_deseasonalise_is_what_naive2_and_theta_adjust(rng):
    pattern = np.array([0.5, 1.0, 1.5, 1.0])
    y = np.r_[np.full(12, 30.0), np.full(11, 40.0)] * pattern[np.arange(23) % 4]
    adjusted, indices = deseasonalise(y, 4)
    assert_allclose(indices, seasonal_indices(y, 4), rtol=0)
    assert_allclose(adjusted, y / indices[np.arange(23) % 4], rtol=0)
    assert_array_equal(seasonal_adjustment(y, 3, sp=4)[0], adjusted)
    assert_allclose(theta_fit(y, 4).seasonal_indices, indices, rtol=0)
    # not seasonal: a copy of y and no indices; values <= 0 are fine then
    noise = rng.normal(size=60)
    adjusted, indices = deseasonalise(noise, 12)
    assert indices is None and adjusted is not noise
    assert_array_equal(adjusted, noise)


def test_naive2_is_naive_when_not_seasonal(rng):
    y = 100 + rng.normal(size=60)
    assert seasonality_test(y, 12) is False
    assert_array_equal(naive2_forecast(y, 5, sp=12), np.full(5, y[-1]))
    assert_array_equal(naive2_forecast(y, 5, sp=1), np.full(5, y[-1]))
    # non-positive values are fine when no decomposition is needed
    assert_array_equal(naive2_forecast(y - 100, 3, sp=12), np.full(3, y[-1] - 100))


# -------------------------------------------------------------------------------------------------------- Theta
def test_ses_profile_initial_level_is_least_squares(rng):
    y = 5 + rng.normal(size=40).cumsum()
    alpha = 0.3
    sse, _ = _ses_profile(y, alpha)

    def sse_at(l0):  # plain SES recursion
        level, total = l0, 0.0
        for value in y:
            total += (value - level) ** 2
            level = alpha * value + (1 - alpha) * level
        return total

    l0_grid = np.linspace(y.min() - 5, y.max() + 5, 2001)
    assert sse <= min(sse_at(l0) for l0 in l0_grid) + 1e-9
    assert sse == pytest.approx(min(sse_at(l0) for l0 in l0_grid), rel=1e-4)


def test_ses_level_minimises_over_alpha(rng):
    y = 5 + rng.normal(size=80).cumsum() + rng.normal(size=80)
    best = min(_ses_profile(y, a)[0] for a in np.linspace(1e-4, 0.9999, 999))
    _, level = _ses_fit(y)
    fitted = [a for a in np.linspace(1e-4, 0.9999, 999) if _ses_profile(y, a)[0] <= best * (1 + 1e-3)]
    assert min(abs(_ses_profile(y, a)[1] - level) for a in fitted) < 0.05


def test_theta_on_constant_and_line():
    assert_allclose(theta_forecast(np.full(20, 3.0), 4, sp=1), np.full(4, 3.0), rtol=1e-10)
    # on a line y_t = 2 + 0.5 t (t = 1..30) theta line 2 is the line itself, SES picks alpha = 0.9999 so its
    # level is y_30 = 17, and the forecast is 0.5 * 17 + 0.5 * (2 + 0.5 (30 + h)) = 17 + h * 0.5 / 2:
    # the last value plus a drift of half the slope (Hyndman & Billah 2003)
    t = np.arange(1, 31, dtype=float)
    assert_allclose(theta_forecast(2.0 + 0.5 * t, 3, sp=1), [17.25, 17.5, 17.75], rtol=0, atol=1e-4)


def test_theta_fit_state_on_a_line_and_a_season():
    t = np.arange(1, 31, dtype=float)
    fit = theta_fit(2.0 + 0.5 * t, sp=1)
    assert (fit.n_timesteps, fit.seasonal_indices) == (30, None)
    assert fit.intercept == pytest.approx(2.0) and fit.slope == pytest.approx(0.5)
    assert fit.alpha == pytest.approx(0.9999) and fit.level == pytest.approx(17.0, abs=1e-3)
    # seasonal: theta_predict continues the indices from position n % sp, like Naive2
    pattern = np.array([0.5, 1.0, 1.5, 1.0])
    y = 10 * pattern[np.arange(22) % 4]
    fit = theta_fit(y, sp=4)
    assert_allclose(fit.seasonal_indices, pattern, rtol=1e-12)
    assert_allclose(theta_predict(fit, 4) / theta_predict(fit, 4)[0], pattern[[2, 3, 0, 1]] / 1.5, rtol=1e-9)


def test_theta_forecast_clips_negative_values_to_zero():
    y = np.linspace(10.0, 1.0, 20)  # falling line: the extension crosses zero
    forecast = theta_forecast(y, 30, sp=1)
    assert forecast.min() == 0.0
    assert np.all(np.diff(forecast) <= 0)
