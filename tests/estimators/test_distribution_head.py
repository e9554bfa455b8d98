"""RNNRegressor with a distribution head (loss="gaussian", "student_t", "negative_binomial"): the likelihood
losses against scipy, the parameter transform, predict / predict_distribution / predict_recursive, sample paths
that carry the state (against a hand-rolled loop), the refusals, and model files."""

import copy
import re

import numpy as np
import pytest
import torch
from scipy import stats

from seqforecast.estimators import RNNRegressor
from seqforecast.estimators.losses import (
    DISTRIBUTION_LOSSES,
    REGRESSION_LOSSES,
    GaussianNLL,
    NegativeBinomialNLL,
    StudentTNLL,
)
from seqforecast.nets import DISTRIBUTIONS, MIN_SCALE, RecurrentNet, distribution_parameters
from seqforecast.persistence import load, save

FAST = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 1))
    return X, 0.8 * X[:, -1, 0] + 0.3 * rng.normal(size=40)


@pytest.fixture(scope="module")
def gaussian(data):
    return RNNRegressor(loss="gaussian", cell="lstm", **FAST).fit(*data)


# ---------------------------------------------------------------------------- the losses
def test_one_loss_per_head_the_nets_build():
    assert set(DISTRIBUTION_LOSSES) == set(DISTRIBUTIONS)
    assert all(REGRESSION_LOSSES[name] is cls for name, cls in DISTRIBUTION_LOSSES.items())


