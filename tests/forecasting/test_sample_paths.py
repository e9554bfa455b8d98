"""RecursiveForecaster over RNNRegressor with a distribution head: sample paths that carry the net's state
(against a hand-rolled loop over the net's step), their layout and seeds, quantiles and intervals from the
paths, counts, the refusals, model files, and the calibration of intervals on simulated AR(1) data."""

import copy
import re

import numpy as np
import pandas as pd
import pytest
import torch

from seqforecast.estimators import RNNRegressor
from seqforecast.estimators.losses import DISTRIBUTION_LOSSES
from seqforecast.forecasting import DirectForecaster, RecursiveForecaster
from seqforecast.forecasting._sample_paths import INTERVAL_PATHS, INTERVAL_SEED, LIKELIHOOD_LOSSES
from seqforecast.persistence import load, save

NET = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0)
L = 6


@pytest.fixture(scope="module")
def y():
    rng = np.random.RandomState(0)
    index = pd.date_range("2021-01-01", periods=60, freq="D")
    # two series of very different levels and scales: scaling must be undone per series
    return pd.DataFrame(
        {"small": 10 + rng.normal(size=60).cumsum(), "large": 1000 + 50 * rng.normal(size=60)}, index=index
    )


@pytest.fixture(scope="module")
def model(y):
    return RecursiveForecaster(RNNRegressor(loss="gaussian", cell="gru", **NET), window_length=L).fit(None, y)


def _hand_rolled_paths(model, y, steps, n_paths, seed):
    """Sample paths by hand, in original units: the last window scaled with the training statistics (float32, as
    the net reads it), read once by the fitted module (float64); the state repeated per path; then at each step
    one Gaussian draw per path (loc + scale * z, z from one numpy generator) fed back through ``step``."""
    module = copy.deepcopy(model.estimator_.net_.module_).double().eval()
    window = ((y.to_numpy()[-L:] - model.scale_loc_) / model.scale_).T[:, :, None]  # [S, L, 1]
    rng, n_series = np.random.default_rng(seed), y.shape[1]
    z = np.empty((n_series * n_paths, steps))
    with torch.no_grad():
        state = module.encode(torch.from_numpy(window.astype(np.float32)).double())  # GRU: [1, S, H]
        params = np.repeat(module.readout(state)[:, 0].numpy(), n_paths, axis=0)  # [S, 2] -> [S*N, 2]
        state = state.repeat_interleave(n_paths, dim=1)  # [1, S*N, H]: path p of series j is row j*N + p
        for k in range(steps):
            if k:
                out, state = module.step(torch.from_numpy(z[:, k - 1 : k]), state)
                params = out[:, 0].numpy()
            z[:, k] = params[:, 0] + params[:, 1] * rng.standard_normal(n_series * n_paths)
    paths = z.reshape(n_series, n_paths, steps).transpose(2, 0, 1)  # [S*N, H] -> [H, S, N]
    return paths * model.scale_[:, None] + model.scale_loc_[:, None]


def _paths(frame, n_series):
    return frame.to_numpy().reshape(len(frame), n_series, -1)  # [H, S*N] -> [H, S, N]


# ---------------------------------------------------------------------------- the paths
def test_sample_paths_equal_a_hand_rolled_loop_over_step(model, y):
    got = model.forecast_samples(4, n_samples=5, random_state=11)
    np.testing.assert_array_equal(_paths(got, 2), _hand_rolled_paths(model, y, 4, 5, seed=11))


def test_layout_follows_forecast_quantiles(model, y):
    paths = model.forecast_samples(3, n_samples=4, random_state=0)
    assert paths.shape == (3, 8)
    assert paths.index.equals(pd.date_range("2021-03-02", periods=3, freq="D"))
    assert paths.columns.names == [None, "sample"]
    assert list(paths.columns) == [(name, k) for name in ("small", "large") for k in range(4)]
    series = RecursiveForecaster(RNNRegressor(loss="gaussian", **NET), window_length=L).fit(None, y["small"])
    one = series.forecast_samples(2, n_samples=3, random_state=0)
    assert one.shape == (2, 3) and one.columns.name == "sample" and list(one.columns) == [0, 1, 2]


