"""AutoRNNForecaster: choices from the training data only, reproducible, every collection of series accepted."""

import numpy as np
import pandas as pd
import pytest

import seqforecast
from seqforecast import AutoRNNForecaster
from seqforecast.forecasting._auto_plan import plan_nets, seasonal_period
from seqforecast.forecasting._auto_select import _combine, _paired_t, switch_critical
from seqforecast.forecasting.auto import _STATISTICAL

pytestmark = pytest.mark.slow  # each fit trains small nets at several holdout origins (a few seconds)


def monthly(n=72, seed=0, start="2015-01"):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 50 + 0.3 * t + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    return pd.Series(values, index=pd.period_range(start, periods=n, freq="M"), name="sales")


def test_the_plan_reads_the_horizon_and_the_season():
    # hourly data (sp 24, a week of 168 steps): windows of 3.5 and 7 horizons in whole weeks, daily patches
    plan = plan_nets([700] * 414, 48, 24, 168, positive=True)
    assert plan.window_lengths == [168, 336] and plan.patch_lengths == [24, 24]
    assert plan.window_scale == "mean" and plan.hidden_size == 128 and plan.batch_size == 256
    # every series fills the longest window: no padding; 414 * (700 - 48 - 336 + 1) windows, every 2nd kept
    # (at most 100,000 per epoch)
    assert plan.min_observations is None and plan.window_step == 2 and plan.n_windows == 65_619
    # epochs: about 4,000 optimiser steps of 256 windows
    assert plan.max_epochs == 16 and plan.patience is None
    # a short yearly collection: one window length within the typical series, a small net, early stopping
    small = plan_nets([14, 16, 20] * 20, 6, 1, 1, positive=False)
    assert small.window_lengths == [10] and small.window_scale == "std" and small.hidden_size == 32
    assert small.min_observations == 2  # the 14-value series are shorter than 10 + 6: padded
    assert small.patience == 10


def test_the_seasonal_period_comes_from_the_frequency_or_the_data():
    assert seasonal_period("h", [])[:2] == (24, 168)
    assert seasonal_period("M", [])[:2] == (12, 12)
    t = np.arange(120)
    seasonal = [10 + np.sin(2 * np.pi * t / 12) + 0.01 * t]
    assert seasonal_period(None, seasonal)[0] == 12
    noise = [np.random.default_rng(1).normal(size=120)]
    assert seasonal_period(None, noise)[:2] == (1, 1)


def test_fit_forecast_and_every_choice_recorded():
    y = monthly()
    f = AutoRNNForecaster(6, n_members=2, random_state=0).fit(None, y)
    forecast = f.forecast(6)
    assert isinstance(forecast, pd.Series) and forecast.name == "sales"
    assert forecast.index[0] == pd.Period("2021-01", freq="M") and np.isfinite(forecast).all()
    config = f.config_
    assert config["sp"] == 12 and config["sp_source"].startswith("the index frequency")
    # two nets at each of the three holdout origins; the final ensemble only when the nets were chosen
    assert len(config["holdout_members"]) == 6 and len(config["holdout"]["origins"]) == 3
    assert len(config["members"]) == (2 if f.weights_["rnn"] > 0 else 0) == len(f.members_)
    assert set(f.weights_) == set(config["components"]) and sum(f.weights_.values()) == pytest.approx(1.0)
    # the holdout scores every candidate; the chosen one is the best-scored, or ARIMA when the best does not
    # beat it clearly (paired t statistic below Student's one-sided 5 % quantile)
    scores = f.holdout_scores_
    assert scores["mase"].is_monotonic_increasing and scores["chosen"].sum() == 1
    picked = scores.loc[scores["chosen"], "candidate"].item()
    chosen = {name: w for name, w in f.weights_.items() if w > 0}
    label = " + ".join(f"{w:g} {n}" for n, w in chosen.items()) if len(chosen) > 1 else next(iter(chosen))
    assert picked == label
    best_t = scores.loc[0, "t_vs_arima"]
    critical = switch_critical(int(scores.loc[0, "n_scores"]))
    assert picked == (scores.loc[0, "candidate"] if best_t < -critical else "arima")


def test_same_seed_same_forecasts():
    y = monthly()
    a = AutoRNNForecaster(6, n_members=2, random_state=3).fit(None, y).forecast(6)
    b = AutoRNNForecaster(6, n_members=2, random_state=3).fit(None, y).forecast(6)
    pd.testing.assert_series_equal(a, b)


