"""Tests of NetEnsemble (the members' mean class probabilities; members trained as if alone) and of the
classifier's ensemble_size: resolved from the data, refused where it cannot apply, saved and loaded."""

import inspect
import math
import re

import numpy as np
import pytest
import torch

import seqforecast
from seqforecast.estimators import RNNClassifier, RNNRegressor
from seqforecast.estimators.losses import SequenceCrossEntropy
from seqforecast.nets import NetEnsemble, RecurrentNet

SETTINGS = dict(input_size=2, output_size=3, hidden_size=4, conv_channels=(5,), dropout=0.0)


def _net(n_members=3, seed=0):
    torch.manual_seed(seed)
    return NetEnsemble(n_members, **SETTINGS)


def test_inference_output_is_the_log_of_the_members_mean_probabilities():
    net = _net().eval()
    X = torch.randn(4, 6, 2)
    with torch.no_grad():
        proba = torch.stack([member(X).softmax(dim=-1) for member in net.members]).mean(dim=0)  # [4, 3]
        out = net(X)
    assert out.shape == (4, 3)
    torch.testing.assert_close(out.softmax(dim=-1), proba)
    torch.testing.assert_close(out.exp(), proba)  # already normalised: log-probabilities


def test_hand_computed_mean_of_two_members():
    # two members' probabilities (0.9, 0.1) and (0.5, 0.5): the ensemble gives (0.7, 0.3)
    net = NetEnsemble(2, input_size=1, output_size=2, hidden_size=2).eval()
    logits = [torch.log(torch.tensor([[0.9, 0.1]])), torch.log(torch.tensor([[0.5, 0.5]]))]
    for member, value in zip(net.members, logits):
        member.forward = lambda X, lengths=None, value=value: value
    np.testing.assert_allclose(net(torch.zeros(1, 3, 1)).exp().detach().numpy(), [[0.7, 0.3]], rtol=1e-6)


def test_the_member_settings_are_those_of_recurrent_net_with_its_defaults():
    # regression heads (quantiles, distribution) are not a classifier's; everything else is passed through
    ensemble = dict(inspect.signature(NetEnsemble).parameters)
    assert ensemble.pop("n_members").default is inspect.Parameter.empty
    recurrent = {
        name: p
        for name, p in inspect.signature(RecurrentNet).parameters.items()
        if name not in ("quantiles", "distribution")
    }
    assert {n: p.default for n, p in ensemble.items()} == {n: p.default for n, p in recurrent.items()}


def test_members_start_from_different_weights():
    net = _net()
    first, second = (dict(member.named_parameters()) for member in net.members[:2])
    assert not torch.equal(first["head.weight"], second["head.weight"])


def test_training_output_holds_every_member_and_the_loss_is_their_mean():
    net = _net().train()
    X, y = torch.randn(5, 6, 2), torch.tensor([0, 1, 2, 1, 0])
    torch.manual_seed(1)
    logits = net(X)
    assert logits.shape == (5, 3, 3)  # [B, M, K]
    loss = SequenceCrossEntropy()(logits, y)
    alone = [torch.nn.functional.cross_entropy(logits[:, m], y) for m in range(3)]
    torch.testing.assert_close(loss, torch.stack(alone).mean())


def test_each_member_gets_the_gradients_it_would_get_alone_scaled_by_one_over_m():
    net = _net()
    net.train()
    X, y = torch.randn(5, 6, 2), torch.tensor([0, 1, 2, 1, 0])
    SequenceCrossEntropy()(net(X), y).backward()
    member = net.members[1]
    alone = RecurrentNet(**SETTINGS).train()
    alone.load_state_dict(member.state_dict())
    torch.nn.functional.cross_entropy(alone(X), y).backward()
    for (name, p), q in zip(member.named_parameters(), alone.parameters()):
        torch.testing.assert_close(p.grad * 3, q.grad, msg=name)


def test_class_weights_weigh_every_member_alike():
    logits, y = torch.randn(4, 2, 3), torch.tensor([0, 2, 2, 1])
    weight = torch.tensor([1.0, 2.0, 5.0])
    loss = SequenceCrossEntropy(weight=weight)(logits, y)
    alone = [torch.nn.functional.cross_entropy(logits[:, m], y, weight=weight) for m in range(2)]
    torch.testing.assert_close(loss, torch.stack(alone).mean())


@pytest.mark.parametrize("n_members", [0, -1, 2.0, True, "3"])
def test_bad_n_members_is_refused(n_members):
    with pytest.raises(ValueError, match=re.escape(f"NetEnsemble needs n_members, an int >= 1; got {n_members!r}.")):
        NetEnsemble(n_members, input_size=1, output_size=2)


def test_per_step_output_is_refused():
    with pytest.raises(ValueError, match=re.escape("(output='last'); got output='sequence'.")):
        NetEnsemble(2, input_size=1, output_size=2, output="sequence")


# ---------------------------------------------------------------------------- the classifier's ensemble_size
def _data(n=24, steps=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, steps, 2))
    return X, (X[:, :, 0].mean(axis=1) > 0).astype(int)


TINY = dict(hidden_size=4, conv_channels=(3,), max_epochs=2, random_state=0)


