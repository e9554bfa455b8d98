"""Tests of the torch modules in seqforecast.nets: shapes, packing, the one-step state API, seq2seq."""

import re

import pytest
import torch

from seqforecast.nets import RecurrentNet, Seq2SeqNet

B, T, F, K, H = 4, 6, 3, 2, 5


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def _net(**kwargs):
    kwargs.setdefault("hidden_size", H)
    return RecurrentNet(F, K, **kwargs).eval()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("output, shape", [("last", (B, K)), ("sequence", (B, T, K))])
def test_output_shapes(cell, bidirectional, output, shape):
    net = _net(cell=cell, bidirectional=bidirectional, output=output, num_layers=2)
    assert net(torch.randn(B, T, F)).shape == shape
    assert net.head.in_features == H * (2 if bidirectional else 1)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("output", ["last", "sequence"])
def test_padded_batch_with_lengths_equals_each_sequence_alone(cell, bidirectional, output):
    net = _net(cell=cell, bidirectional=bidirectional, output=output, num_layers=2)
    lengths = torch.tensor([6, 2, 4, 1])
    X = torch.randn(B, T, F)
    for i, n in enumerate(lengths):
        X[i, n:] = 1e3  # garbage in the padding must not leak into the state
    with torch.no_grad():
        batched = net(X, lengths)
        for i, n in enumerate(lengths.tolist()):
            alone = net(X[i : i + 1, :n])[0]
            if output == "last":
                torch.testing.assert_close(batched[i], alone, atol=1e-6, rtol=0)
            else:
                torch.testing.assert_close(batched[i, :n], alone, atol=1e-6, rtol=0)
                assert torch.equal(batched[i, n:], torch.zeros(T - n, K))  # zeros past each length