def test_paths_are_reproducible_and_differ_between_seeds(model):
    first = model.forecast_samples(3, n_samples=6, random_state=0)
    pd.testing.assert_frame_equal(first, model.forecast_samples(3, n_samples=6, random_state=0))
    pd.testing.assert_frame_equal(first, model.forecast_samples(3, n_samples=6, random_state=np.random.default_rng(0)))
    assert not np.allclose(first.to_numpy(), model.forecast_samples(3, n_samples=6, random_state=1).to_numpy())


def test_paths_are_in_original_units(model, y):
    paths = _paths(model.forecast_samples(1, n_samples=400, random_state=0), 2)[0]  # [S, N]
    step = model.estimator_.predict_distribution(((y.to_numpy()[-L:] - model.scale_loc_) / model.scale_).T)
    mean = step["loc"][:, 0] * model.scale_ + model.scale_loc_
    sd = step["scale"][:, 0] * model.scale_
    # 400 draws: the sample mean is within 4 standard errors of the step's mean
    assert (np.abs(paths.mean(axis=1) - mean) < 4 * sd / np.sqrt(400)).all()


def test_point_forecast_stays_the_recursion_on_the_mean(model, y):
    window = ((y.to_numpy()[-L:] - model.scale_loc_) / model.scale_).T[:, :, None]
    z = model.estimator_.predict_recursive(window, 3)  # [S, H]
    np.testing.assert_allclose(model.forecast(3).to_numpy(), z.T * model.scale_ + model.scale_loc_, rtol=1e-12)


def test_quantiles_and_intervals_are_those_of_the_seeded_paths(model):
    paths = _paths(model.forecast_samples(3, n_samples=INTERVAL_PATHS, random_state=INTERVAL_SEED), 2)
    quantiles = model.forecast_quantiles(3, (0.1, 0.5, 0.9))
    expected = np.quantile(paths, [0.1, 0.5, 0.9], axis=2).transpose(1, 2, 0)  # [Q, H, S] -> [H, S, Q]
    np.testing.assert_allclose(_paths(quantiles, 2), expected, rtol=1e-12)
    framed = model.forecast(3, coverage=0.8)
    np.testing.assert_allclose(framed["small_lower"], expected[:, 0, 0], rtol=1e-12)
    np.testing.assert_allclose(framed["large_upper"], expected[:, 1, 2], rtol=1e-12)
    pd.testing.assert_frame_equal(framed[["small", "large"]], model.forecast(3))
    interval = model.predict_interval(pd.DataFrame(index=framed.index[1:]), coverage=0.8)
    np.testing.assert_allclose(interval[("small", "lower")], expected[1:, 0, 0], rtol=1e-12)


def test_paths_from_a_new_context(model, y):
    context = y.iloc[:40] * 2
    paths = model.forecast_samples(2, n_samples=3, y_context=context, random_state=0)
    assert paths.index[0] == context.index[-1] + pd.Timedelta(days=1)
    assert not np.allclose(paths.to_numpy(), model.forecast_samples(2, n_samples=3, random_state=0).to_numpy())


def test_covariates_and_padding_reach_every_step():
    rng = np.random.RandomState(1)
    index = pd.RangeIndex(50)
    X = pd.DataFrame({"c": rng.normal(size=50)}, index=index)
    y = pd.Series(np.cumsum(rng.normal(size=50)), index=index, name="y")
    model = RecursiveForecaster(RNNRegressor(loss="student_t", **NET), window_length=5, min_observations=2)
    model.fit(X, y)
    future = pd.DataFrame({"c": rng.normal(size=3)}, index=pd.RangeIndex(50, 53))
    paths = model.forecast_samples(3, n_samples=4, X=future, random_state=0)
    later = future.mul([1, 10, 10], axis=0)  # the covariates of steps 2 and 3 changed
    other = model.forecast_samples(3, n_samples=4, X=later, random_state=0)
    # step 1 reads its covariates in the window's last row (as the point forecast), later steps with the value
    np.testing.assert_array_equal(paths.iloc[:1], other.iloc[:1])
    assert not np.allclose(paths.iloc[1], other.iloc[1])


