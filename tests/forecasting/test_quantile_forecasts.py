"""DirectForecaster / Seq2SeqForecaster over RNNRegressor(loss="quantile"): quantile forecasts and intervals from
the net's quantile head, in original units; point nets keep giving no intervals."""

import re

import numpy as np
import pandas as pd
import pytest

from seqforecast.estimators import RNNRegressor
from seqforecast.forecasting import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster
from seqforecast.persistence import load, save

NET = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0)


@pytest.fixture(scope="module")
def y():
    rng = np.random.RandomState(0)
    index = pd.date_range("2021-01-01", periods=60, freq="D")
    # two series of very different levels and scales: scaling must be undone per series
    return pd.DataFrame(
        {"small": 10 + rng.normal(size=60).cumsum(), "large": 1000 + 50 * rng.normal(size=60)}, index=index
    )


@pytest.fixture(scope="module")
def direct(y):
    est = RNNRegressor(**NET, loss="quantile", quantiles=(0.1, 0.25, 0.5, 0.75, 0.9))
    return DirectForecaster(est, window_length=6, horizon=3).fit(None, y)


def test_quantiles_are_the_nets_in_original_units(direct, y):
    quantiles = direct.forecast_quantiles(3, (0.1, 0.25, 0.5, 0.75, 0.9))
    # the last window scaled per series with the training statistics, then the net's quantiles scaled back
    window = ((y.to_numpy()[-6:] - direct.scale_loc_) / direct.scale_).T[:, :, None]  # [S, L, 1]
    z = direct.estimator_.predict_quantiles(window)  # [S, H, Q]
    expected = z * direct.scale_[:, None, None] + direct.scale_loc_[:, None, None]
    for j, name in enumerate(y.columns):
        np.testing.assert_allclose(quantiles[name].to_numpy(), expected[j], rtol=1e-12)
        assert (np.diff(quantiles[name].to_numpy(), axis=1) >= 0).all()
    assert list(quantiles.columns.get_level_values("quantile")[:5]) == [0.1, 0.25, 0.5, 0.75, 0.9]


def test_point_forecast_is_the_median_and_intervals_are_the_outer_levels(direct):
    quantiles = direct.forecast_quantiles(3, (0.1, 0.25, 0.5, 0.75, 0.9))
    point = direct.forecast(3)
    framed = direct.forecast(3, coverage=0.8)
    for name in point.columns:
        np.testing.assert_array_equal(quantiles[(name, 0.5)].to_numpy(), point[name].to_numpy())
        np.testing.assert_array_equal(framed[f"{name}_lower"].to_numpy(), quantiles[(name, 0.1)].to_numpy())
        np.testing.assert_array_equal(framed[f"{name}_upper"].to_numpy(), quantiles[(name, 0.9)].to_numpy())
    interval = direct.predict_interval(pd.DataFrame(index=point.index[:2]), coverage=0.5)
    np.testing.assert_array_equal(interval[("large", "lower")].to_numpy(), quantiles[("large", 0.25)][:2].to_numpy())


def test_levels_between_trained_ones_are_interpolated_linearly(direct):
    q = direct.forecast_quantiles(3, (0.1, 0.2, 0.25, 0.6, 0.75))
    np.testing.assert_allclose(q[("small", 0.2)], q[("small", 0.1)] / 3 + 2 * q[("small", 0.25)] / 3, rtol=1e-12)
    mid = direct.forecast_quantiles(3, (0.5,))[("small", 0.5)]
    np.testing.assert_allclose(q[("small", 0.6)], 0.6 * mid + 0.4 * q[("small", 0.75)], rtol=1e-12)
    framed = direct.forecast(3, coverage=0.6)  # the quantiles 0.2 and 0.8
    np.testing.assert_allclose(framed["small_lower"], q[("small", 0.2)], rtol=1e-12)


