"""Truncated backpropagation through time (``tbptt_steps``): the carried state, the chunks, the refusals."""

import math
import re

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from seqforecast import RNNClassifier, RNNRegressor
from seqforecast.nets import RecurrentNet

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 10, 2))
Y = np.cumsum(X[..., 0], axis=1) / 3  # [6, 10]: a running sum, one target per step
LABELS = (Y > 0).astype(int)
TINY = dict(cell="gru", hidden_size=4, architecture="many_to_many", batch_size=4, random_state=0)


# ------------------------------------------------------------------ the forward pass with a carried state
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("k", [1, 3, 4, 10])
def test_chunks_with_a_carried_state_give_the_forward_pass_over_the_whole_sequence(cell, k):
    torch.manual_seed(0)
    net = RecurrentNet(2, 3, cell=cell, hidden_size=5, num_layers=2, output="sequence").double().eval()
    x = torch.from_numpy(X)  # [6, 10, 2] float64
    whole = net(x)  # [6, 10, 3]
    state, chunks = None, []
    for start in range(0, x.shape[1], k):
        out, state = net.forward_chunk(x[:, start : start + k], state)  # [6, <=k, 2] -> [6, <=k, 3]
        chunks.append(out)
    assert len(chunks) == math.ceil(10 / k)
    torch.testing.assert_close(torch.cat(chunks, dim=1), whole, rtol=0, atol=1e-12)


