"""RNNRegressor(loss="quantile"): the pinball loss, the non-crossing quantile head, predict / predict_quantiles,
the refusals, model files, and the calibration of the learned quantiles on data with known noise."""

import re

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

from seqforecast.estimators import RNNRegressor
from seqforecast.estimators.losses import PinballLoss
from seqforecast.evaluation.probabilistic import pinball_loss
from seqforecast.nets import RecurrentNet, Seq2SeqNet, median_index, monotone_quantiles
from seqforecast.persistence import load, save

FAST = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0, loss="quantile")
HINT = "Give probabilities strictly between 0 and 1, in increasing order, without duplicates, e.g. (0.1, 0.5, 0.9)."


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 2))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


# ---------------------------------------------------------------------------- the loss
@pytest.mark.parametrize("seed", range(3))
def test_pinball_loss_module_equals_the_metric(seed):
    rng = np.random.RandomState(seed)
    levels = np.sort(rng.uniform(0.01, 0.99, size=4))
    y = rng.normal(size=(7, 3)) * 10
    q = rng.normal(size=(7, 3, 4)) * 10
    got = PinballLoss(levels)(torch.from_numpy(q), torch.from_numpy(y)).item()
    # the module keeps its levels in float32 (as the net trains): 1e-7 relative on tau, hence rtol
    assert got == pytest.approx(pinball_loss(y, q, levels), rel=1e-6)


def test_pinball_loss_keeps_its_levels_as_state():
    loss = PinballLoss((0.25, 0.75))
    assert list(loss.state_dict()) == ["quantiles"]
    assert PinballLoss(loss.state_dict()["quantiles"]).quantiles.tolist() == [0.25, 0.75]


# ---------------------------------------------------------------------------- non-crossing by construction
@pytest.mark.parametrize("seed", range(20))
def test_monotone_quantiles_never_cross_for_any_raw_output(seed):
    rng = np.random.RandomState(seed)
    n_levels = rng.randint(1, 8)
    raw = torch.from_numpy(rng.standard_cauchy(size=(50, 3, n_levels)) * 10.0 ** rng.randint(-3, 4))
    q = monotone_quantiles(raw, rng.randint(n_levels))
    assert q.shape == raw.shape
    assert (torch.diff(q, dim=-1) >= 0).all()


@pytest.mark.parametrize("seed", range(10))
def test_net_quantiles_never_cross_for_random_weights_and_inputs(seed):
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    levels = tuple(np.sort(rng.choice(np.arange(1, 20) / 20, size=rng.randint(2, 6), replace=False)))
    X = torch.from_numpy(rng.normal(size=(16, 6, 2)) * 5)
    for net in (
        RecurrentNet(2, 3, hidden_size=4, cell="gru", quantiles=levels),
        Seq2SeqNet(2, 4, hidden_size=4, quantiles=levels),
    ):
        for param in net.parameters():  # far from the initial weights
            torch.nn.init.normal_(param, std=3.0)
        out = net.double()(X)
        assert out.shape[-1] == len(levels)
        assert (torch.diff(out, dim=-1) >= 0).all()


def test_the_median_is_the_level_closest_to_one_half():
    assert median_index((0.1, 0.5, 0.9)) == 1
    assert median_index((0.2, 0.45, 0.7, 0.9)) == 1
    assert median_index((0.25, 0.75)) == 0  # the lower of two equally close
    assert median_index((0.6, 0.9)) == 0


# ---------------------------------------------------------------------------- predict and predict_quantiles
@pytest.mark.parametrize(
    ("architecture", "y_cols", "expected_shape"),
    [("many_to_one", None, (40, 1, 4)), ("many_to_one", 3, (40, 3, 4)), ("seq2seq", 3, (40, 3, 4))],
)
def test_predict_is_the_median_column_of_predict_quantiles(data, architecture, y_cols, expected_shape):
    X, y = data
    y = y if y_cols is None else np.stack([y * (k + 1) for k in range(y_cols)], axis=1)
    est = RNNRegressor(**FAST, architecture=architecture, quantiles=(0.2, 0.45, 0.7, 0.9)).fit(X, y)
    quantiles = est.predict_quantiles(X)
    assert quantiles.shape == expected_shape
    assert quantiles.dtype == np.float64
    assert (np.diff(quantiles, axis=2) >= 0).all()
    pred = est.predict(X)
    assert pred.shape == y.shape
    np.testing.assert_array_equal(pred.reshape(len(X), -1), quantiles[:, :, 1])  # 0.45 is closest to 0.5
    assert est.quantiles_.tolist() == [0.2, 0.45, 0.7, 0.9]