def test_levels_outside_the_trained_ones_are_refused(direct):
    message = (
        "DirectForecaster: its net was trained on the quantiles [0.1, 0.25, 0.5, 0.75, 0.9], so it gives quantiles "
        "from 0.1 to 0.9 (interpolated linearly between those levels); got [0.05]. Ask for levels in that range, or "
        "refit with RNNRegressor(loss='quantile', quantiles=...) covering them."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        direct.forecast_quantiles(3, (0.05, 0.5))
    message = (
        "DirectForecaster: an interval of coverage 0.95 lies between the quantiles 0.025 and 0.975, but its net was "
        "trained on the quantiles [0.1, 0.25, 0.5, 0.75, 0.9] (central intervals up to coverage 0.8, interpolated "
        "linearly between levels). Ask for a coverage within that, or refit with RNNRegressor(loss='quantile', "
        "quantiles=(...)) including 0.025 and 0.975."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        direct.forecast(3, coverage=0.95)


def test_seq2seq_forecaster_gives_quantiles_end_to_end(y):
    est = RNNRegressor(**NET, architecture="seq2seq", loss="quantile")
    model = Seq2SeqForecaster(est, window_length=6, horizon=4, scaling="window").fit(None, y["small"])
    quantiles = model.forecast_quantiles(4)
    assert list(quantiles.columns) == [0.1, 0.5, 0.9]
    assert (np.diff(quantiles.to_numpy(), axis=1) >= 0).all()
    np.testing.assert_array_equal(quantiles[0.5].to_numpy(), model.forecast(4).to_numpy())
    framed = model.forecast(2, coverage=0.8)
    np.testing.assert_array_equal(framed["small_upper"].to_numpy(), quantiles[0.9][:2].to_numpy())


def test_point_nets_have_no_quantile_hooks(y):
    point = DirectForecaster(RNNRegressor(**NET), window_length=6, horizon=2)
    assert not hasattr(point, "_predict_interval") and not hasattr(point, "_predict_quantiles")
    assert hasattr(DirectForecaster(RNNRegressor(loss="quantile")), "_predict_interval")  # before fit too
    point.fit(None, y)
    assert getattr(point, "_predict_interval", None) is None
    with pytest.raises(NotImplementedError, match="^DirectForecaster does not give prediction intervals"):
        point.forecast_quantiles(2)
    with pytest.raises(NotImplementedError, match="^DirectForecaster does not give prediction intervals"):
        point.forecast(2, coverage=0.8)
    per_step = DirectForecaster(RNNRegressor(**NET, loss="quantile"), window_length=6, horizon=2, per_step=True)
    assert not hasattr(per_step, "_predict_quantiles")  # one net per step: no quantile head of the forecaster
    assert not hasattr(RecursiveForecaster(RNNRegressor(loss="quantile")), "_predict_quantiles")


def test_quantile_forecaster_round_trips_through_a_model_file(direct, tmp_path):
    save(direct, tmp_path / "direct.zip")
    loaded = load(tmp_path / "direct.zip")
    pd.testing.assert_frame_equal(
        loaded.forecast_quantiles(3, (0.1, 0.3, 0.9)), direct.forecast_quantiles(3, (0.1, 0.3, 0.9))
    )
    pd.testing.assert_frame_equal(loaded.forecast(3, coverage=0.8), direct.forecast(3, coverage=0.8))


def test_a_recursive_forecaster_refuses_a_quantile_net():
    y = pd.Series(np.arange(30.0))
    est = RNNRegressor(loss="quantile", hidden_size=2, max_epochs=1)
    with pytest.raises(ValueError) as info:
        RecursiveForecaster(est, window_length=4).fit(None, y)
    assert str(info.value) == (
        "RecursiveForecaster feeds one value back per step; a net with loss='quantile' gives several quantiles. Use "
        "it in a DirectForecaster or Seq2SeqForecaster (forecast_quantiles, intervals), or give this forecaster a "
        "net with a point loss."
    )


@pytest.mark.parametrize("loss", ["gaussian", "student_t"])
def test_a_direct_distribution_head_gives_the_quantiles_of_each_steps_distribution(loss):
    from scipy import stats

    rng = np.random.default_rng(0)
    y = pd.DataFrame({"a": 50 + rng.normal(size=60).cumsum(), "b": 5 + 0.1 * rng.normal(size=60).cumsum()})
    est = RNNRegressor(loss=loss, hidden_size=4, max_epochs=2, random_state=0)
    f = DirectForecaster(est, window_length=8, horizon=3).fit(None, y)
    q = f.forecast_quantiles(3, (0.05, 0.5, 0.95))
    # by hand: the net's parameters for the last windows, their quantiles, the series scaling undone
    windows, loc, scale = f._last_windows(y.to_numpy(), None, None)
    params = f.estimator_.predict_distribution(windows)
    dist = stats.norm if loss == "gaussian" else stats.t
    args = () if loss == "gaussian" else (params["df"],)
    for level in (0.05, 0.5, 0.95):
        z = dist.ppf(level, *args, loc=params["loc"], scale=params["scale"])  # [S, H]
        np.testing.assert_allclose(q.xs(level, axis=1, level=1).to_numpy(), (z * scale[:, None] + loc[:, None]).T)
    np.testing.assert_allclose(q.xs(0.5, axis=1, level=1).to_numpy(), f.forecast(3).to_numpy())  # symmetric
    bounds = f.forecast(3, coverage=0.9)
    np.testing.assert_allclose(bounds["a_lower"], q[("a", 0.05)])
    np.testing.assert_allclose(bounds["b_upper"], q[("b", 0.95)])


def test_a_direct_negative_binomial_head_needs_counts_unscaled():
    y = pd.Series(np.arange(40.0) % 7)
    est = RNNRegressor(loss="negative_binomial", hidden_size=2, max_epochs=1)
    with pytest.raises(ValueError, match=r"^DirectForecaster: a net with loss='negative_binomial' models counts"):
        DirectForecaster(est, window_length=6, horizon=2).fit(None, y)
    f = DirectForecaster(est.set_params(random_state=0), window_length=6, horizon=2, scaling=None).fit(None, y)
    q = f.forecast_quantiles(2, (0.1, 0.5, 0.9)).to_numpy()
    assert (q == np.round(q)).all() and (q >= 0).all() and (np.diff(q, axis=1) >= 0).all()


@pytest.mark.parametrize("aggregate", ["mean", "median"])
def test_an_ensemble_of_quantile_nets_combines_their_quantiles_level_by_level(aggregate):
    from seqforecast.forecasting import EnsembleForecaster

    rng = np.random.default_rng(0)
    y = pd.DataFrame({"a": 50 + rng.normal(size=60).cumsum(), "b": 5 + 0.1 * rng.normal(size=60).cumsum()})
    net = RNNRegressor(loss="quantile", quantiles=(0.05, 0.5, 0.95), hidden_size=4, max_epochs=2, random_state=0)
    ens = EnsembleForecaster(DirectForecaster(net, window_length=8, horizon=3), n_members=3, aggregate=aggregate)
    ens.fit(None, y)
    levels = (0.05, 0.5, 0.95)
    members = np.stack([m._predict_quantiles(3, y.to_numpy(), None, None, levels) for m in ens.forecasters_])
    expected = members.mean(axis=0) if aggregate == "mean" else np.median(members, axis=0)  # [H, S, Q]
    got = ens.forecast_quantiles(3, levels).to_numpy().reshape(3, 2, 3)
    np.testing.assert_allclose(got, expected)
    assert (np.diff(got, axis=2) >= 0).all()
    bounds = ens.forecast(3, coverage=0.9)
    np.testing.assert_allclose(bounds[["a_lower", "b_lower"]].to_numpy(), expected[:, :, 0])
    np.testing.assert_allclose(bounds[["a_upper", "b_upper"]].to_numpy(), expected[:, :, 2])
    # an ensemble of members without intervals has none
    plain = EnsembleForecaster(DirectForecaster(RNNRegressor(hidden_size=2, max_epochs=1), window_length=8, horizon=3))
    assert not hasattr(plain, "_predict_interval") and not hasattr(plain, "_predict_quantiles")