def test_chunks_with_a_carried_state_read_token_ids_through_the_embedding():
    torch.manual_seed(0)
    net = RecurrentNet(1, 2, hidden_size=3, output="sequence", num_embeddings=5, embedding_dim=2).double().eval()
    tokens = torch.from_numpy(RNG.integers(0, 5, size=(3, 7)))  # [3, 7] long
    first, state = net.forward_chunk(tokens[:, :4])
    second, _ = net.forward_chunk(tokens[:, 4:], state)
    torch.testing.assert_close(torch.cat([first, second], dim=1), net(tokens), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, what",
    [(dict(output="last"), "output='last'"), (dict(output="sequence", bidirectional=True), "bidirectional=True")],
)
def test_forward_chunk_needs_a_forward_in_time_net_that_predicts_every_step(kwargs, what):
    net = RecurrentNet(2, 1, hidden_size=3, **kwargs)
    msg = (
        "RecurrentNet.forward_chunk() carries a forward-in-time state from chunk to chunk and predicts at every "
        f"step, so it needs output='sequence' and bidirectional=False; this net has {what}. Call forward() on "
        "whole sequences instead."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        net.forward_chunk(torch.zeros(1, 4, 2))


# ------------------------------------------------------------------ training
def _weights(est):
    return est.net_.module_.state_dict()


def _same_fit(a, b):
    same_weights = all(torch.equal(a_w, b_w) for a_w, b_w in zip(_weights(a).values(), _weights(b).values()))
    return same_weights and [h["train_loss"] for h in a.history_] == [h["train_loss"] for h in b.history_]


@pytest.mark.parametrize("make, y", [(RNNRegressor, Y), (RNNClassifier, LABELS)])
@pytest.mark.parametrize("k", [10, 11, 1000])
def test_one_chunk_the_length_of_the_sequence_or_longer_is_exactly_full_bptt(make, y, k):
    full = make(**TINY, max_epochs=2).fit(X, y)
    chunked = make(**TINY, max_epochs=2, tbptt_steps=k).fit(X, y)
    assert _same_fit(chunked, full)
    assert not _same_fit(make(**TINY, max_epochs=2, tbptt_steps=4).fit(X, y), full)  # shorter chunks train otherwise


class _InputGradients(Callback):
    """At each gradient computation, the gradient of the batch's inputs (when they require one), then zeroed."""

    def on_train_begin(self, net, **kwargs):
        self.grads = []

    def on_grad_computed(self, net, named_parameters, batch=None, **kwargs):
        X = batch[0]
        if X.requires_grad:
            self.grads.append(X.grad.clone())
            X.grad.zero_()


def test_a_chunk_loss_reaches_only_its_own_inputs():
    est = RNNRegressor(**TINY, max_epochs=1, tbptt_steps=4, callbacks=[("inputs", _InputGradients())]).fit(X, Y)
    net = est.net_
    x = torch.from_numpy(X).float().requires_grad_()  # [6, 10, 2]
    net.train_step((x, torch.from_numpy(Y).float().unsqueeze(-1)))  # one batch of 6 sequences, chunks 0-3, 4-7, 8-9
    grads = dict(net.callbacks_)["inputs"].grads
    assert len(grads) == 3  # one gradient, clipping and optimizer step per chunk
    for (start, stop), grad in zip([(0, 4), (4, 8), (8, 10)], grads):
        steps_reached = torch.nonzero(grad.abs().sum(dim=(0, 2))).ravel().tolist()
        assert steps_reached == list(range(start, stop))
    # the same losses without detaching the state would reach back into earlier chunks
    module = net.module_
    x.grad = None
    first, state = module.forward_chunk(x[:, :4])
    second, _ = module.forward_chunk(x[:, 4:8], state)
    second.sum().backward()
    assert (x.grad[:, :4].abs().sum(dim=(0, 2)) > 0).all()


@pytest.mark.parametrize("k, chunks", [(1, 10), (3, 4), (4, 3), (5, 2), (9, 2)])
def test_a_batch_makes_one_optimizer_step_per_chunk(k, chunks):
    est = RNNRegressor(**TINY, max_epochs=2, tbptt_steps=k).fit(X, Y)  # 6 sequences: batches of 4 and 2
    steps = {float(s["step"]) for s in est.net_.optimizer_.state_dict()["state"].values()}
    assert steps == {2 * 2 * chunks}  # epochs * batches * ceil(10 / k)


def test_a_batch_loss_is_the_step_weighted_mean_of_its_chunk_losses():
    # an lr so small that the weights never change: each chunk is scored by the initial net, so the weighted
    # mean of the chunks' mean squared errors (4, 4 and 2 steps) is the mean squared error over all 10 steps
    est = RNNRegressor(**{**TINY, "batch_size": 6}, max_epochs=1, optimizer="sgd", lr=1e-30, tbptt_steps=4)
    est.fit(X, Y)
    expected = np.mean((est.predict(X) - Y) ** 2)  # float64 predictions from the (unchanged) initial weights
    assert est.history_[0]["train_loss"] == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("make, y", [(RNNRegressor, Y), (RNNClassifier, LABELS)])
def test_both_estimators_train_and_validate_with_chunks(make, y):
    est = make(**TINY, max_epochs=4, lr=0.05, tbptt_steps=3, patience=4, validation_fraction=0.34)
    est.fit(X, y)
    losses = [h["train_loss"] for h in est.history_]
    assert len(losses) == 4 and losses[-1] < losses[0]
    assert all(math.isfinite(h["valid_loss"]) for h in est.history_)
    assert est.predict(X).shape == (6, 10)
    assert est.get_params()["tbptt_steps"] == 3


def test_a_chunked_lstm_with_two_layers_and_dropout_is_repeatable():
    settings = dict(TINY, cell="lstm", num_layers=2, dropout=0.2, max_epochs=2, tbptt_steps=3)
    a, b = RNNRegressor(**settings).fit(X, Y), RNNRegressor(**settings).fit(X, Y)
    assert _same_fit(a, b)


# ------------------------------------------------------------------ refusals
class _AcceleratorLike:
    def prepare(self, *args):
        return args

    def backward(self, loss):
        loss.backward()

    def reduce(self, tensor):
        return tensor


@pytest.mark.parametrize(
    "make, params, y, msg",
    [
        (
            RNNRegressor,
            dict(tbptt_steps=5),
            Y[:, -1],
            "RNNRegressor: tbptt_steps=5 trains on chunks of 5 steps with a target at each step, so it needs "
            "architecture='many_to_many'; got architecture='many_to_one'. Use architecture='many_to_many' with y "
            "of one target per step, or tbptt_steps=None.",
        ),
        (
            RNNRegressor,
            dict(tbptt_steps=5, architecture="seq2seq"),
            Y[:, :3],
            "RNNRegressor: tbptt_steps=5 trains on chunks of 5 steps with a target at each step, so it needs "
            "architecture='many_to_many'; got architecture='seq2seq'.",
        ),
        (
            RNNClassifier,
            dict(tbptt_steps=5),
            LABELS[:, -1],
            "RNNClassifier: tbptt_steps=5 trains on chunks of 5 steps with a target at each step, so it needs "
            "architecture='many_to_many'; got architecture='many_to_one'.",
        ),
        (
            RNNClassifier,
            dict(tbptt_steps=5, architecture="many_to_many", bidirectional=True),
            LABELS,
            "RNNClassifier: tbptt_steps=5 trains on chunks of 5 steps carrying the state forward in time; "
            "bidirectional=True also reads each sequence backwards, from steps a chunk has not reached. Set "
            "bidirectional=False, or tbptt_steps=None.",
        ),
        (
            RNNRegressor,
            dict(tbptt_steps=5, architecture="many_to_many", accelerator=_AcceleratorLike()),
            Y,
            "RNNRegressor: tbptt_steps=5 trains on chunks of 5 steps, which the accelerator's data-parallel "
            "training does not support. Set accelerator=None, or tbptt_steps=None.",
        ),
        (
            RNNRegressor,
            dict(tbptt_steps=0, architecture="many_to_many"),
            Y,
            "The 'tbptt_steps' parameter of RNNRegressor must be an int in the range [1, inf) or None. Got 0 instead.",
        ),
        (
            RNNClassifier,
            dict(tbptt_steps=2.0, architecture="many_to_many"),
            LABELS,
            "The 'tbptt_steps' parameter of RNNClassifier must be an int in the range [1, inf) or None. Got 2.0 "
            "instead.",
        ),
    ],
)
def test_tbptt_steps_refuses_what_it_cannot_train(make, params, y, msg):
    est = make(hidden_size=2, max_epochs=1, **params)
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.fit(X, y)
    assert not hasattr(est, "net_")


def test_tbptt_steps_refuses_sequences_of_different_lengths():
    seqs = [X[0], X[1, :7]]
    msg = (
        "RNNRegressor: architecture='many_to_many' needs sequences of one common length (a 2-D or 3-D array); "
        "variable-length lists are supported with architecture='many_to_one'."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RNNRegressor(architecture="many_to_many", tbptt_steps=3).fit(seqs, [Y[0], Y[1, :7]])