def test_bidirectional_last_concatenates_forward_last_step_and_backward_step_zero():
    net = _net(cell="gru", bidirectional=True)
    X = torch.randn(B, T, F)
    with torch.no_grad():
        out, _ = net.rnn(X)  # [B, T, 2H]: forward half then backward half
        expected = net.head(torch.cat([out[:, -1, :H], out[:, 0, H:]], dim=1))
        torch.testing.assert_close(net(X), expected, atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_readout_of_encode_equals_forward(cell):
    net = _net(cell=cell, num_layers=2)
    X = torch.randn(B, T, F)
    lengths = torch.tensor([6, 3, 5, 1])
    with torch.no_grad():
        assert torch.equal(net.readout(net.encode(X)), net(X))
        torch.testing.assert_close(net.readout(net.encode(X, lengths)), net(X, lengths), atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_stepping_from_a_prefix_state_reproduces_the_full_encoding(cell, k):
    net = _net(cell=cell, num_layers=2)
    X = torch.randn(B, T, F)
    with torch.no_grad():
        state = net.encode(X[:, :k])
        for t in range(k, T):
            out, state = net.step(X[:, t], state)
            torch.testing.assert_close(out, net.readout(state), atol=0, rtol=0)
        full = net.encode(X)
    states = state if cell == "lstm" else (state,)
    fulls = full if cell == "lstm" else (full,)
    assert states[0].shape == (2, B, H)
    for got, want in zip(states, fulls):
        torch.testing.assert_close(got, want, atol=1e-6, rtol=0)
    torch.testing.assert_close(out, net(X), atol=1e-6, rtol=0)


@pytest.mark.parametrize("embedding", [False, True])
def test_state_api_refuses_bidirectional_nets(embedding):
    tokens = {"num_embeddings": 5, "embedding_dim": 2} if embedding else {}
    net = RecurrentNet(1, K, hidden_size=H, bidirectional=True, **tokens)
    msg = (
        "RecurrentNet.encode() carries a forward-in-time state, so it needs a unidirectional net; this net has "
        "bidirectional=True (its backward direction reads the steps after each step). Re-run forward() on the "
        "whole window instead, or build the net with bidirectional=False."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        net.encode(torch.zeros(2, 3, dtype=torch.long) if embedding else torch.zeros(2, 3, 1))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_stepping_token_ids_gives_forward_of_a_sequence_net_step_by_step(cell):
    net = RecurrentNet(
        1, K, cell=cell, hidden_size=H, num_layers=2, output="sequence", num_embeddings=7, embedding_dim=3
    )
    net = net.eval()
    tokens = torch.tensor([[1, 2, 6, 0, 5], [3, 3, 4, 1, 2]])  # [B, T] ids
    with torch.no_grad():
        full = net(tokens)  # [B, T, K]
        state = net.encode(tokens[:, :2])
        torch.testing.assert_close(net.readout(state), full[:, 1], atol=1e-6, rtol=0)
        for t in range(2, tokens.shape[1]):
            out, state = net.step(tokens[:, t], state)  # [B] ids -> [B, K]
            torch.testing.assert_close(out, full[:, t], atol=1e-6, rtol=0)


def test_embedding_takes_token_ids():
    net = RecurrentNet(1, K, hidden_size=H, num_embeddings=7, embedding_dim=3).eval()
    tokens = torch.tensor([[1, 2, 6, 0], [3, 3, 0, 0]])
    with torch.no_grad():
        out = net(tokens, torch.tensor([4, 2]))
        alone = net(tokens[1:, :2])
    assert out.shape == (2, K)
    torch.testing.assert_close(out[1], alone[0], atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell, gates", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_recurrent_weights_are_orthogonal_per_gate_block(cell, gates):
    net = RecurrentNet(F, K, cell=cell, hidden_size=H, num_layers=2, bidirectional=True)
    names = [n for n, _ in net.rnn.named_parameters() if n.startswith("weight_hh")]
    assert len(names) == 4  # 2 layers x 2 directions
    for name in names:
        weight = getattr(net.rnn, name).detach()
        assert weight.shape == (gates * H, H)
        for block in weight.split(H):
            torch.testing.assert_close(block.T @ block, torch.eye(H), atol=1e-5, rtol=0)


def test_lstm_forget_gate_bias_starts_at_one():
    net = RecurrentNet(F, K, cell="lstm", hidden_size=H)
    bias = (net.rnn.bias_ih_l0 + net.rnn.bias_hh_l0).detach()
    assert torch.equal(bias, torch.cat([torch.zeros(H), torch.ones(H), torch.zeros(2 * H)]))


def test_vanilla_relu_cell_and_bad_choices():
    assert RecurrentNet(F, K, cell="rnn", nonlinearity="relu").rnn.nonlinearity == "relu"
    msg = "The 'cell' parameter of RecurrentNet must be a str among {'gru', 'lstm', 'rnn'}. Got 'lsmt' instead."
    with pytest.raises(ValueError, match=re.escape(msg)):
        RecurrentNet(F, K, cell="lsmt")
    msg = (
        "RecurrentNet: nonlinearity='relu' only applies to cell='rnn'; the GRU cell has fixed tanh/sigmoid "
        "gates. Use nonlinearity='tanh' (the default) or cell='rnn'."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RecurrentNet(F, K, cell="gru", nonlinearity="relu")


def test_dropout_between_layers_and_before_head():
    net = RecurrentNet(F, K, num_layers=3, dropout=0.25)
    assert net.rnn.dropout == 0.25 and net.dropout.p == 0.25
    single = RecurrentNet(F, K, num_layers=1, dropout=0.25)  # torch would warn with dropout on 1 layer
    assert single.rnn.dropout == 0.0 and single.dropout.p == 0.25


# ---------------------------------------------------------------------------- Seq2SeqNet
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_seq2seq_shapes(cell):
    net = Seq2SeqNet(F, 4, cell=cell, hidden_size=H, num_layers=2).eval()
    assert net(torch.randn(B, T, F)).shape == (B, 4)


def test_seq2seq_teacher_forcing_ratio_one_feeds_the_true_previous_values():
    horizon, target_index = 4, 1
    net = Seq2SeqNet(F, horizon, cell="lstm", hidden_size=H, target_index=target_index).train()
    net.teacher_forcing_ratio = 1.0
    X, y = torch.randn(B, T, F), torch.randn(B, horizon)
    out = net(X, y_teacher=y)
    # By construction: the decoder reads [last observed target, y_1, ..., y_{h-1}] in one pass.
    _, state = net.encoder(X)
    inputs = torch.cat([X[:, -1, target_index : target_index + 1], y[:, :-1]], dim=1)  # [B, horizon]
    dec, _ = net.decoder(inputs.unsqueeze(-1), state)  # [B, horizon, 1] -> [B, horizon, H]
    torch.testing.assert_close(out, net.head(dec)[..., 0], atol=1e-6, rtol=0)


def test_seq2seq_free_running_ignores_the_teacher():
    net = Seq2SeqNet(F, 3, hidden_size=H)
    X, y = torch.randn(B, T, F), torch.randn(B, 3)
    with torch.no_grad():
        free = net.eval()(X)
        net.teacher_forcing_ratio = 1.0
        assert torch.equal(net.eval()(X, y_teacher=y), free)  # eval mode never teaches
        net.teacher_forcing_ratio = 0.0
        assert torch.equal(net.train()(X, y_teacher=y), free)  # ratio 0: own outputs (no dropout here)
        # By construction: free running feeds back the previous output.
        _, state = net.encoder(X)
        prev, outs = X[:, -1, :1], []
        for _ in range(3):
            dec, state = net.decoder(prev.unsqueeze(1), state)
            prev = net.head(dec[:, 0])
            outs.append(prev)
        torch.testing.assert_close(free, torch.cat(outs, dim=1), atol=1e-6, rtol=0)


def test_seq2seq_partial_teacher_forcing_mixes_both():
    net = Seq2SeqNet(F, 6, hidden_size=H).train()
    net.teacher_forcing_ratio = 0.5
    X, y = torch.randn(64, T, F), torch.randn(64, 6)
    with torch.no_grad():
        mixed, free = net(X, y_teacher=y), net(X)
        net.teacher_forcing_ratio = 1.0
        forced = net(X, y_teacher=y)
    assert torch.equal(mixed[:, 0], free[:, 0])  # step 0 never sees a teacher
    assert not torch.allclose(mixed, free) and not torch.allclose(mixed, forced)


def test_seq2seq_target_index_out_of_range():
    msg = (
        "The 'target_index' parameter of Seq2SeqNet must be an int in the range [0, 3). Got 3 instead. It is "
        "the feature of the inputs holding the target's past values, and the inputs have input_size=3 features."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        Seq2SeqNet(F, 2, target_index=3)
