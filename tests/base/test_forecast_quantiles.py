"""BaseForecaster.forecast_quantiles: quantiles read from central intervals, a quantile head, checks, frames."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from seqforecast.base import BaseForecaster
from seqforecast.base._quantiles import check_quantiles, interval_coverage
from seqforecast.baselines import ARIMAForecaster, NaiveForecaster


class GaussianLast(BaseForecaster):
    """Test double: forecast = last value (+ the first covariate), Gaussian intervals of sd ``sd * sqrt(h)``."""

    def __init__(self, sd=1.0):
        self.sd = sd

    def _fit(self, Y, X):
        self.n_fits_ = 1
        return self

    def _predict(self, horizon, Y, X, X_future):
        last = np.array([col[~np.isnan(col)][-1] for col in Y.T])
        out = np.tile(last, (horizon, 1))
        return out if X_future is None else out + X_future[:, :1]

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        point = self._predict(horizon, Y, X, X_future)
        half = norm.ppf((1 + coverage) / 2) * self.sd * np.sqrt(np.arange(1, horizon + 1))[:, None]  # [H, 1]
        return point - half, point + half


class Crossing(GaussianLast):
    """Test double whose intervals shrink as the coverage grows: its quantiles cross."""

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        point = self._predict(horizon, Y, X, X_future)
        return point - (1 - coverage), point + (1 - coverage)


class QuantileHead(GaussianLast):
    """Test double with a quantile head of its own: last value + 100 * q."""

    def __init__(self, sd=1.0, shape=None):
        self.sd = sd
        self.shape = shape

    def _predict_quantiles(self, horizon, Y, X, X_future, quantiles):
        point = self._predict(horizon, Y, X, X_future)  # [H, S]
        out = point[:, :, None] + 100 * quantiles[None, None, :]  # [H, S, 1] + [1, 1, Q] -> [H, S, Q]
        return out if self.shape is None else out[..., :1]


def monthly(n=6, name="y"):
    return pd.Series(np.arange(1.0, n + 1), index=pd.period_range("2000-01", periods=n, freq="M"), name=name)


def two_series(n=6):
    return pd.DataFrame({"a": np.arange(1.0, n + 1), "b": 10 * np.arange(1.0, n + 1)}, index=monthly(n).index)


def test_quantiles_are_the_bounds_of_central_intervals_and_the_point_forecast():
    model = GaussianLast(sd=2.0).fit(None, monthly())
    out = model.forecast_quantiles(3, quantiles=(0.05, 0.25, 0.5, 0.75, 0.95))
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    # a symmetric (Gaussian) distribution: quantile q is point + sd * sqrt(h) * z_q
    expected = 6.0 + 2.0 * np.sqrt([[1], [2], [3]]) * norm.ppf(levels)[None, :]
    index = pd.period_range("2000-07", periods=3, freq="M")
    pd.testing.assert_frame_equal(out, pd.DataFrame(expected, index=index, columns=pd.Index(levels, name="quantile")))


def test_several_series_give_a_column_multiindex_series_then_quantile():
    out = GaussianLast().fit(None, two_series()).forecast_quantiles(2, quantiles=[0.1, 0.9])
    columns = pd.MultiIndex.from_product([["a", "b"], [0.1, 0.9]], names=[None, "quantile"])
    pd.testing.assert_index_equal(out.columns, columns)
    z = norm.ppf(0.9) * np.sqrt([1, 2])
    np.testing.assert_allclose(out[("b", 0.9)].to_numpy(), 60 + z)
    np.testing.assert_allclose(out[("a", 0.1)].to_numpy(), 6 - z)


def test_quantiles_agree_with_forecast_coverage_bounds():
    model = GaussianLast().fit(None, monthly())
    bounds = model.forecast(4, coverage=0.8)
    out = model.forecast_quantiles(4, quantiles=(0.1, 0.5, 0.9))
    np.testing.assert_allclose(out[0.1], bounds["y_lower"])
    np.testing.assert_allclose(out[0.5], bounds["y"])
    np.testing.assert_allclose(out[0.9], bounds["y_upper"])


def test_arima_quantiles_equal_its_forecast_interval_bounds():
    y = pd.Series(np.sin(np.arange(40) / 3) + 0.05 * np.arange(40), name="y")
    model = ARIMAForecaster(order=(1, 0, 0)).fit(None, y)
    bounds = model.forecast(5, coverage=0.9)
    out = model.forecast_quantiles(5, quantiles=(0.05, 0.5, 0.95))
    np.testing.assert_allclose(out.to_numpy(), bounds[["y_lower", "y", "y_upper"]].to_numpy(), rtol=1e-12)


def test_covariates_and_a_new_context_are_passed_through():
    y = monthly()
    X = pd.DataFrame({"x": np.zeros(6)}, index=y.index)
    model = GaussianLast().fit(X, y)
    future = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.period_range("2000-07", periods=2, freq="M"))
    out = model.forecast_quantiles(2, (0.5,), X=future)
    np.testing.assert_array_equal(out[0.5].to_numpy(), [7.0, 8.0])
    context = monthly(4) * 10
    out = model.forecast_quantiles(2, (0.5,), X=future.to_numpy(), y_context=context, X_context=X.iloc[:4].to_numpy())
    np.testing.assert_array_equal(out[0.5].to_numpy(), [41.0, 42.0])
    assert out.index.equals(pd.period_range("2000-05", periods=2, freq="M"))


def test_a_quantile_head_is_used_when_the_model_has_one():
    out = QuantileHead().fit(None, two_series()).forecast_quantiles(1, quantiles=(0.2, 0.7))
    np.testing.assert_allclose(out.to_numpy(), [[6 + 20, 6 + 70, 60 + 20, 60 + 70]])
    msg = "QuantileHead._predict_quantiles returned shape (1, 2, 1), expected (1, 2, 2)."
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        QuantileHead(shape="bad").fit(None, two_series()).forecast_quantiles(1, quantiles=(0.2, 0.7))


def test_crossing_quantiles_raise_rather_than_being_sorted():
    model = Crossing().fit(None, monthly())
    model.forecast_quantiles(2, quantiles=(0.5, 0.9))  # one side of 0.5: no crossing
    # q=0.1: lower bound of coverage 0.8, 6 - 0.2; q=0.2: of coverage 0.6, 6 - 0.4
    msg = (
        "Crossing's quantile forecasts cross: at step 1 of series 'y' the 0.1 quantile (5.8) is above the 0.2 "
        "quantile (5.6), in 2 place(s). They are read from Crossing's central intervals, which assumes intervals "
        "nested and centred on the point forecast; ask for quantiles on one side of 0.5 only, or wrap the model "
        "in ConformalForecaster, whose symmetric intervals never cross. They are not sorted silently: quantiles "
        "that cross are not a distribution."
    )
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        model.forecast_quantiles(2, quantiles=(0.1, 0.2))


def test_a_model_without_intervals_names_the_conformal_wrapper():
    msg = (
        "NaiveForecaster does not give prediction intervals, which forecast_quantiles reads its quantiles from. "
        "Wrap it in ConformalForecaster(NaiveForecaster(...), horizon=3) for intervals calibrated on its own "
        "forecast errors, or use a model that gives them (ETSForecaster, ARIMAForecaster)."
    )
    with pytest.raises(NotImplementedError, match=re.escape(msg)):
        NaiveForecaster().fit(None, monthly()).forecast_quantiles(3)


HINT = "Give probabilities strictly between 0 and 1, in increasing order, without duplicates, e.g. (0.1, 0.5, 0.9)."


@pytest.mark.parametrize(
    "quantiles, message",
    [
        ((0.5, 0.1), "must be strictly increasing, without duplicates. Got [0.5, 0.1] instead."),
        ([0.1, 0.1], "must be strictly increasing, without duplicates. Got [0.1, 0.1] instead."),
        ((0.1, 1.0), "must be a float in the range (0.0, 1.0). Got 1.0 instead."),
        ((0.0, 0.5), "must be a float in the range (0.0, 1.0). Got 0.0 instead."),
        ((True,), "must be a float in the range (0.0, 1.0). Got True instead."),
        ((), "is empty."),
        (0.5, "must be a sequence of floats. Got 0.5 instead."),
        ("0.5", "must be a sequence of floats. Got '0.5' instead."),
        ([[0.1, 0.9]], "must be a sequence of floats. Got [[0.1, 0.9]] instead."),
    ],
)
def test_quantiles_must_be_strictly_increasing_probabilities(quantiles, message):
    model = GaussianLast().fit(None, monthly())
    full = f"The 'quantiles' parameter of GaussianLast.forecast_quantiles {message} {HINT}"
    with pytest.raises(ValueError, match=re.escape(full)):
        model.forecast_quantiles(2, quantiles=quantiles)


def test_steps_are_checked_as_forecast_checks_them():
    model = GaussianLast().fit(None, monthly())
    with pytest.raises(ValueError, match=re.escape("The 'steps' parameter of GaussianLast.forecast_quantiles must be")):
        model.forecast_quantiles(0)
    bad = pd.DataFrame({"x": [1.0]}, index=pd.period_range("2001-01", periods=1, freq="M"))
    fitted = GaussianLast().fit(pd.DataFrame({"x": np.zeros(6)}, index=monthly().index), monthly())
    with pytest.raises(ValueError, match=re.escape("GaussianLast.forecast_quantiles(1): the index of X must be")):
        fitted.forecast_quantiles(1, X=bad)


def test_set_params_without_refit_changes_nothing():
    model = GaussianLast(sd=1.0).fit(None, monthly())
    before = model.forecast_quantiles(2)
    model.set_params(sd=5.0)
    pd.testing.assert_frame_equal(model.forecast_quantiles(2), before)


def test_helpers():
    assert check_quantiles(np.array([0.25, 0.75]), "f") == (0.25, 0.75)
    assert interval_coverage(0.2) == (0.6, 0) and interval_coverage(0.8) == (0.6, 1)  # 1 - 1.6 rounds to 0.6