def test_the_default_classifier_trains_three_nets_on_real_values_and_on_tokens_and_one_per_step():
    X, y = _data()
    clf = RNNClassifier(**TINY).fit(X, y)
    assert isinstance(clf.net_.module_, NetEnsemble) and clf.net_.module_.n_members == 3
    assert clf.config_["ensemble_size"] == 3 and "ensemble_size" in clf.config_["auto"]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    tokens = RNNClassifier(hidden_size=4, embedding_dim=3, max_epochs=1, random_state=0)
    tokens.fit(np.arange(48).reshape(8, 6) % 5, np.arange(8) % 2)
    assert isinstance(tokens.net_.module_, NetEnsemble) and tokens.config_["ensemble_size"] == 3
    assert [m.embedding.num_embeddings for m in tokens.net_.module_.members] == [5, 5, 5]  # each its own table
    tokens.set_params(ensemble_size=2).fit(np.arange(48).reshape(8, 6) % 5, np.arange(8) % 2)  # asked for: kept
    assert tokens.net_.module_.n_members == 2 and tokens.net_.module_.members[1].embedding.num_embeddings == 5
    per_step = RNNClassifier(hidden_size=4, architecture="many_to_many", max_epochs=1, random_state=0)
    per_step.fit(X, np.tile(y[:, None], (1, X.shape[1])))
    assert isinstance(per_step.net_.module_, RecurrentNet) and per_step.config_["ensemble_size"] == 1


def test_ensemble_size_one_is_a_single_net_and_an_int_is_kept():
    X, y = _data()
    assert isinstance(RNNClassifier(**TINY, ensemble_size=1).fit(X, y).net_.module_, RecurrentNet)
    clf = RNNClassifier(**TINY, ensemble_size=2).fit(X, y)
    assert clf.net_.module_.n_members == 2 and clf.config_["ensemble_size"] == 2
    assert "ensemble_size" not in clf.config_["auto"]


def test_the_ensemble_is_the_mean_of_its_members_probabilities_at_predict():
    X, y = _data()
    clf = RNNClassifier(**TINY).fit(X, y)
    values = torch.from_numpy(X.astype(np.float32)).double()  # the estimator reads X as float32
    with torch.no_grad():
        members = [m(values).softmax(dim=-1) for m in clf._inference_module().members]  # float64 copies
    np.testing.assert_allclose(clf.predict_proba(X), torch.stack(members).mean(dim=0).numpy(), rtol=1e-12)


def test_the_validation_loss_is_that_of_the_averaged_probabilities():
    X, y = _data(n=40)
    clf = RNNClassifier(**{**TINY, "max_epochs": 3}, patience=10, validation_fraction=0.25).fit(X, y)
    held = slice(30, 40)  # the most recent quarter of the rows (validation_fraction=0.25)
    proba = clf.predict_proba(X[held])[np.arange(10), y[held]]
    best = min(row["valid_loss"] for row in clf.history_)  # early stopping restores the best epoch's weights
    np.testing.assert_allclose(-np.log(proba).mean(), best, rtol=1e-5)


def test_ensemble_fits_are_reproducible_and_survive_save_and_load(tmp_path):
    X, y = _data()
    first = RNNClassifier(**TINY).fit(X, y)
    second = RNNClassifier(**TINY).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    seqforecast.save(first, tmp_path / "clf.sfm")
    loaded = seqforecast.load(tmp_path / "clf.sfm")
    assert isinstance(loaded.net_.module_, NetEnsemble)
    np.testing.assert_array_equal(loaded.predict_proba(X), first.predict_proba(X))


def test_a_saved_net_with_another_number_of_members_is_refused():
    X, y = _data()
    clf = RNNClassifier(**TINY).fit(X, y)
    state = clf._get_net_state()
    clf.config_ = {**clf.config_, "ensemble_size": 2}
    with pytest.raises(ValueError, match=re.escape("n_members=3 (expected 2)")):
        clf._set_net_state(state)
    # a single net where config_ says an ensemble, and an ensemble where it says one net
    single = RNNClassifier(**TINY, ensemble_size=1).fit(X, y)
    with pytest.raises(ValueError, match=re.escape("n_members=1 (expected 3)")):
        clf.set_params(ensemble_size=3).fit(X, y)._set_net_state(single._get_net_state())
    with pytest.raises(ValueError, match=re.escape("n_members=3 (expected 1)")):
        single._set_net_state(state)


def test_only_the_classifier_takes_an_ensemble_from_a_model_file():
    X, y = _data()
    state = RNNClassifier(**TINY).fit(X, y)._get_net_state()
    regressor = RNNRegressor(hidden_size=4, max_epochs=1, random_state=0).fit(X, y.astype(float))
    with pytest.raises(ValueError, match=re.escape("RNNRegressor builds RecurrentNet or Seq2SeqNet modules, not")):
        regressor._set_net_state(state)


def test_ensemble_size_with_many_to_many_is_refused():
    X, y = _data()
    clf = RNNClassifier(architecture="many_to_many", ensemble_size=2, max_epochs=1)
    message = (
        "RNNClassifier: ensemble_size=2 averages the class probabilities of whole sequences, but "
        "architecture='many_to_many' predicts a label per step. Use ensemble_size=1 (or 'auto') with many_to_many."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        clf.fit(X, np.tile(y[:, None], (1, X.shape[1])))


@pytest.mark.parametrize("value", [0, 1.5, "three"])
def test_bad_ensemble_size_is_refused(value):
    X, y = _data()
    with pytest.raises(ValueError, match=re.escape("The 'ensemble_size' parameter of RNNClassifier must be")):
        RNNClassifier(ensemble_size=value).fit(X, y)


def test_member_count_costs_in_proportion():
    # each member is a full net: the state dict holds M copies of a single net's tensors
    single = RecurrentNet(**SETTINGS).state_dict()
    ensemble = NetEnsemble(3, **SETTINGS).state_dict()
    assert len(ensemble) == 3 * len(single)
    assert math.isclose(sum(t.numel() for t in ensemble.values()), 3 * sum(t.numel() for t in single.values()))