def test_negative_binomial_paths_are_counts():
    rng = np.random.RandomState(0)
    y = pd.Series(rng.poisson(np.exp(1 + 0.5 * np.sin(np.arange(80) / 4))).astype(float), name="n")
    model = RecursiveForecaster(RNNRegressor(loss="negative_binomial", **NET), window_length=L, scaling=None)
    paths = model.fit(None, y).forecast_samples(5, n_samples=50, random_state=0).to_numpy()
    assert (paths >= 0).all() and np.array_equal(paths, np.round(paths))
    quantiles = model.forecast_quantiles(5, (0.1, 0.5, 0.9)).to_numpy()
    assert np.array_equal(quantiles, np.round(quantiles))  # quantiles of counts are counts


# ---------------------------------------------------------------------------- without a distribution head
def test_point_nets_have_no_sample_hooks(y):
    model = RecursiveForecaster(RNNRegressor(**NET), window_length=L).fit(None, y)
    for hook in ("_predict_samples", "_predict_quantiles", "_predict_interval"):
        assert not hasattr(model, hook)
    msg = (
        "RecursiveForecaster does not draw sample paths. Use a model that does: RecursiveForecaster with "
        "RNNRegressor(loss='gaussian'), 'student_t' or 'negative_binomial'; or forecast_quantiles."
    )
    with pytest.raises(NotImplementedError, match=re.escape(msg)):
        model.forecast_samples(3)
    with pytest.raises(NotImplementedError, match="does not give prediction intervals"):
        model.forecast(3, coverage=0.8)
    with pytest.raises(NotImplementedError, match="does not draw sample paths"):
        DirectForecaster(RNNRegressor(**NET), window_length=L, horizon=2).fit(None, y).forecast_samples(2)


def test_hooks_are_known_before_fit():
    assert hasattr(RecursiveForecaster(RNNRegressor(loss="student_t")), "_predict_samples")
    assert not hasattr(RecursiveForecaster(RNNRegressor()), "_predict_samples")
    assert not hasattr(RecursiveForecaster(), "_predict_interval")
    assert set(LIKELIHOOD_LOSSES) == set(DISTRIBUTION_LOSSES)


