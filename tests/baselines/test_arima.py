"""ARIMA: the kernel (seqforecast.baselines.arima: _fit, _css, _differencing, _search) and ARIMAForecaster.

Reference values:
* the airline model of log airline passengers, ARIMA(0,1,1)(0,1,1)_12 (Box & Jenkins, series G): R's
  ``forecast::auto.arima(log(AirPassengers))`` chooses it, with ma1 = -0.4018, sma1 = -0.5569,
  log likelihood 244.7, AICc -483.21 (forecast package output, also in Hyndman & Athanasopoulos' FPP);
* statsmodels' own ``SARIMAX(...).fit()`` for "equals statsmodels".
"""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from statsmodels.tsa.statespace.sarimax import SARIMAX

from seqforecast.baselines import ARIMAForecaster
from seqforecast.baselines._kernels import deseasonalise
from seqforecast.baselines.arima import (
    ARIMAFit,
    _fit,
    _search,
    auto_arima,
    fit_arima,
    ndiffs,
    nsdiffs,
    seasonal_strength,
)
from seqforecast.baselines.arima._css import css, min_root
from seqforecast.datasets import load_airline
from seqforecast.exceptions import ConvergenceWarning


@pytest.fixture(scope="module")
def log_airline():
    return np.log(load_airline().to_numpy())


