"""RNNRegressor(architecture="seq2seq", attention=...): the parameter's checks, attention_weights (float64, the
weights of the forecasts predict returns), the quantile head with attention, and model files."""

import re

import numpy as np
import pytest
from sklearn.base import clone

from seqforecast.estimators import RNNRegressor
from seqforecast.nets import Seq2SeqNet
from seqforecast.persistence import load, save

FAST = dict(architecture="seq2seq", hidden_size=4, max_epochs=2, batch_size=16, random_state=0)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 5, 2))
    y = np.stack([X[:, 0, 0], X[:, 1, 0], X[:, 2, 1]], axis=1)  # [30, horizon=3]
    return X, y


@pytest.mark.parametrize("attention", ["dot", "additive"])
def test_attention_weights_shape_and_rows(data, attention):
    X, y = data
    est = RNNRegressor(attention=attention, **FAST).fit(X, y)
    weights = est.attention_weights(X)
    assert weights.shape == (30, 3, 5) and weights.dtype == np.float64  # (n_samples, horizon, n_timesteps)
    assert (weights >= 0).all()
    np.testing.assert_allclose(weights.sum(axis=2), 1.0, rtol=0, atol=1e-12)
    assert est.net_.module_.attention.score == attention
    assert est.net_.get_params_for("module")["attention"] == attention


def test_attention_weights_do_not_depend_on_the_batch(data):
    """Computed in float64 as predict is: a row's weights are the same alone and among others."""
    X, y = data
    est = RNNRegressor(attention="dot", **{**FAST, "batch_size": 7}).fit(X, y)
    every = est.attention_weights(X)
    for i in (0, 13, 29):
        np.testing.assert_allclose(est.attention_weights(X[i : i + 1])[0], every[i], rtol=0, atol=1e-15)


def test_no_attention_builds_the_same_net(data):
    """attention=None gives the net and the module settings of earlier versions (model files hold them)."""
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    assert "attention" not in est.net_.get_params_for("module")
    assert est.net_.module_.attention is None
    assert isinstance(est.net_.module_, Seq2SeqNet)


def test_attention_with_a_quantile_head(data):
    X, y = data
    est = RNNRegressor(attention="additive", loss="quantile", **FAST).fit(X, y)
    quantiles = est.predict_quantiles(X)
    assert quantiles.shape == (30, 3, 3)
    assert (np.diff(quantiles, axis=2) >= 0).all()
    np.testing.assert_array_equal(est.predict(X), quantiles[:, :, 1])
    assert est.attention_weights(X).shape == (30, 3, 5)


def test_attention_weights_read_the_fitted_net(data):
    """set_params without a refit changes nothing the fitted model gives."""
    X, y = data
    est = RNNRegressor(attention="dot", **FAST).fit(X, y)
    before = est.attention_weights(X)
    est.set_params(attention=None)
    np.testing.assert_array_equal(est.attention_weights(X), before)


def test_attention_weights_without_attention_is_refused(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "RNNRegressor.attention_weights needs a net fitted with attention; this one was fitted with "
            "architecture='seq2seq' and no attention. Refit with RNNRegressor(architecture='seq2seq', "
            "attention='dot') (or attention='additive')."
        ),
    ):
        est.attention_weights(X)


def test_attention_weights_checks_its_input(data):
    X, y = data
    est = RNNRegressor(attention="dot", **FAST).fit(X, y)
    with pytest.raises(ValueError, match=re.escape("X has 1 features per time step, but RNNRegressor was fitted on 2")):
        est.attention_weights(X[:, :, :1])


@pytest.mark.parametrize("architecture", ["many_to_one", "many_to_many"])
def test_attention_needs_seq2seq(data, architecture):
    X, y = data
    target = y[:, 0] if architecture == "many_to_one" else X[:, :, 0]
    est = RNNRegressor(**{**FAST, "architecture": architecture}, attention="additive")
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"RNNRegressor: attention='additive' is the attention of a seq2seq decoder over the encoder's outputs; "
            f"architecture={architecture!r} has no decoder. Use architecture='seq2seq', or attention=None."
        ),
    ):
        est.fit(X, target)
    assert not hasattr(est, "net_")


def test_a_model_file_keeps_the_attention(data, tmp_path):
    X, y = data
    est = RNNRegressor(attention="additive", **FAST).fit(X, y)
    save(est, tmp_path / "attention.zip")
    loaded = load(tmp_path / "attention.zip")
    assert loaded.attention == "additive"
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    np.testing.assert_array_equal(loaded.attention_weights(X), est.attention_weights(X))


def test_a_net_whose_attention_differs_from_the_parameters_is_refused(data):
    """What load checks: a file whose parameters say no attention, holding a net with attention."""
    X, y = data
    est = RNNRegressor(attention="dot", **FAST).fit(X, y)
    state = est._get_net_state()
    other = clone(est).set_params(attention=None)
    for attr in ("n_features_per_step_", "n_outputs_", "quantiles_", "distribution_", "device_"):
        setattr(other, attr, getattr(est, attr))
    with pytest.raises(
        ValueError,
        match=re.escape("the net's settings disagree with RNNRegressor's: attention='dot' (expected None)"),
    ):
        other._set_net_state(state)