def test_choices_depend_only_on_the_training_data():
    # two series that agree on their first 60 values and differ afterwards: fitted on those 60 values, the
    # forecasters are the same in every respect (nothing past the training data is read)
    a, b = monthly(84), monthly(84)
    b.iloc[60:] = b.iloc[60:] * 3 + 100
    fa = AutoRNNForecaster(6, n_members=2, random_state=0).fit(None, a.iloc[:60])
    fb = AutoRNNForecaster(6, n_members=2, random_state=0).fit(None, b.iloc[:60])
    pd.testing.assert_series_equal(fa.forecast(6), fb.forecast(6))
    pd.testing.assert_frame_equal(fa.holdout_scores_, fb.holdout_scores_)
    assert fa.weights_ == fb.weights_


def test_short_and_long_series_in_one_frame():
    # 10-value and 80-value series in one DataFrame (leading NaN): all are forecast
    rng = np.random.default_rng(0)
    long = 100 + np.cumsum(rng.normal(0, 1, (80, 3)), axis=0)
    frame = pd.DataFrame(long, columns=["a", "b", "c"])
    frame["d"] = np.r_[np.full(70, np.nan), 100 + np.cumsum(rng.normal(0, 1, 10))]
    frame["e"] = np.r_[np.full(70, np.nan), 5 + np.arange(10.0)]
    f = AutoRNNForecaster(6, n_members=1, random_state=0).fit(None, frame)
    forecast = f.forecast(6)
    assert list(forecast.columns) == list("abcde") and np.isfinite(forecast.to_numpy()).all()
    # the 10-value series (fewer than 2 * 6 + 1) were never held out: every component weighs the same for
    # them, the weights chosen on the 80-value series for the others
    components = f.config_["components"]
    equal = {name: 1 / len(components) for name in components}
    assert f.weights_ != equal
    assert f.config_["unjudged"] == {"below": 13, "series": 2, "weights": equal}
    Y = frame.to_numpy()
    parts = {"rnn": f.members_[0]._predict(6, Y, None, None)} | {
        name: _STATISTICAL[name](Y, 6, f.sp_) for name in components if name != "rnn"
    }
    for column, weights in [(0, f.weights_), (3, equal), (4, equal)]:
        expected = sum(weights[name] * parts[name][:, column] for name in components)
        np.testing.assert_allclose(forecast.iloc[:, column], expected, rtol=1e-10)


def test_a_combination_weighs_each_series_on_its_own():
    # two forecasters, three series: the second is missing (NaN) for series 2, weights given per series
    a = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    b = np.array([[5.0, 6.0, np.nan], [9.0, 10.0, np.nan]])
    weights = [np.array([0.5, 0.25, 0.5]), np.array([0.5, 0.75, 0.5])]
    combined = _combine([a, b], weights, [np.zeros(3)] * 3, non_negative=False)
    # series 0: (1 + 5) / 2, (1 + 9) / 2; series 1: 0.25 * 2 + 0.75 * 6, 0.25 * 2 + 0.75 * 10; series 2: a alone
    np.testing.assert_allclose(combined, [[3.0, 5.0, 3.0], [5.0, 8.0, 3.0]])
    # one weight per forecaster: the same for every series
    np.testing.assert_allclose(_combine([a, b], [0.5, 0.5], [np.zeros(3)] * 3, False), [[3, 4, 3], [5, 6, 3]])


def test_series_too_short_for_a_net_still_get_forecasts():
    # every series shorter than horizon + 1: no net can train; the statistical forecasters answer
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [np.nan, np.nan, 5.0, 5.0]})
    f = AutoRNNForecaster(6, random_state=0).fit(None, frame)
    assert "rnn" not in f.config_["components"] and f.members_ == []
    forecast = f.forecast(6)
    assert np.isfinite(forecast.to_numpy()).all()
    np.testing.assert_allclose(forecast["b"], 5.0)  # a constant series stays constant


def test_no_forecast_possible_is_refused_with_the_minimum():
    y = pd.Series([1.0, 2.0, 3.0])
    X = pd.DataFrame({"x": [0.0, 1.0, 0.0]})
    with pytest.raises(ValueError, match=r"every series has fewer than 7 observations \(horizon=6 \+ 1\)"):
        AutoRNNForecaster(6, random_state=0).fit(X, y)