@pytest.fixture(scope="module")
def airline_sm(log_airline):
    """statsmodels' own fit of the airline model (the reference for 'equals statsmodels')."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SARIMAX(log_airline, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(disp=False)


def _ar1(n, phi, seed, mean=0.0):
    rng = np.random.default_rng(seed)
    eps = rng.normal(size=n)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + eps[t]
    return mean + x


# ------------------------------------------------------------------------------------ fit_arima
@pytest.fixture(scope="module")
def airline_ml(log_airline):
    return fit_arima(log_airline, (0, 1, 1), (0, 1, 1, 12), method="ml")


def test_fit_arima_ml_equals_statsmodels(airline_ml, airline_sm):
    fit = airline_ml
    np.testing.assert_allclose(fit.params, airline_sm.params, atol=1e-10)
    np.testing.assert_allclose(fit.forecast(24), airline_sm.forecast(24), atol=1e-10)
    _, lower, upper = fit.forecast(24, coverage=0.95)
    ci = airline_sm.get_forecast(24).conf_int(alpha=0.05)
    np.testing.assert_allclose(lower, ci[:, 0], atol=1e-10)
    np.testing.assert_allclose(upper, ci[:, 1], atol=1e-10)
    # AICc as R: n - d - D*s = 131 observations, 3 parameters (2 MA + sigma2)
    assert fit.aicc == pytest.approx(airline_sm.aicc, abs=1e-9)
    assert fit.converged and fit.n_models == 0 and fit.seasonal_indices is None


def test_fit_arima_airline_matches_r(log_airline):
    fit = fit_arima(log_airline, (0, 1, 1), (0, 1, 1, 12), method="css-ml")
    np.testing.assert_allclose(fit.params, [-0.4018, -0.5569], atol=1e-3)  # R's ma1, sma1
    assert fit.results.llf == pytest.approx(244.7, abs=0.05)
    assert fit.aicc == pytest.approx(-483.21, abs=0.01)


@pytest.mark.parametrize("method", ["css-ml", "css"])
def test_fast_methods_close_to_ml(log_airline, airline_sm, method):
    fit = fit_arima(log_airline, (0, 1, 1), (0, 1, 1, 12), method=method)
    tol = 1e-3 if method == "css-ml" else 5e-2
    np.testing.assert_allclose(fit.params, airline_sm.params[:2], atol=tol)
    np.testing.assert_allclose(fit.forecast(12), airline_sm.forecast(12), atol=tol)


def test_css_ar1_is_least_squares():
    """CSS of an AR(1) without constant is the least-squares regression of x_t on x_{t-1} (t >= n0)."""
    x = _ar1(300, 0.6, seed=1)
    n0 = 3  # condition on the first 3 values, as a search with max_p = 3 does
    cand = css(x, None, 1, 0, 0, 0, 1, False, n0)
    expected = (x[n0:] @ x[n0 - 1 : -1]) / (x[n0 - 1 : -1] @ x[n0 - 1 : -1])
    assert cand.params == pytest.approx([expected], abs=1e-6)
    resid = x[n0:] - expected * x[n0 - 1 : -1]
    n_eff = resid.shape[0]
    sigma2 = resid @ resid / n_eff
    loglik = -0.5 * n_eff * (np.log(2 * np.pi * sigma2) + 1)
    assert cand.aicc == pytest.approx(-2 * loglik + 4 + 12 / (n_eff - 3), abs=1e-6)


def test_css_rejects_near_unit_root_like_r():
    # a seasonal MA(1) of -0.9 at s = 24 has roots of modulus 0.9 ** (-1 / 24) = 1.0044 < 1.01
    assert min_root(np.array([-0.9]), 1.0, 24) == pytest.approx(0.9 ** (-1 / 24))
    assert min_root(np.array([0.5]), -1.0) == pytest.approx(2.0)
    assert min_root(np.zeros(2), -1.0) == np.inf


def test_apply_same_parameters_on_new_history(airline_ml, log_airline, airline_sm):
    fit = airline_ml
    new = fit.apply(log_airline[:100])
    np.testing.assert_allclose(new.params, fit.params)
    np.testing.assert_allclose(new.forecast(6), airline_sm.apply(log_airline[:100]).forecast(6), atol=1e-10)
    # applied to its own training series, the forecast is the fitted model's
    np.testing.assert_allclose(fit.apply(log_airline).forecast(6), fit.forecast(6), atol=1e-10)


def test_fitted_models_keep_only_what_forecasting_needs(airline_ml, log_airline):
    # the filter's per-step covariances are not stored: 6.4 MB pickled with statsmodels' defaults
    assert len(pickle.dumps(airline_ml)) < 600_000
    applied = airline_ml.apply(log_airline[:100])
    assert applied.results.model.ssm.conserve_memory == _fit.LEAN
    assert np.isfinite(applied.forecast(3, coverage=0.9)[1]).all()


def test_exog_regression_with_arima_errors():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 1))
    y = 5.0 + 2.0 * x[:, 0] + _ar1(300, 0.6, seed=4)
    fit = fit_arima(y, (1, 0, 0), exog=x, trend="c", method="css-ml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = SARIMAX(y, exog=x, order=(1, 0, 0), trend="c", concentrate_scale=True).fit(disp=False)
    np.testing.assert_allclose(fit.params, reference.params, atol=2e-3)  # same maximum of the likelihood
    c, beta, phi = fit.params[:3]
    assert beta == pytest.approx(2.0, abs=0.15)  # the truth, within 2.5 standard errors
    assert phi == pytest.approx(0.6, abs=0.1)
    assert c / (1 - phi) == pytest.approx(5.0, abs=0.3)  # SARIMAX's intercept is mean * (1 - phi)
    x_future = np.array([[0.0], [10.0]])
    mean = fit.forecast(2, exog_future=x_future)
    assert mean[1] - mean[0] == pytest.approx(20.0, abs=1.0)  # the regressor's effect comes through
    with pytest.raises(
        ValueError,
        match=re.escape("ARIMAFit.forecast: the model has 1 regressor(s); give exog_future of shape (2, 1)."),
    ):
        fit.forecast(2)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "ARIMAFit.forecast: exog_future must have shape (2, n_covariates), one row per time step; got shape (3, 1)."
        ),
    ):
        fit.forecast(2, exog_future=np.zeros((3, 1)))


def test_fit_arima_warns_once_when_not_converged(log_airline):
    with pytest.warns(
        ConvergenceWarning,
        match=re.escape(
            "fit_arima: the 'ml' estimation of ARIMA(0, 1, 1)(0, 1, 1, 12) did not converge in 1 iterations"
        ),
    ):
        fit = fit_arima(log_airline, (0, 1, 1), (0, 1, 1, 12), method="ml", maxiter=1)
    assert not fit.converged


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"order": (1, 0)}, "fit_arima: order must be (p, d, q); got (1, 0)."),
        ({"order": (1, -1, 0)}, "The 'd' parameter of fit_arima must be an int in the range [0, inf). Got -1 instead."),
        ({"seasonal_order": (1, 0, 0, 1)}, "fit_arima: a seasonal order needs a period s >= 2; got (1, 0, 0, 1)."),
        (
            {"method": "mle"},
            "The 'method' parameter of fit_arima must be a str among {'css', 'css-ml', 'ml'}. Got 'mle' instead.",
        ),
        (
            {"trend": "t"},
            "The 'trend' parameter of fit_arima must be a str among {'c', 'n'}. Got 't' instead. 'n': no "
            "constant, 'c': a constant.",
        ),
        (
            {"exog": np.zeros((5, 1))},
            ("fit_arima: exog must have shape (144, n_covariates), one row per time step; got shape (5, 1)."),
        ),
    ],
)
def test_fit_arima_bad_input(log_airline, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        fit_arima(log_airline, **kwargs)


def test_nan_in_y_is_refused():
    y = np.arange(20.0)
    y[7] = np.nan
    with pytest.raises(
        ValueError,
        match=re.escape(
            "auto_arima: y contains 1 NaN or infinite value(s) (first at position 7); ARIMA needs a complete "
            "series. Fill or drop the gaps first."
        ),
    ):
        auto_arima(y)


# ------------------------------------------------------------------------- differencing tests
def test_ndiffs_kpss():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=300)
    assert ndiffs(noise) == 0
    assert ndiffs(np.cumsum(noise)) == 1
    assert ndiffs(np.cumsum(np.cumsum(noise))) == 2
    assert ndiffs(np.cumsum(np.cumsum(noise)), max_d=1) == 1
    assert ndiffs(np.full(50, 3.0)) == 0


def test_nsdiffs_seasonal_strength():
    rng = np.random.default_rng(0)
    t = np.arange(240)
    seasonal = 10 * np.sin(2 * np.pi * t / 12) + rng.normal(size=240)
    noise = rng.normal(size=240)
    assert seasonal_strength(seasonal, 12) > 0.9
    assert seasonal_strength(noise, 12) < 0.64
    assert nsdiffs(seasonal, 12) == 1
    assert nsdiffs(noise, 12) == 0
    assert nsdiffs(seasonal, 1) == 0  # no seasonal period
    assert nsdiffs(seasonal[:24], 12) == 0  # shorter than two seasons plus one value


# --------------------------------------------------------------------------------- auto_arima
def test_auto_arima_airline_is_the_airline_model(log_airline):
    fit = auto_arima(log_airline, sp=12)
    # R: ARIMA(0,1,1)(0,1,1)[12], AICc -483.21 (see the module docstring)
    assert (fit.order, fit.seasonal_order, fit.trend) == ((0, 1, 1), (0, 1, 1, 12), "n")
    assert fit.aicc == pytest.approx(-483.21, abs=0.01)
    assert fit.method == "css-ml" and fit.converged
    assert 5 <= fit.n_models <= 94


def test_auto_arima_ar1_and_white_noise():
    y = _ar1(400, 0.7, seed=2, mean=10.0)
    fit = auto_arima(y)
    # the search may add small terms to the AR(1) (here it picks an AR(3)); what must hold: stationary, a
    # constant for the mean of 10, and the one-step forecast of the true model, 10 + 0.7 (y_n - 10)
    assert fit.order[1] == 0 and fit.trend == "c" and fit.order[0] + fit.order[2] <= 3
    assert fit.forecast(1)[0] == pytest.approx(10 + 0.7 * (y[-1] - 10), abs=0.15)
    assert fit.forecast(200)[-1] == pytest.approx(10.0, abs=0.3)
    noise = auto_arima(np.random.default_rng(5).normal(size=300))
    assert noise.order == (0, 0, 0) and noise.seasonal_order == (0, 0, 0, 0)


def test_auto_arima_exog_recovers_the_regression():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(200, 1))
    y = 1.0 + 3.0 * x[:, 0] + np.cumsum(rng.normal(size=200))  # random-walk errors: d = 1
    fit = auto_arima(y, exog=x, method="css")
    assert fit.order[1] == 1  # KPSS on the regression residuals, not on y
    beta = fit.params[int(fit.trend == "c")]
    assert beta == pytest.approx(3.0, abs=0.2)
    assert fit.k_exog == 1 and fit.forecast(2, exog_future=np.ones((2, 1))).shape == (2,)


def test_auto_arima_skips_a_final_fit_at_a_unit_root(log_airline, monkeypatch):
    """When the likelihood of the best CSS model runs to a unit root, the next candidate is estimated."""
    calls = []

    def fake_min_root(results):
        calls.append(results.model.order)
        return 1.0 if len(calls) == 1 else 2.0

    monkeypatch.setattr(_search, "_final_min_root", fake_min_root)
    best = auto_arima(log_airline, sp=12, method="css-ml")  # "css" keeps the search's checked estimates
    assert len(calls) == 2
    assert (best.order, best.seasonal_order) != ((0, 1, 1), (0, 1, 1, 12))  # the first choice was skipped


def test_auto_arima_adjust_mode(log_airline):
    y = np.exp(log_airline)
    fit = auto_arima(y, sp=12, seasonal="adjust")
    assert fit.seasonal_order == (0, 0, 0, 0)
    indices = fit.seasonal_indices
    # M4's adjustment, the one Naive2 and Theta use
    np.testing.assert_array_equal(indices, deseasonalise(y, 12)[1])
    assert indices.shape == (12,) and indices.mean() == pytest.approx(1.0)
    assert indices[6] > 1.15 and indices[10] < 0.85  # July high, November low (the series starts in January)
    # the forecast is the adjusted model's forecast times the indices continuing the cycle (144 % 12 == 0)
    plain = ARIMAFit(fit.order, fit.seasonal_order, fit.trend, fit.method, fit.aicc, True, fit.results, scale=fit.scale)
    np.testing.assert_allclose(fit.forecast(12), plain.forecast(12) * indices)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "auto_arima: a multiplicative decomposition needs a strictly positive series; y has 144 value(s) <= 0 "
            "(first at position 0). seasonal='adjust' divides by seasonal indices; use seasonal='full' for such a "
            "series."
        ),
    ):
        auto_arima(y - 1000.0, sp=12, seasonal="adjust")


def test_auto_arima_bad_input(log_airline):
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'seasonal' parameter of auto_arima must be a str among {'adjust', 'full', 'none'}. Got 'yes' instead."
        ),
    ):
        auto_arima(log_airline, sp=12, seasonal="yes")
    with pytest.raises(
        ValueError,
        match=re.escape("The 'max_p' parameter of auto_arima must be an int in the range [0, inf). Got -1 instead."),
    ):
        auto_arima(log_airline, max_p=-1)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "auto_arima: y has 2 values, 0 after differencing (d=2, D=0, sp=1); too few to fit any model. Give a "
            "longer series or smaller differencing orders."
        ),
    ):
        auto_arima(np.array([1.0, 2.0]), d=2)


# ---------------------------------------------------------------------------------- ARIMAForecaster
@pytest.fixture(scope="module")
def airline():
    return load_airline()


@pytest.fixture(scope="module")
def airline_fixed(airline):
    return ARIMAForecaster(order=(0, 1, 1), seasonal_order=(0, 1, 1), sp=12).fit(None, airline)


def test_forecaster_fixed_order_equals_statsmodels(airline, airline_fixed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = SARIMAX(airline.to_numpy(), order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(disp=False)
    out = airline_fixed.forecast(12, coverage=0.8)
    expected_index = pd.period_range("1961-01", periods=12, freq="M", name="Period")
    pd.testing.assert_index_equal(out.index, expected_index)
    assert out.columns.tolist() == ["Passengers", "Passengers_lower", "Passengers_upper"]
    np.testing.assert_allclose(out["Passengers"], reference.forecast(12), atol=1e-6)
    ci = reference.get_forecast(12).conf_int(alpha=0.2)
    np.testing.assert_allclose(out["Passengers_lower"], ci[:, 0], atol=1e-6)
    np.testing.assert_allclose(out["Passengers_upper"], ci[:, 1], atol=1e-6)
    assert airline_fixed.order_ == [(0, 1, 1)] and airline_fixed.seasonal_order_ == [(0, 1, 1, 12)]
    assert airline_fixed.aicc_[0] == pytest.approx(reference.aicc, abs=1e-6)


def test_forecaster_log_scale_equals_statsmodels_in_logs(airline, airline_sm):
    f = ARIMAForecaster(order=(0, 1, 1), seasonal_order=(0, 1, 1), sp=12, boxcox_lambda=0).fit(None, airline)
    out = f.forecast(12, coverage=0.95)
    np.testing.assert_allclose(out["Passengers"], np.exp(airline_sm.forecast(12)), rtol=1e-6)
    ci = airline_sm.get_forecast(12).conf_int(alpha=0.05)
    np.testing.assert_allclose(out["Passengers_lower"], np.exp(ci[:, 0]), rtol=1e-6)
    np.testing.assert_allclose(out["Passengers_upper"], np.exp(ci[:, 1]), rtol=1e-6)


def test_forecaster_automatic_order_on_airline(airline):
    f = ARIMAForecaster(sp=12, boxcox_lambda=0).fit(None, airline)
    # the airline model, as R's auto.arima(log(AirPassengers)): AICc -483.21 there (module docstring)
    assert f.order_ == [(0, 1, 1)] and f.seasonal_order_ == [(0, 1, 1, 12)] and f.trend_ == ["n"]
    assert f.aicc_[0] == pytest.approx(-483.20, abs=0.01)
    assert f.fits_[0].method == "css-ml"


def test_forecaster_forecasts_from_a_new_context(airline, airline_fixed):
    out = airline_fixed.forecast(6, y_context=airline.iloc[:100])
    pd.testing.assert_index_equal(out.index, pd.period_range("1957-05", periods=6, freq="M", name="Period"))
    expected = airline_fixed.fits_[0].results.apply(airline.to_numpy()[:100]).forecast(6)
    np.testing.assert_allclose(out.to_numpy(), expected, atol=1e-10)


def test_forecaster_with_covariates():
    index = pd.date_range("2024-01-01", periods=200, freq="D")
    rng = np.random.default_rng(7)
    X = pd.DataFrame({"promo": rng.normal(size=200)}, index=index)
    y = pd.Series(10.0 + 2.0 * X["promo"].to_numpy() + _ar1(200, 0.5, seed=8), index=index, name="sales")
    f = ARIMAForecaster(order=(1, 0, 0), trend="c").fit(X, y)
    future = pd.DataFrame({"promo": [0.0, 0.0, 5.0]}, index=pd.date_range("2024-07-19", periods=3, freq="D"))
    pred = f.predict(future)
    pd.testing.assert_index_equal(pred.index, future.index)
    reference = fit_arima(y.to_numpy(), (1, 0, 0), exog=X.to_numpy(), trend="c")
    np.testing.assert_allclose(pred.to_numpy(), reference.forecast(3, exog_future=future.to_numpy()), atol=1e-10)
    beta = f.fits_[0].params[1]
    assert beta == pytest.approx(2.0, abs=0.2)
    with pytest.raises(ValueError, match=re.escape("ARIMAForecaster was fitted with 1 covariate(s)")):
        f.forecast(3)


def test_forecaster_one_model_per_series_leading_nan(airline):
    frame = pd.DataFrame({"a": np.log(airline), "b": np.log(airline).where(np.arange(144) >= 24)})
    f = ARIMAForecaster(order=(0, 1, 1), seasonal_order=(0, 1, 1), sp=12, method="css-ml").fit(None, frame)
    assert [fit.results.nobs for fit in f.fits_] == [144, 120]
    alone = ARIMAForecaster(order=(0, 1, 1), seasonal_order=(0, 1, 1), sp=12, method="css-ml")
    alone.fit(None, frame["b"].dropna())
    out = f.forecast(3)
    assert out.columns.tolist() == ["a", "b"]
    np.testing.assert_allclose(out["b"], alone.forecast(3), atol=1e-10)
    interval = f.predict_interval(pd.DataFrame(index=out.index), coverage=0.5)
    assert interval.columns.tolist() == [("a", "lower"), ("a", "upper"), ("b", "lower"), ("b", "upper")]
    assert (interval[("a", "lower")] < out["a"]).all() and (out["a"] < interval[("a", "upper")]).all()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"trend": "c"},
            (
                "ARIMAForecaster: trend='c' cannot be imposed on the automatic order selection; use "
                "trend=None (the search decides) or 'n' (no constant), or give a fixed order."
            ),
        ),
        (
            {"seasonal_order": (0, 1, 1)},
            (
                "ARIMAForecaster: seasonal_order=(0, 1, 1) was given without order; give "
                "both for a fixed model, or neither for the automatic order selection."
            ),
        ),
        (
            {"order": (0, 1, 1), "seasonal_order": (0, 1, 1)},
            "ARIMAForecaster: seasonal_order=(0, 1, 1) needs a seasonal period sp >= 2; got sp=1.",
        ),
        (
            {"method": "mle"},
            (
                "The 'method' parameter of ARIMAForecaster must be a str among {'css', 'css-ml', 'ml'} "
                "or None. Got 'mle' instead."
            ),
        ),
        ({"sp": 0}, "The 'sp' parameter of ARIMAForecaster must be an int in the range [1, inf). Got 0 instead."),
        (
            {"seasonal": "none"},
            ("The 'seasonal' parameter of ARIMAForecaster must be a str among {'adjust', 'full'}. Got 'none' instead."),
        ),
        (
            {"boxcox_lambda": np.inf},
            (
                "The 'boxcox_lambda' parameter of ARIMAForecaster must be a float in the range "
                "(-inf, inf) or None. Got inf instead."
            ),
        ),
        ({"max_p": 1.5}, "The 'max_p' parameter of ARIMAForecaster must be an int in the range [0, inf). Got 1.5"),
        (
            {"order": (1, 0, 0), "boxcox_lambda": 0.0},
            (
                "ARIMAForecaster: boxcox_lambda=0.0 needs strictly positive values; the series has 1 value(s) <= 0 "
                "(first at position 3). Shift the series or set boxcox_lambda=None."
            ),
        ),
        ({"order": (1, 0)}, "ARIMAForecaster: order must be (p, d, q); got (1, 0)."),
        ({"order": (1, 0, -1)}, "The 'q' parameter of ARIMAForecaster must be an int in the range [0, inf). Got -1"),
    ],
)
def test_forecaster_bad_parameters(params, message):
    y = pd.Series([1.0, 2.0, 3.0, -1.0, 2.0, 3.0, 4.0, 2.0], name="y")
    with pytest.raises(ValueError, match=re.escape(message)):
        ARIMAForecaster(**params).fit(None, y)


def test_forecaster_errors_about_one_series_name_it():
    a = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 4.0, 2.0])
    frame = pd.DataFrame({"a": a, "b": np.where(np.arange(8) == 3, -1.0, a)})
    with pytest.raises(
        ValueError,
        match=re.escape(
            "ARIMAForecaster (series 'b'): boxcox_lambda=0.0 needs strictly positive values; the series has 1"
        ),
    ):
        ARIMAForecaster(order=(1, 0, 0), boxcox_lambda=0.0).fit(None, frame)
    # at predict time too: a new history with a value <= 0 in series 'b'
    fitted = ARIMAForecaster(order=(1, 0, 0), boxcox_lambda=0.0).fit(None, frame.abs())
    with pytest.raises(ValueError, match=re.escape("ARIMAForecaster (series 'b'): boxcox_lambda=0.0 needs")):
        fitted.forecast(2, y_context=frame)


def test_forecaster_convergence_warning_names_class_and_series(airline):
    f = ARIMAForecaster(order=(0, 1, 1), seasonal_order=(0, 1, 1), sp=12, maxiter=1)
    frame = pd.DataFrame({"a": airline.to_numpy(), "b": airline.to_numpy()[::-1]}, index=airline.index)
    with pytest.warns(ConvergenceWarning) as record:
        f.fit(None, frame)
    messages = [str(w.message) for w in record if w.category is ConvergenceWarning]
    assert [m.split(":")[0] for m in messages] == ["ARIMAForecaster (series 'a')", "ARIMAForecaster (series 'b')"]
    assert messages[0].startswith(
        "ARIMAForecaster (series 'a'): fit_arima: the 'ml' estimation of ARIMA(0, 1, 1)(0, 1, 1, 12) did not "
        "converge in 1 iterations"
    )
    with pytest.warns(ConvergenceWarning, match=re.escape("ARIMAForecaster: fit_arima: the 'ml' estimation")):
        f.fit(None, airline)  # one series: the class only


def test_forecaster_parameters_are_stored_verbatim():
    f = ARIMAForecaster(order=(1, 0, 0), seasonal_order=None, sp=24, boxcox_lambda=0.5)
    assert clone(f).get_params() == f.get_params()
    assert f.get_params()["order"] == (1, 0, 0) and not hasattr(f, "fits_")