# ---------------------------------------------------------------------------- refusals
def test_carry_state_false_is_refused(y):
    model = RecursiveForecaster(RNNRegressor(loss="gaussian", **NET), window_length=L, carry_state=False).fit(None, y)
    msg = (
        "RecursiveForecaster: sample paths carry the net's recurrent state along each path, but the model was "
        "fitted with carry_state=False (re-encoding the last window at every step). Refit with carry_state=True "
        "for sample paths, quantiles and intervals."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.forecast_samples(2, n_samples=3)


def test_negative_binomial_needs_raw_counts():
    y = pd.Series([1.0, 0.0, 3.0, 2.0] * 5, name="n")
    msg = (
        "RecursiveForecaster: a net with loss='negative_binomial' models counts (integers >= 0) and draws counts; "
        "scaling='series' would train it on scaled, non-integer values and scale its draws back to non-integers. "
        "Set scaling=None (the net then reads the counts as they are), or use loss='gaussian' or 'student_t' "
        "with scaling."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RecursiveForecaster(RNNRegressor(loss="negative_binomial", **NET), window_length=3).fit(None, y)
    y = pd.DataFrame({"a": y, "b": y.where(y.index != 7, -1.0)})
    msg = (
        "RecursiveForecaster (series 'b'): a net with loss='negative_binomial' models counts (>= 0); the series has "
        "1 negative value(s), the first -1.0 at row 7. Use loss='gaussian' or 'student_t'."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RecursiveForecaster(RNNRegressor(loss="negative_binomial", **NET), window_length=3, scaling=None).fit(None, y)


def test_bad_numbers_of_paths_are_refused(model):
    with pytest.raises(
        ValueError, match=re.escape("The 'n_samples' parameter of RecursiveForecaster.forecast_samples")
    ):
        model.forecast_samples(3, n_samples=0)
    with pytest.raises(ValueError, match=re.escape("make 200000000 values, more than 100000000")):
        model.forecast_samples(1000, n_samples=100_000)


# ---------------------------------------------------------------------------- model files
def test_sample_paths_round_trip_through_a_model_file(model, tmp_path):
    save(model, tmp_path / "model.sfm")
    loaded = load(tmp_path / "model.sfm")
    pd.testing.assert_frame_equal(
        loaded.forecast_samples(3, n_samples=4, random_state=2), model.forecast_samples(3, n_samples=4, random_state=2)
    )
    pd.testing.assert_frame_equal(loaded.forecast(3, coverage=0.9), model.forecast(3, coverage=0.9))


# ---------------------------------------------------------------------------- calibration
def _ar1(rng, n_steps, n_series, start, phi=0.6, sigma=1.0):
    out, prev = np.empty((n_steps, n_series)), start
    for t in range(n_steps):
        prev = phi * prev + sigma * rng.normal(size=n_series)
        out[t] = prev
    return out


@pytest.mark.slow
def test_intervals_from_paths_are_calibrated_on_an_ar1():
    """y_t = 0.6 y_(t-1) + e_t, e_t ~ N(0, 1): the predictive distribution h steps ahead is Gaussian with standard
    deviation sqrt(sum_(k<h) 0.36**k), so the central 80 % interval has width 2.5631 (h=1), 2.9892, 3.1284.

    Coverage of fresh continuations from 300 new contexts (one per series): the binomial standard error of an
    80 % coverage over 300 independent series is sqrt(0.8 * 0.2 / 300) = 0.023 per step; the three steps of a
    series are correlated, so their mean has at most that error. Three standard errors (0.07) plus 0.03 for the
    net (a tiny GRU trained for three epochs; Monte Carlo error of 1000 paths is far below) give 0.1. The widths
    are checked against the exact ones to 10 %: the part of calibration a coverage count sees only roughly.
    """
    rng = np.random.default_rng(0)
    n_series, n_steps, stationary_sd = 300, 30, 1 / np.sqrt(1 - 0.36)
    columns = [f"s{j}" for j in range(n_series)]
    history = _ar1(rng, n_steps, n_series, rng.normal(size=n_series) * stationary_sd)
    est = RNNRegressor(loss="gaussian", cell="gru", hidden_size=8, max_epochs=3, batch_size=64, lr=1e-2, random_state=0)
    model = RecursiveForecaster(est, window_length=8, scaling=None).fit(None, pd.DataFrame(history, columns=columns))
    context = _ar1(rng, n_steps, n_series, rng.normal(size=n_series) * stationary_sd)
    truth = _ar1(rng, 3, n_series, context[-1])  # [H, S]
    framed = model.forecast(3, coverage=0.8, y_context=pd.DataFrame(context, columns=columns))
    lower = framed[[f"{c}_lower" for c in columns]].to_numpy()
    upper = framed[[f"{c}_upper" for c in columns]].to_numpy()
    coverage = ((truth >= lower) & (truth <= upper)).mean()
    assert abs(coverage - 0.8) < 0.1, coverage
    exact = 2 * 1.281552 * np.sqrt(np.cumsum(0.36 ** np.arange(3)))  # [H]
    np.testing.assert_allclose((upper - lower).mean(axis=1), exact, rtol=0.1)