def test_non_negative_data_give_non_negative_forecasts():
    # a count series falling towards zero: no forecast below zero
    y = pd.Series(np.r_[np.linspace(40, 1, 50), np.zeros(10)], index=pd.period_range("2000", periods=60, freq="Q"))
    forecast = AutoRNNForecaster(8, n_members=1, random_state=0).fit(None, y).forecast(8)
    assert (forecast >= 0).all()


def test_combine_rnn_uses_the_nets_alone_and_the_time_budget_limits_the_nets(tmp_path):
    y = monthly()
    f = AutoRNNForecaster(6, n_members=3, combine="rnn", time_budget=1e-6, random_state=0).fit(None, y)
    assert f.weights_ == {"rnn": 1.0}
    assert len(f.members_) == 1  # the budget was spent after the first net; at least one is always trained
    # ... and its training stopped after one epoch (TimeLimit), as every net's would at the budget
    (member,) = f.config_["members"]
    assert member["epochs"] == 1 and member["stopped_by_budget"] is True
    # the time limit was this fit's: the fitted nets keep no callback, and the model saves and loads
    assert f.members_[0].estimator.callbacks is None and f.members_[0].estimator_.callbacks is None
    path = tmp_path / "auto"
    seqforecast.save(f, path)
    pd.testing.assert_series_equal(seqforecast.load(path).forecast(6), f.forecast(6))


def test_forecast_longer_than_the_horizon_is_refused():
    f = AutoRNNForecaster(3, n_members=1, combine="rnn", random_state=0).fit(None, monthly(48))
    with pytest.raises(ValueError, match="was fitted to forecast 3 steps ahead; 4 were asked for"):
        f.forecast(4)


def test_bad_parameters_are_refused_at_fit():
    with pytest.raises(ValueError, match="The 'combine' parameter of AutoRNNForecaster must be a str among"):
        AutoRNNForecaster(6, combine="best").fit(None, monthly())
    with pytest.raises(ValueError, match="The 'horizon' parameter of AutoRNNForecaster must be an int"):
        AutoRNNForecaster(0).fit(None, monthly())


@pytest.mark.parametrize("n", [14, 26, 78])
def test_lengths_where_early_origins_leave_few_windows(n):
    # 14 and 26 monthly values with horizon 12: an early holdout origin leaves too little for a net; 78: a
    # net has a single training window there (no validation tail for early stopping). All are forecast.
    y = monthly(n)
    forecast = AutoRNNForecaster(12, n_members=1, random_state=0).fit(None, y).forecast(12)
    assert np.isfinite(forecast).all() and len(forecast) == 12


def test_paired_t_by_hand():
    # d = [-1, 0, -2]: mean -1, sd 1, t = -1 / (1 / sqrt(3))
    assert _paired_t([1.0, 2.0, 3.0], [2.0, 2.0, 5.0]) == pytest.approx(-np.sqrt(3.0), rel=1e-12)
    assert _paired_t([1.0, 1.0], [2.0, 2.0]) == -np.inf  # lower everywhere by the same amount
    assert _paired_t([2.0, 2.0], [2.0, 2.0]) == 0.0
    assert np.isnan(_paired_t([1.0], [2.0]))  # one pair shows nothing


def _holdout(theta_errors, arima_errors):
    """One series, one origin per error pair, horizon 1, truth 0, scale 1: each forecaster's MASE at an origin
    is its forecast's absolute value."""
    return [
        ({"theta": np.array([[t]]), "arima": np.array([[a]])}, np.zeros((1, 1)), np.ones(1), [np.ones(5)], [])
        for t, a in zip(theta_errors, arima_errors)
    ]


def test_switch_critical_is_students_one_sided_5_percent_quantile():
    # t tables (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2): t(0.95; 2) = 2.920, t(0.95; 10) = 1.812,
    # t(0.95; 100) = 1.660; no test with fewer than two scores
    assert switch_critical(3) == pytest.approx(2.920, abs=5e-4)
    assert switch_critical(11) == pytest.approx(1.812, abs=5e-4)
    assert switch_critical(101) == pytest.approx(1.660, abs=5e-4)
    assert switch_critical(1) == np.inf