@pytest.mark.parametrize("seed", range(3))
def test_gaussian_nll_is_scipys_logpdf(seed):
    rng = np.random.RandomState(seed)
    y, loc, scale = rng.normal(size=(6, 2)) * 3, rng.normal(size=(6, 2)), rng.uniform(0.1, 3, size=(6, 2))
    params = torch.from_numpy(np.stack([loc, scale], axis=-1))  # [6, 2, P]
    got = GaussianNLL()(params, torch.from_numpy(y)).item()
    assert got == pytest.approx(-stats.norm.logpdf(y, loc, scale).mean(), rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_student_t_nll_is_scipys_logpdf(seed):
    rng = np.random.RandomState(seed)
    y, loc, scale = rng.normal(size=(6, 2)) * 3, rng.normal(size=(6, 2)), rng.uniform(0.1, 3, size=(6, 2))
    df = rng.uniform(2.01, 30, size=(6, 2))
    params = torch.from_numpy(np.stack([loc, scale, df], axis=-1))
    got = StudentTNLL()(params, torch.from_numpy(y)).item()
    assert got == pytest.approx(-stats.t.logpdf(y, df, loc, scale).mean(), rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_negative_binomial_nll_is_scipys_logpmf(seed):
    rng = np.random.RandomState(seed)
    y = rng.poisson(4, size=(6, 2)).astype(float)
    mean, dispersion = rng.uniform(0.1, 10, size=(6, 2)), rng.uniform(1e-3, 2, size=(6, 2))
    params = torch.from_numpy(np.stack([mean, dispersion], axis=-1))
    got = NegativeBinomialNLL()(params, torch.from_numpy(y)).item()
    r = 1 / dispersion  # scipy's nbinom(n, p): mean n (1 - p) / p, so p = r / (r + mean)
    assert got == pytest.approx(-stats.nbinom.logpmf(y, r, r / (r + mean)).mean(), rel=1e-10)


@pytest.mark.parametrize("cls", [GaussianNLL, StudentTNLL, NegativeBinomialNLL])
def test_numpy_draws_have_the_distributions_mean_and_variance(cls):
    params = {"gaussian": [1.5, 2.0], "student_t": [1.5, 2.0, 6.0], "negative_binomial": [3.0, 0.5]}[cls.name]
    draws = cls.sample(np.tile(params, (200_000, 1)), np.random.default_rng(0))
    dist = cls.distribution(torch.tensor(params, dtype=torch.float64))
    assert draws.mean() == pytest.approx(dist.mean.item(), abs=0.03)
    assert draws.var() == pytest.approx(dist.variance.item(), rel=0.05)


# ---------------------------------------------------------------------------- the head
@pytest.mark.parametrize("seed", range(5))
def test_distribution_parameters_are_in_their_domains_for_any_raw_output(seed):
    rng = np.random.RandomState(seed)
    raw = torch.from_numpy(rng.standard_cauchy(size=(100, 3)) * 10.0 ** rng.randint(-3, 4))
    gauss, student, counts = (distribution_parameters(raw[:, : len(DISTRIBUTIONS[d])], d) for d in DISTRIBUTIONS)
    assert torch.equal(gauss[:, 0], raw[:, 0]) and torch.equal(student[:, 0], raw[:, 0])
    assert (gauss[:, 1] >= MIN_SCALE).all() and (student[:, 1] >= MIN_SCALE).all() and (student[:, 2] >= 2).all()
    assert (counts >= MIN_SCALE).all()


def test_recurrent_net_with_a_distribution_head_emits_its_parameters():
    net = RecurrentNet(2, 3, hidden_size=4, distribution="student_t").double()
    X = torch.from_numpy(np.random.RandomState(0).normal(size=(5, 4, 2)))
    out = net(X)
    assert out.shape == (5, 3, 3)
    state = net.encode(X)
    torch.testing.assert_close(net.readout(state), out)


@pytest.mark.parametrize(
    "kwargs, what",
    [(dict(output="sequence"), "output='sequence'"), (dict(quantiles=(0.1, 0.9)), "quantiles=[0.1, 0.9]")],
)
def test_recurrent_net_refuses_a_distribution_head_it_cannot_have(kwargs, what):
    msg = (
        "RecurrentNet: a distribution head (distribution='gaussian') predicts one distribution per output of the "
        f"last step, so it needs output='last' and no quantiles; got {what}."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RecurrentNet(2, 1, distribution="gaussian", **kwargs)


# ---------------------------------------------------------------------------- predict
def test_predict_is_the_mean_and_predict_distribution_every_parameter(gaussian, data):
    X, _ = data
    params = gaussian.predict_distribution(X[:7])
    assert list(params) == ["loc", "scale"]
    assert all(value.shape == (7, 1) for value in params.values())
    assert (params["scale"] > 0).all()
    np.testing.assert_array_equal(gaussian.predict(X[:7]), params["loc"][:, 0])
    assert gaussian.distribution_ == "gaussian" and gaussian.quantiles_ is None


def test_several_outputs_and_student_t(data):
    X, y = data
    est = RNNRegressor(loss="student_t", **FAST).fit(X, np.stack([y, -y], axis=1))
    params = est.predict_distribution(X[:4])
    assert list(params) == ["loc", "scale", "df"] and params["df"].shape == (4, 2) and (params["df"] > 2).all()
    np.testing.assert_array_equal(est.predict(X[:4]), params["loc"])
    assert not est.can_carry_state()  # two outputs: nothing to feed back


def test_predict_recursive_feeds_back_the_mean(gaussian, data):
    X, _ = data
    out = gaussian.predict_recursive(X[:3], 3)
    np.testing.assert_array_equal(out[:, 0], gaussian.predict(X[:3]))
    module = copy.deepcopy(gaussian.net_.module_).double().eval()
    with torch.no_grad():
        state = module.encode(torch.from_numpy(X[:3].astype(np.float32)).double())
        mean = module.readout(state)[:, 0, 0]  # [S, 1, P] -> the mean [S]
        for k in range(1, 3):
            params, state = module.step(mean[:, None], state)
            mean = params[:, 0, 0]
            np.testing.assert_array_equal(out[:, k], mean.numpy())


# ---------------------------------------------------------------------------- sample paths
def _hand_rolled_paths(est, X, n_steps, n_paths, seed, covariates=None):
    """Sample paths by hand: the fitted module in float64, the window (float32, as the estimator reads it) read
    once, the state repeated per path, then one Gaussian draw per path and step (loc + scale * z, z from one
    numpy generator) fed back."""
    module = copy.deepcopy(est.net_.module_).double().eval()
    rng = np.random.default_rng(seed)
    n_series = len(X)
    with torch.no_grad():
        h, c = module.encode(torch.from_numpy(X.astype(np.float32)).double())  # LSTM: [L, S, H] each
        params = np.repeat(module.readout((h, c))[:, 0].numpy(), n_paths, axis=0)  # [S, 2] -> [S*N, 2]
        h, c = h.repeat_interleave(n_paths, dim=1), c.repeat_interleave(n_paths, dim=1)  # [L, S*N, H]
        paths = np.empty((n_series * n_paths, n_steps))
        for k in range(n_steps):
            if k:
                x = paths[:, k - 1 : k]
                if covariates is not None:
                    x = np.hstack([x, np.repeat(covariates[:, k - 1], n_paths, axis=0)])
                out, (h, c) = module.step(torch.from_numpy(x), (h, c))
                params = out[:, 0].numpy()
            paths[:, k] = params[:, 0] + params[:, 1] * rng.standard_normal(n_series * n_paths)
    return paths.reshape(n_series, n_paths, n_steps)


def test_sample_paths_equal_a_hand_rolled_loop_over_step(gaussian, data):
    X, _ = data
    got = gaussian.sample_recursive(X[:3], 4, 5, random_state=7)
    assert got.shape == (3, 5, 4)
    np.testing.assert_array_equal(got, _hand_rolled_paths(gaussian, X[:3], 4, 5, seed=7))


def test_sample_paths_with_step_features_equal_a_hand_rolled_loop():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(30, 4, 2))
    est = RNNRegressor(loss="gaussian", **FAST).fit(X, X[:, -1, 0] + X[:, -1, 1])
    cov = rng.normal(size=(2, 2, 1))  # per sequence: [S, n_steps - 1, F - 1]
    got = est.sample_recursive(X[:2], 3, 4, step_features=cov, random_state=3)
    np.testing.assert_array_equal(got, _hand_rolled_paths(est, X[:2], 3, 4, seed=3, covariates=cov))


def test_sample_paths_are_reproducible_and_differ_between_seeds(gaussian, data):
    X, _ = data
    first = gaussian.sample_recursive(X[:2], 3, 6, random_state=0)
    np.testing.assert_array_equal(first, gaussian.sample_recursive(X[:2], 3, 6, random_state=0))
    np.testing.assert_array_equal(first, gaussian.sample_recursive(X[:2], 3, 6, random_state=np.random.default_rng(0)))
    assert not np.allclose(first, gaussian.sample_recursive(X[:2], 3, 6, random_state=1))
    assert np.unique(first[:, :, 0]).size == 12  # paths differ from the first step


def test_sample_paths_leave_torchs_global_generator_alone(gaussian, data):
    before = torch.get_rng_state()
    gaussian.sample_recursive(data[0][:2], 3, 4, random_state=0)
    assert torch.equal(before, torch.get_rng_state())


def test_negative_binomial_paths_are_counts():
    rng = np.random.RandomState(0)
    counts = rng.poisson(3.0, size=(60, 6)).astype(float)
    est = RNNRegressor(loss="negative_binomial", **FAST).fit(counts[:, :5, None], counts[:, 5])
    assert (est.predict(counts[:, 1:, None]) > 0).all()
    paths = est.sample_recursive(counts[:4, 1:, None], 5, 20, random_state=0)
    assert (paths >= 0).all() and np.array_equal(paths, np.round(paths))
    assert list(est.predict_distribution(counts[:2, 1:, None])) == ["mean", "dispersion"]


# ---------------------------------------------------------------------------- refusals
def test_negative_binomial_refuses_negative_targets(data):
    X, y = data
    msg = (
        "RNNRegressor with loss='negative_binomial' models counts, which are >= 0; y holds 1 negative value(s), the "
        "first y[3] = -2.0. Use loss='gaussian' or 'student_t' for real-valued targets."
    )
    y = np.abs(np.round(y * 10))
    y[3] = -2.0
    with pytest.raises(ValueError, match=re.escape(msg)):
        RNNRegressor(loss="negative_binomial", **FAST).fit(X, y)


@pytest.mark.parametrize("architecture", ["many_to_many", "seq2seq"])
def test_distribution_heads_are_many_to_one_only(data, architecture):
    X, _ = data
    y = X[:, :, 0] if architecture == "many_to_many" else X[:, :2, 0]
    msg = (
        "RNNRegressor: loss='gaussian' trains a distribution head, which predicts one distribution per output of a "
        f"sequence (architecture='many_to_one'); architecture={architecture!r} has none. Use "
        "architecture='many_to_one' (a 1-D y, or a 2-D y for several outputs), or another loss."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RNNRegressor(loss="gaussian", architecture=architecture, **FAST).fit(X, y)


@pytest.mark.parametrize("method", ["predict_distribution", "sample_recursive"])
def test_point_nets_have_no_distribution(data, method):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    msg = (
        f"RNNRegressor.{method} needs a net with a distribution head; this one was fitted with another loss and "
        "predicts no distribution. Refit with RNNRegressor(loss='gaussian'), 'student_t' or 'negative_binomial' "
        "(counts)."
    )
    args = (X[:2],) if method == "predict_distribution" else (X[:2], 2, 3)
    with pytest.raises(ValueError, match=re.escape(msg)):
        getattr(est, method)(*args)


def test_sample_paths_need_a_net_that_carries_its_state(data):
    X, y = data
    est = RNNRegressor(loss="gaussian", bidirectional=True, **FAST).fit(X, y)
    msg = (
        "RNNRegressor.sample_recursive carries the recurrent state forward in time and feeds back one predicted "
        "value, so it needs a unidirectional many_to_one net with one output; this one was fitted with "
        "bidirectional=True. Call predict on each new window instead."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.sample_recursive(X[:2], 2, 3)


# ---------------------------------------------------------------------------- model files
def test_distribution_head_round_trips_through_a_model_file(gaussian, data, tmp_path):
    X, _ = data
    save(gaussian, tmp_path / "net.sfm")
    loaded = load(tmp_path / "net.sfm")
    assert loaded.distribution_ == "gaussian"
    for key, value in gaussian.predict_distribution(X).items():
        np.testing.assert_array_equal(loaded.predict_distribution(X)[key], value)
    np.testing.assert_array_equal(
        loaded.sample_recursive(X[:2], 3, 4, random_state=0), gaussian.sample_recursive(X[:2], 3, 4, random_state=0)
    )


def test_a_saved_net_of_another_distribution_is_refused(gaussian):
    est = copy.deepcopy(gaussian)
    state = est._get_net_state()
    state["module_kwargs"] = {**state["module_kwargs"], "distribution": "student_t"}
    msg = "the net's settings disagree with RNNRegressor's: distribution='student_t' (expected 'gaussian')"
    with pytest.raises(ValueError, match=re.escape(msg)):
        est._set_net_state(state)
