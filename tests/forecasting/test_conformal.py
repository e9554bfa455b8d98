"""ConformalForecaster: split-conformal intervals calibrated on rolling-origin forecast errors."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge

from seqforecast import load, save
from seqforecast.baselines import NaiveForecaster, SeasonalNaiveForecaster
from seqforecast.forecasting import ConformalForecaster, EnsembleForecaster, RecursiveForecaster
from seqforecast.forecasting.conformal import series_scale

# 10 values whose naive (last value) forecast errors are written out below
TINY = pd.Series([0.0, 1, 3, 2, 6, 5, 9, 4, 8, 10], name="y")


def tiny_model(**kwargs):
    # horizon 2, step 1: default origins fit on rows [0, 5), [0, 6), [0, 7), [0, 8) (half the values first)
    return ConformalForecaster(NaiveForecaster(), horizon=2, step=1, **kwargs).fit(None, TINY)


def test_residuals_and_cutoffs_by_hand():
    model = tiny_model()
    # origin cut after row 4 (last value 6): y5 - 6 = -1, y6 - 6 = 3; after row 5 (last 5): 4, -1;
    # after row 6 (last 9): -5, -1; after row 7 (last 4): 4, 6
    expected = np.array([[[-1.0], [3.0]], [[4.0], [-1.0]], [[-5.0], [-1.0]], [[4.0], [6.0]]])
    np.testing.assert_array_equal(model.residuals_, expected)
    np.testing.assert_array_equal(model.scales_, np.ones((4, 1)))
    assert list(model.cutoffs_) == [4, 5, 6, 7]


@pytest.mark.parametrize(
    "coverage, step1, step2",
    [
        # |errors| sorted: step 1 [1, 4, 4, 5], step 2 [1, 1, 3, 6]; n = 4, the ceil(5 * coverage)-th smallest
        (0.4, 4.0, 1.0),  # ceil(2.0) = 2nd
        (0.5, 4.0, 3.0),  # ceil(2.5) = 3rd
        (0.6, 4.0, 3.0),  # ceil(3.0) = 3rd
        (0.8, 5.0, 6.0),  # ceil(4.0) = 4th, the largest
    ],
)
def test_interval_half_widths_by_hand(coverage, step1, step2):
    model = tiny_model()
    np.testing.assert_array_equal(model.half_widths(coverage), [step1, step2])
    out = model.forecast(2, coverage=coverage)  # the last value is 10
    np.testing.assert_array_equal(out["y_lower"], [10 - step1, 10 - step2])
    np.testing.assert_array_equal(out["y_upper"], [10 + step1, 10 + step2])


def test_the_rank_is_not_rounded_up_by_float_error():
    # 6 origins x 4 series = 24 errors; (24 + 1) * 0.28 is 7.000000000000001 in floats: the 7th, not the 8th
    Y = pd.DataFrame(np.random.default_rng(4).normal(size=(10, 4)).cumsum(axis=0))
    model = ConformalForecaster(NaiveForecaster(), horizon=1, n_origins=6, step=1).fit(None, Y)
    errors = np.abs(np.diff(Y.to_numpy(), axis=0)[3:])  # the naive errors of rows 4..9: [6, 4]
    assert np.sort(errors.ravel())[6] < np.sort(errors.ravel())[7]
    np.testing.assert_array_equal(model.half_widths(0.28), [np.sort(errors.ravel())[6]])


def test_quantiles_by_hand_and_through_predict_interval():
    model = tiny_model()
    out = model.forecast_quantiles(2, quantiles=(0.1, 0.2, 0.5, 0.8, 0.9))
    # 0.1 / 0.9: the interval of coverage 0.8 (+-5, +-6); 0.2 / 0.8: of coverage 0.6 (+-4, +-3)
    expected = [[5.0, 6.0, 10.0, 14.0, 15.0], [4.0, 7.0, 10.0, 13.0, 16.0]]
    np.testing.assert_array_equal(out.to_numpy(), expected)
    assert list(out.columns) == [0.1, 0.2, 0.5, 0.8, 0.9]
    rows = pd.DataFrame(index=pd.RangeIndex(11, 12))  # the second step only
    pd.testing.assert_frame_equal(
        model.predict_interval(rows, coverage=0.8), pd.DataFrame({"lower": [4.0], "upper": [16.0]}, index=rows.index)
    )


def test_point_forecasts_are_the_wrapped_forecasters():
    y = pd.DataFrame({"a": np.sin(np.arange(30.0)), "b": np.cos(np.arange(30.0)) + 5})
    model = ConformalForecaster(SeasonalNaiveForecaster(sp=3), horizon=3).fit(None, y)
    direct = SeasonalNaiveForecaster(sp=3).fit(None, y).forecast(3)
    pd.testing.assert_frame_equal(model.forecast(3), direct)
    assert isinstance(model.forecaster_, SeasonalNaiveForecaster)


def test_coverage_holds_on_exchangeable_data():
    # 100 series of i.i.d. N(5, 1) noise forecast by their mean: the forecast errors of every origin and of
    # new draws are (close to) exchangeable, so 90 % intervals cover 90 % of new values on average
    rng = np.random.default_rng(0)
    n_series, horizon, n_new = 100, 3, 50
    y = pd.DataFrame(rng.normal(5.0, 1.0, size=(60, n_series)))
    model = ConformalForecaster(NaiveForecaster(strategy="mean"), horizon=horizon).fit(None, y)
    n = model.residuals_.shape[0] * n_series  # 10 origins x 100 series = 1000 errors per step
    assert n == 1000
    bounds = model.forecast_quantiles(horizon, quantiles=(0.05, 0.95))  # the central 90 % interval
    lower = bounds.xs(0.05, axis=1, level="quantile").to_numpy()  # [H, S]
    upper = bounds.xs(0.95, axis=1, level="quantile").to_numpy()
    new = rng.normal(5.0, 1.0, size=(n_new, horizon, n_series))  # fresh futures of every series
    covered = ((new >= lower) & (new <= upper)).mean(axis=(0, 2))  # per step
    # the coverage given the calibration errors varies with sd sqrt(0.9 * 0.1 / n) (the width is an empirical
    # quantile of n errors), the share of the 5000 new values covered with sd sqrt(0.9 * 0.1 / 5000):
    # together sd 0.0104, and 3 sd 0.031 (the expected coverage is between 0.9 and 0.9 + 1 / (n + 1))
    tolerance = 3 * np.sqrt(0.09 / n + 0.09 / (n_new * n_series))
    assert np.all(np.abs(covered - 0.9) <= tolerance), covered


def test_scaled_scores_give_each_series_intervals_of_its_size():
    rng = np.random.default_rng(1)
    base = 10 + rng.normal(size=40).cumsum()
    y = pd.DataFrame({"small": base, "large": 100 * base})
    scaled = ConformalForecaster(NaiveForecaster(), horizon=2, method="scaled").fit(None, y)
    width = scaled.forecast(2, coverage=0.8)
    small = (width["small_upper"] - width["small_lower"]).to_numpy()
    large = (width["large_upper"] - width["large_lower"]).to_numpy()
    np.testing.assert_allclose(large, 100 * small)
    np.testing.assert_allclose(scaled.scales_[:, 1], 100 * scaled.scales_[:, 0])
    # the absolute errors are pooled as they are: both series get the same (large) width
    absolute = ConformalForecaster(NaiveForecaster(), horizon=2).fit(None, y).forecast(2, coverage=0.8)
    np.testing.assert_allclose(absolute["small_upper"] - absolute["small"], absolute["large_upper"] - absolute["large"])


def test_series_scale():
    Y = np.array([[1.0, np.nan, 5.0, 0.0], [3.0, 2.0, 5.0, 0.0], [2.0, 4.0, 5.0, 0.0]])
    # mean |diff|; a series starting later from its first value; a constant: its mean |value|, or 1
    np.testing.assert_array_equal(series_scale(Y), [1.5, 2.0, 5.0, 1.0])


def test_quantiles_never_cross():
    rng = np.random.default_rng(2)
    y = pd.DataFrame(rng.normal(size=(80, 3)).cumsum(axis=0))
    model = ConformalForecaster(NaiveForecaster(strategy="drift"), horizon=4, step=1, method="scaled").fit(None, y)
    levels = np.round(np.linspace(0.02, 0.98, 49), 2)
    out = model.forecast_quantiles(4, quantiles=levels).to_numpy().reshape(4, 3, len(levels))  # [H, S, Q]
    assert np.all(np.diff(out, axis=2) >= 0)


def test_later_start_covariates_and_ensembles():
    rng = np.random.default_rng(3)
    y = pd.DataFrame({"a": rng.normal(size=40).cumsum(), "b": rng.normal(size=40).cumsum()})
    y.iloc[:10, 1] = np.nan  # b starts at row 10
    X = pd.DataFrame({"x": np.sin(np.arange(42) / 3), "z": np.arange(42) / 42})
    inner = RecursiveForecaster(Ridge(alpha=0.1), window_length=3)
    model = ConformalForecaster(inner, horizon=2).fit(X.iloc[:40], y)
    future = X.iloc[40:]
    out = model.forecast(2, X=future, coverage=0.8)
    direct = clone(inner).fit(X.iloc[:40], y).forecast(2, X=future)
    pd.testing.assert_frame_equal(out[["a", "b"]], direct)
    assert np.all(out["a_upper"] > out["a_lower"])
    with pytest.raises(ValueError, match=re.escape("X has ['z', 'x'], the fit had ['x', 'z']")):  # checked by name
        model.forecast(2, X=future[["z", "x"]])
    ensemble = EnsembleForecaster(inner, n_members=2)
    wrapped = ConformalForecaster(ensemble, horizon=2, n_origins=5).fit(X.iloc[:40], y)
    assert wrapped.residuals_.shape == (5, 2, 2)
    pd.testing.assert_frame_equal(
        wrapped.forecast(2, X=future), clone(ensemble).fit(X.iloc[:40], y).forecast(2, X=future)
    )


def test_a_new_context_uses_the_calibrated_widths():
    model = tiny_model()
    out = model.forecast(2, coverage=0.8, y_context=pd.Series([1.0, 2.0, 3.0], name="y"))
    np.testing.assert_array_equal(out.to_numpy(), [[3.0, -2.0, 8.0], [3.0, -3.0, 9.0]])


def test_n_origins_takes_the_most_recent_ones():
    model = ConformalForecaster(NaiveForecaster(), horizon=2, n_origins=3).fit(None, TINY)
    # step = horizon = 2: cutoffs at rows 3, 5, 7 (the last window ends on the last row)
    assert list(model.cutoffs_) == [3, 5, 7]
    np.testing.assert_array_equal(model.residuals_[:, :, 0], [[4.0, 3.0], [4.0, -1.0], [4.0, 6.0]])


def test_pickle_save_load_clone_and_params(tmp_path):
    y = pd.DataFrame(
        {"a": np.sin(np.arange(24.0)), "b": np.arange(24.0)}, index=pd.period_range("2000-01", periods=24, freq="M")
    )
    model = ConformalForecaster(SeasonalNaiveForecaster(sp=2), horizon=3, method="scaled").fit(None, y)
    expected = model.forecast_quantiles(3, (0.1, 0.5, 0.9))
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(model)).forecast_quantiles(3, (0.1, 0.5, 0.9)), expected)
    save(model, tmp_path / "conformal.zip")
    loaded = load(tmp_path / "conformal.zip")
    pd.testing.assert_frame_equal(loaded.forecast_quantiles(3, (0.1, 0.5, 0.9)), expected)
    np.testing.assert_array_equal(loaded.residuals_, model.residuals_)
    assert loaded.cutoffs_.equals(model.cutoffs_)
    params = model.get_params()
    assert params["forecaster__sp"] == 2 and params["horizon"] == 3 and params["method"] == "scaled"
    fresh = clone(model)
    assert not hasattr(fresh, "residuals_") and fresh.forecaster is not model.forecaster
    model.set_params(forecaster__sp=3, horizon=1)  # takes effect at the next fit only
    pd.testing.assert_frame_equal(model.forecast_quantiles(3, (0.1, 0.5, 0.9)), expected)


def test_too_short_data_and_too_many_origins_say_the_minimum():
    msg = (
        "ConformalForecaster: calibrating intervals for horizon=10 steps needs at least 11 values of every series "
        "(one to fit on before an origin, and 10 after it); the shortest series has 10. Use a smaller horizon or "
        "longer series."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        ConformalForecaster(NaiveForecaster(), horizon=10).fit(None, TINY)
    msg = (
        "ConformalForecaster: n_origins=5 origins 2 step(s) apart, each forecasting horizon=2 steps, need at least "
        "11 time steps (1 up to the first origin, so that every series has a value, + 4 * step=2 + horizon=2); y "
        "has 10. Use fewer origins, a smaller step or horizon, or a longer series."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        ConformalForecaster(NaiveForecaster(), horizon=2, n_origins=5).fit(None, TINY)


def test_a_coverage_beyond_the_calibration_says_how_many_errors_it_needs():
    model = tiny_model()
    msg = (
        "ConformalForecaster: an interval of coverage 0.9 needs at least 9 calibration errors per step (the "
        "ceil((n + 1) * 0.9)-th smallest of n errors must exist); this model has 4 (4 origin(s) x 1 series). Ask "
        "for a coverage of at most 0.8, or refit with more origins (n_origins=, a smaller step) or more data."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.forecast(2, coverage=0.9)
    with pytest.raises(ValueError, match=re.escape("an interval of coverage 0.9 needs at least 9")):
        model.forecast_quantiles(2, quantiles=(0.05, 0.5))


def test_steps_beyond_the_horizon_and_bad_parameters():
    model = tiny_model()
    msg = "ConformalForecaster was fitted to forecast 2 steps ahead; 3 were asked for. Refit with horizon>=3."
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.forecast(3)
    msg = (
        "The 'forecaster' parameter of ConformalForecaster must be an instance of "
        "'seqforecast.base.forecaster.BaseForecaster'. Got Ridge() instead. Give a seqforecast forecaster, e.g. "
        "NaiveForecaster() or ARIMAForecaster(...)."
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        ConformalForecaster(Ridge(), horizon=2).fit(None, TINY)
    msg = "The 'method' parameter of ConformalForecaster must be a str among"
    with pytest.raises(ValueError, match=re.escape(msg)):
        ConformalForecaster(NaiveForecaster(), horizon=2, method="relative").fit(None, TINY)


def test_an_error_at_an_origin_says_which():
    # SeasonalNaive(sp=6) needs 6 values: the first default origin (5 values) has too few
    with pytest.raises(ValueError, match="SeasonalNaiveForecaster") as info:
        ConformalForecaster(SeasonalNaiveForecaster(sp=6), horizon=2, step=1).fit(None, TINY)
    notes = getattr(info.value, "__notes__", [""])
    assert notes[0].startswith("(raised by ConformalForecaster calibrating SeasonalNaiveForecaster at origin 1 of 4")


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2000-01-31", periods=20, freq="ME", name="month"),
        pd.period_range("2000-01", periods=20, freq="M"),
        pd.RangeIndex(100, 140, 2),
    ],
)
def test_the_origins_fit_on_the_training_index(index, tmp_path):
    # the origins' fits and forecaster_ see y's own labels (models read the frequency from them)
    y = pd.Series(np.sin(np.arange(20.0)), index=index, name="y")
    model = ConformalForecaster(NaiveForecaster(), horizon=2).fit(pd.DataFrame(index=index), y)
    assert model.forecaster_.y_train_.index.equals(index)
    assert model.cutoffs_.equals(index[9:18])  # one series: origins 1 step apart (see the next test)
    save(model, tmp_path / "model.zip")
    loaded = load(tmp_path / "model.zip")
    assert loaded.cutoffs_.equals(model.cutoffs_)
    pd.testing.assert_frame_equal(loaded.forecast(2, coverage=0.8), model.forecast(2, coverage=0.8))


def test_the_default_step_gives_enough_errors_for_a_95_percent_interval():
    one = pd.Series(np.sin(np.arange(20.0)), name="y")
    # one series, horizon 2: origins 2 apart would be 5 (rows 10, 12, ..., 18), 5 errors per step < 19, so
    # the origins are 1 apart: the 9 cutoffs 9 .. 17 (half the values before the first)
    model = ConformalForecaster(NaiveForecaster(), horizon=2).fit(None, one)
    assert model.step_ == 1 and list(model.cutoffs_) == list(range(9, 18))
    # four series: 5 origins x 4 series = 20 errors per step, enough: the windows tile the end of the data
    four = pd.DataFrame({name: np.sin(np.arange(20.0) + k) for k, name in enumerate("abcd")})
    model = ConformalForecaster(NaiveForecaster(), horizon=2).fit(None, four)
    assert model.step_ == 2 and list(model.cutoffs_) == [9, 11, 13, 15, 17]
    # a step or a number of origins given: as given (n_origins with step=None: step = horizon)
    assert ConformalForecaster(NaiveForecaster(), horizon=2, step=2).fit(None, one).step_ == 2
    assert list(ConformalForecaster(NaiveForecaster(), horizon=2, n_origins=3).fit(None, one).cutoffs_) == [13, 15, 17]


def test_defaults_on_one_monthly_series_give_a_95_percent_interval():
    from seqforecast.datasets import load_airline

    model = ConformalForecaster(SeasonalNaiveForecaster(sp=12), horizon=12).fit(None, load_airline())
    assert model.residuals_.shape == (20, 12, 1) and model.step_ == 1  # 20 origins (at most, the default rule)
    out = model.forecast(12, coverage=0.95)
    assert (out["Passengers_lower"] < out["Passengers"]).all() and (out["Passengers"] < out["Passengers_upper"]).all()


def test_normalized_scores_by_hand():
    model = tiny_model(method="normalized")
    # |errors| per origin (steps 1, 2): [1, 3], [4, 1], [5, 1], [4, 6]; totals 4, 5, 6, 10, in all 25.
    # Each origin is divided by the mean |error| of the other three origins (6 errors): 21/6, 20/6, 19/6, 15/6
    np.testing.assert_allclose(model.scales_[:, 0], [21 / 6, 20 / 6, 19 / 6, 15 / 6])
    np.testing.assert_allclose(model.spreads_, [25 / 8])  # the mean of all 8
    # scores step 1: 1/(21/6), 4/(20/6), 5/(19/6), 4/(15/6) = 0.286, 1.2, 1.579, 1.6
    # scores step 2: 3/(21/6), 1/(20/6), 1/(19/6), 6/(15/6) = 0.857, 0.3, 0.316, 2.4
    # coverage 0.6: the ceil(5 * 0.6) = 3rd smallest: 30/19 and 6/7, in units of the spread 25/8
    np.testing.assert_allclose(model.half_widths(0.6), [30 / 19, 6 / 7])
    out = model.forecast(2, coverage=0.6)  # the last value is 10
    np.testing.assert_allclose(out["y_lower"], 10 - np.array([30 / 19, 6 / 7]) * 25 / 8)
    np.testing.assert_allclose(out["y_upper"], 10 + np.array([30 / 19, 6 / 7]) * 25 / 8)
    # one origin: divided by its own mean error
    one = ConformalForecaster(NaiveForecaster(), horizon=2, n_origins=1, method="normalized").fit(None, TINY)
    np.testing.assert_allclose(one.scales_, [[5.0]])  # errors 4, 6 after the cut at row 7
    assert ConformalForecaster(NaiveForecaster(), horizon=2).fit(None, TINY).spreads_ is None


def test_normalized_scores_cover_each_series_where_scaled_scores_do_not():
    # 40 series of a 4-step pattern plus noise, forecast by seasonal naive (errors: the difference of two noise
    # values, sd noise * sqrt(2)): half have a large pattern and little noise (their steps are large, their
    # forecasts good), half the reverse. "scaled" divides by the step size, so it gives the first half wide
    # and the second half narrow intervals; "normalized" divides by each series' own forecast error.
    rng = np.random.default_rng(5)
    n_series, horizon, n_new, length = 40, 4, 100, 120
    amplitude = np.repeat([10.0, 0.5], n_series // 2)
    noise = np.repeat([0.5, 2.0], n_series // 2)
    pattern = np.array([1.0, -1.0, 0.5, -0.5])
    y = pd.DataFrame(pattern[np.arange(length) % 4][:, None] * amplitude + rng.normal(size=(length, n_series)) * noise)
    coverage = {}
    for method in ("scaled", "normalized"):
        model = ConformalForecaster(SeasonalNaiveForecaster(sp=4), horizon=horizon, method=method).fit(None, y)
        out = model.forecast(horizon, coverage=0.9)
        lower = out[[f"{j}_lower" for j in range(n_series)]].to_numpy()  # [H, S]
        upper = out[[f"{j}_upper" for j in range(n_series)]].to_numpy()
        # fresh futures: the pattern's next 4 steps plus new noise (the forecast is the last cycle's values)
        mean = pattern[np.arange(length, length + horizon) % 4][:, None] * amplitude
        new = mean + rng.normal(size=(n_new, horizon, n_series)) * noise  # [N, H, S]
        covered = (new >= lower) & (new <= upper)
        coverage[method] = [covered[:, :, : n_series // 2].mean(), covered[:, :, n_series // 2 :].mean()]
    scaled, normalized = coverage["scaled"], coverage["normalized"]
    assert scaled[0] > 0.99 and scaled[1] < 0.8, scaled  # the large-step series over-covered, the others not
    # each half: 20 series x 4 steps x 100 new values; the forecast of a series reuses its last cycle's noise,
    # so new values of a series are correlated: the half's coverage varies by a few points, hence 0.06
    assert abs(normalized[0] - 0.9) < 0.06 and abs(normalized[1] - 0.9) < 0.06, normalized


def test_normalized_widths_keep_each_series_spread_and_survive_save_load(tmp_path):
    y = pd.DataFrame({"a": TINY.to_numpy(), "b": 3 * TINY.to_numpy()[::-1]})
    model = ConformalForecaster(NaiveForecaster(), horizon=2, method="normalized").fit(None, y)
    out = model.forecast(2, coverage=0.8)
    half = model.half_widths(0.8)
    np.testing.assert_allclose(out["a_upper"] - out["a"], half * model.spreads_[0])
    np.testing.assert_allclose(out["b_upper"] - out["b"], half * model.spreads_[1])
    # a new context moves the point forecasts, not the calibrated widths
    context = model.forecast(2, coverage=0.8, y_context=pd.DataFrame({"a": [1.0, 2.0], "b": [5.0, 4.0]}))
    np.testing.assert_allclose(context["b_upper"] - context["b"], half * model.spreads_[1])
    save(model, tmp_path / "normalized.zip")
    loaded = load(tmp_path / "normalized.zip")
    pd.testing.assert_frame_equal(loaded.forecast(2, coverage=0.8), out)
    np.testing.assert_array_equal(loaded.spreads_, model.spreads_)