def test_the_best_replaces_arima_only_when_clearly_better():
    f = AutoRNNForecaster(1)
    # Theta lower on average but not at every origin: d = [-1, -1, 1], mean -1/3, sd 2/sqrt(3), t = -0.5
    # (not below -2.920, Student's t quantile 0.95 with 2 degrees of freedom): ARIMA stays
    table, weights = f._choose(["theta", "arima"], _holdout([1.0, 1.0, 4.0], [2.0, 2.0, 3.0]), False)
    assert table.loc[0, "candidate"] == "theta" and table.loc[0, "t_vs_arima"] == pytest.approx(-0.5)
    assert weights == {"theta": 0.0, "arima": 1.0}
    assert table.loc[table["chosen"], "candidate"].tolist() == ["arima"]
    # Theta lower at every origin: chosen
    table, weights = f._choose(["theta", "arima"], _holdout([1.0, 1.1, 0.9], [2.0, 2.0, 2.1]), False)
    assert weights == {"theta": 1.0, "arima": 0.0} and table.loc[0, "chosen"]
    # d = [-1, -1, -0.2]: mean -0.7333, sd 0.4619, t = -2.75: below the normal -1.645 but not below -2.920
    # (three scores: two degrees of freedom), so ARIMA stays
    table, weights = f._choose(["theta", "arima"], _holdout([1.0, 1.0, 1.8], [2.0, 2.0, 2.0]), False)
    assert table.loc[0, "t_vs_arima"] == pytest.approx(-2.75, abs=0.01)
    assert weights == {"theta": 0.0, "arima": 1.0}
    # without ARIMA among the components, the best is chosen whatever its margin
    one = [
        (
            {"theta": np.array([[1.0]]), "seasonal_naive": np.array([[1.5]])},
            np.zeros((1, 1)),
            np.ones(1),
            [np.ones(5)],
            [],
        )
    ]
    table, weights = f._choose(["theta", "seasonal_naive"], one, False)
    assert weights == {"theta": 1.0, "seasonal_naive": 0.0} and np.isnan(table["t_vs_arima"]).all()


def _two_nets_holdout(columns):
    """Two series (``columns`` of them kept), one origin, horizon 1, truth 0, scale 1: the holdout nets
    forecast 3 and -1 (series 0), 4 and 2 (series 1); their mean 1 and 3; Theta 1.9 on both."""
    nets = [np.array([[3.0, 4.0]])[:, columns], np.array([[-1.0, 2.0]])[:, columns]]
    forecasts = {"rnn": np.mean(nets, axis=0), "theta": np.full((1, 2), 1.9)[:, columns]}
    truth, scales = np.zeros((1, len(columns))), np.ones(len(columns))
    return [(forecasts, truth, scales, [np.ones(5)] * len(columns), nets)]


def test_a_collection_scores_the_nets_as_the_final_ensemble():
    # e1: each net alone, averaged; e2: their mean; score of 6 nets = e2 - (e1 - e2) (1 - 2/6) / (2 - 1).
    # nets alone: series 0 e1 = (3 + 1) / 2 = 2, e2 = 1 -> 1 - 1 * 2/3 = 1/3; series 1 e1 = e2 = 3 (both nets
    # above the truth): mean (1/3 + 3) / 2 = 5/3.
    # 0.75 nets + 0.25 theta (0.475): series 0 with each net 2.725 and -0.275, e1 = 1.5, e2 = 1.225 ->
    # 1.225 - 0.275 * 2/3 = 1.041667; series 1 e1 = e2 = 2.725: mean 1.883333.
    # 0.5 / 0.5: every combination on one side of the truth, no change: (1.45 + 2.45) / 2 = 1.95. Theta 1.9.
    table, weights = AutoRNNForecaster(1)._choose(["rnn", "theta"], _two_nets_holdout([0, 1]), False)
    scores = dict(zip(table["candidate"], table["mase"]))
    assert scores == pytest.approx(
        {"rnn": 5 / 3, "0.75 rnn + 0.25 theta": 1.883333, "0.5 rnn + 0.5 theta": 1.95, "theta": 1.9}, abs=1e-6
    )
    assert weights == {"rnn": 1.0, "theta": 0.0}
    # scored as they are (the final ensemble has the holdout's 2 nets): nets 2.0, Theta 1.9 is chosen
    table, weights = AutoRNNForecaster(1, n_members=2)._choose(["rnn", "theta"], _two_nets_holdout([0, 1]), False)
    assert dict(zip(table["candidate"], table["mase"]))["rnn"] == pytest.approx(2.0)
    assert weights == {"rnn": 0.0, "theta": 1.0}
    # one series: never extrapolated (series 0 alone: the nets' mean scores 1, not 1/3)
    table, _ = AutoRNNForecaster(1)._choose(["rnn", "theta"], _two_nets_holdout([0]), False)
    assert dict(zip(table["candidate"], table["mase"]))["rnn"] == pytest.approx(1.0)