def test_default_levels_and_training_on_the_pinball_loss(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    assert est.quantiles_.tolist() == [0.1, 0.5, 0.9]
    assert isinstance(est.net_.criterion_, PinballLoss)
    assert est.net_.criterion_.quantiles.tolist() == pytest.approx([0.1, 0.5, 0.9])
    assert not est.can_carry_state()


def test_other_losses_ignore_quantiles(data):
    X, y = data
    est = RNNRegressor(**{**FAST, "loss": "absolute_error"}, quantiles=(0.9, 0.1)).fit(X, y)
    assert est.quantiles_ is None
    assert est.predict(X).shape == (40,)
    assert est.can_carry_state()


def test_quantile_net_round_trips_through_a_model_file(data, tmp_path):
    X, y = data
    for architecture, target in (("many_to_one", y), ("seq2seq", np.stack([y, -y], axis=1))):
        est = RNNRegressor(**FAST, architecture=architecture, quantiles=(0.05, 0.5, 0.95)).fit(X, target)
        save(est, tmp_path / f"{architecture}.zip")
        loaded = load(tmp_path / f"{architecture}.zip")
        np.testing.assert_array_equal(loaded.predict_quantiles(X), est.predict_quantiles(X))
        np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
        assert loaded.quantiles_.tolist() == [0.05, 0.5, 0.95]


# ---------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("quantiles", "message"),
    [
        (
            (0.5, 0.1),
            "The 'quantiles' parameter of RNNRegressor must be strictly increasing, without duplicates. Got "
            f"[0.5, 0.1] instead. {HINT}",
        ),
        (
            (0.1, 1.0),
            f"The 'quantiles' parameter of RNNRegressor must be a float in the range (0.0, 1.0). Got 1.0 instead. "
            f"{HINT}",
        ),
        ((), f"The 'quantiles' parameter of RNNRegressor is empty. {HINT}"),
        (
            "0.5",
            "The 'quantiles' parameter of RNNRegressor must be an array-like or None. Got '0.5' instead.",
        ),
    ],
)
def test_bad_quantiles_are_refused_at_fit(data, quantiles, message):
    X, y = data
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        RNNRegressor(**FAST, quantiles=quantiles).fit(X, y)


def test_many_to_many_refuses_a_quantile_loss(data):
    X, _ = data
    message = (
        "RNNRegressor: loss='quantile' gives quantiles of a prediction per sequence (many_to_one) or per forecast "
        "step (seq2seq); architecture='many_to_many' has no quantile head. Use architecture='many_to_one' with a "
        "2-D y, or 'seq2seq', or another loss."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        RNNRegressor(**FAST, architecture="many_to_many").fit(X, X[:, :, 0])


def test_predict_recursive_refuses_a_quantile_net(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X[:, :, :1], y)
    message = (
        "RNNRegressor.predict_recursive feeds one predicted value back per step; this net was fitted with "
        "loss='quantile' (quantiles [0.1, 0.5, 0.9]), and feeding back one of its quantiles would not give the "
        "quantiles of later steps. Forecast the whole horizon at once instead (DirectForecaster or "
        "Seq2SeqForecaster with this estimator), or refit with another loss."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        est.predict_recursive(X[:, :, :1], 3)


def test_predict_quantiles_refuses_a_point_net(data):
    X, y = data
    est = RNNRegressor(**{**FAST, "loss": "squared_error"}).fit(X, y)
    message = (
        "RNNRegressor.predict_quantiles needs a net fitted with loss='quantile'; this one was fitted with another "
        "loss and predicts one value per output. Refit with RNNRegressor(loss='quantile', quantiles=(0.1, 0.5, "
        "0.9)), or call predict."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        est.predict_quantiles(X)


def test_nets_refuse_bad_levels_and_a_sequence_output():
    with pytest.raises(InvalidParameterError, match=re.escape("The 'quantiles' parameter of Seq2SeqNet is empty.")):
        Seq2SeqNet(1, 3, quantiles=[])
    message = "RecurrentNet: a quantile head (quantiles=[0.1, 0.9]) needs output='last'; got output='sequence'."
    with pytest.raises(ValueError, match=re.escape(message)):
        RecurrentNet(1, 1, output="sequence", quantiles=(0.1, 0.9))


# ---------------------------------------------------------------------------- calibration
@pytest.mark.slow
def test_learned_quantiles_cover_fresh_data_at_their_nominal_rate():
    """y = mean of the window + N(0, 1): the 10 % and 90 % quantiles are the mean -/+ 1.2816.

    Coverage of the 10-90 % band on m = 4,000 fresh windows: its binomial standard error at p = 0.8 is
    sqrt(0.8 * 0.2 / 4000) = 0.0063, so 3 standard errors are 0.019. A briefly trained net misplaces the
    bounds a little; a shift of d (in noise standard deviations) of a bound moves the coverage by about
    phi(1.2816) * d = 0.175 d, so 0.03 more allows bounds off by about 0.1 on each side. Tolerance: 0.05. The
    band's mean width (2.563 for the true quantiles) is checked within 15 %, so a band cannot pass by being
    wide, and the median within 0.15 of the mean.
    """
    rng = np.random.RandomState(0)

    def simulate(n):
        X = rng.normal(size=(n, 6, 1))
        return X, X.mean(axis=(1, 2)) + rng.normal(size=n)

    X, y = simulate(3000)
    est = RNNRegressor(
        cell="gru", hidden_size=8, max_epochs=12, batch_size=64, lr=0.02, loss="quantile", random_state=0
    ).fit(X, y)
    X_new, y_new = simulate(4000)
    q = est.predict_quantiles(X_new)[:, 0]  # [m, 3]
    covered = (q[:, 0] <= y_new) & (y_new <= q[:, 2])
    assert covered.mean() == pytest.approx(0.8, abs=0.05)
    assert (q[:, 2] - q[:, 0]).mean() == pytest.approx(2 * 1.2816, rel=0.15)
    assert np.abs(q[:, 1] - X_new.mean(axis=(1, 2))).mean() < 0.15
