"""Tests of the classification options: pooling and the convolutional (FCN) branch of RecurrentNet and
RNNClassifier, and the numpy 1-NN DTW of benchmarks/classification.py."""

import copy
import importlib.util
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from seqforecast.estimators import RNNClassifier
from seqforecast.nets import AttentionPooling, FCNBranch, RecurrentNet, step_mask

B, T, F, K, H = 4, 9, 3, 2, 5
LENGTHS = torch.tensor([9, 2, 5, 1])
OPTIONS = [
    {"pooling": "mean"},
    {"pooling": "attention"},
    {"conv_channels": (4, 6, 5)},
    {"conv_channels": (4, 6), "pooling": "attention"},
    {"conv_channels": (3,), "pooling": "mean", "bidirectional": True, "cell": "gru", "num_layers": 2},
]


def _net(**kwargs):
    kwargs.setdefault("hidden_size", H)
    return RecurrentNet(F, K, **kwargs).eval()


def _padded_batch(fill):
    X = torch.randn(B, T, F)
    for i, n in enumerate(LENGTHS.tolist()):
        X[i, n:] = fill  # padding: its values must never matter
    return X


# ---------------------------------------------------------------------------- shapes
@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_output_shape_and_head_width(options):
    net = _net(**options)
    assert net(torch.randn(B, T, F)).shape == (B, K)
    directions = 2 if options.get("bidirectional") else 1
    conv = options["conv_channels"][-1] if "conv_channels" in options else 0
    assert net.head.in_features == H * directions + conv


def test_defaults_read_the_last_state_without_attention_or_conv_branch():
    net = _net()
    assert net.pooling == "last" and net.attention is None and net.conv is None
    assert net.head.in_features == H


def test_fcn_branch_layout_follows_lstm_fcn():
    branch = FCNBranch(F, (128, 256, 128))
    assert [c.kernel_size[0] for c in branch.convs] == [8, 5, 3]
    assert [(c.in_channels, c.out_channels) for c in branch.convs] == [(F, 128), (128, 256), (256, 128)]
    assert [n.num_features for n in branch.norms] == [128, 256, 128]
    assert FCNBranch(F, (2, 2, 2, 2, 2)).kernel_sizes == (8, 5, 3, 3, 3)
    assert branch.eval()(torch.randn(2, 7, F)).shape == (2, 128)  # "same" padding keeps short sequences


# ---------------------------------------------------------------------------- padding
@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_padded_batch_gives_each_sequence_its_logits_alone(options):
    net = _net(**options)
    X = _padded_batch(1e3)
    with torch.no_grad():
        batched = net(X, LENGTHS)
        for i, n in enumerate(LENGTHS.tolist()):
            torch.testing.assert_close(batched[i], net(X[i : i + 1, :n])[0], atol=1e-5, rtol=0)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_padding_values_do_not_matter_in_training_mode_either(options):
    # In training mode batch normalisation takes statistics over the batch: over real steps only.
    first = _net(**options).train()
    second = copy.deepcopy(first)
    X_zero = _padded_batch(0.0)
    X_garbage = X_zero.clone()
    for i, n in enumerate(LENGTHS.tolist()):
        X_garbage[i, n:] = -1e3
    torch.testing.assert_close(first(X_zero, LENGTHS), second(X_garbage, LENGTHS), atol=1e-5, rtol=0)
    if first.conv is not None:
        for a, b in zip(first.conv.norms, second.conv.norms):
            torch.testing.assert_close(a.running_mean, b.running_mean, atol=1e-6, rtol=0)
            torch.testing.assert_close(a.running_var, b.running_var, atol=1e-6, rtol=0)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_extra_padding_trains_exactly_like_the_unpadded_batch(options):
    # Batch-norm statistics in training mode must come from the real steps only, not from padded ones.
    first = _net(**options).train()
    second = copy.deepcopy(first)
    X = torch.randn(B, T, F)
    padded = torch.cat([X, torch.full((B, 4, F), 7.0)], dim=1)  # [B, T, F] -> [B, T+4, F]
    torch.testing.assert_close(second(padded, torch.full((B,), T)), first(X), atol=1e-5, rtol=0)
    if first.conv is not None:
        for a, b in zip(first.conv.norms, second.conv.norms):
            torch.testing.assert_close(b.running_mean, a.running_mean, atol=1e-6, rtol=0)
            torch.testing.assert_close(b.running_var, a.running_var, atol=1e-6, rtol=0)


def test_step_mask():
    expected = torch.tensor([[True, True, True], [True, False, False]])
    assert torch.equal(step_mask(torch.tensor([3, 1]), 3), expected)
    assert step_mask(None, 3) is None


# ---------------------------------------------------------------------------- pooling values
def test_attention_weights_sum_to_one_over_real_steps_and_are_zero_on_padding():
    net = _net(pooling="attention", bidirectional=True)
    weights = net.attention_weights(_padded_batch(1e3), LENGTHS)
    assert weights.shape == (B, T)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(B), atol=1e-6, rtol=0)
    for i, n in enumerate(LENGTHS.tolist()):
        assert torch.equal(weights[i, n:], torch.zeros(T - n))
        assert (weights[i, :n] > 0).all()
    assert torch.equal(weights[3, :1], torch.ones(1))  # a single real step takes all the weight


def test_attention_with_flat_scores_is_the_mean_pooling():
    attention, mean = _net(pooling="attention"), _net(pooling="mean")
    mean.load_state_dict({k: v for k, v in attention.state_dict().items() if not k.startswith("attention.")})
    with torch.no_grad():
        attention.attention.score.weight.zero_()  # every step scores 0: weights 1/length
        X = _padded_batch(1e3)
        expected = torch.zeros(B, T)
        for i, n in enumerate(LENGTHS.tolist()):
            expected[i, :n] = 1.0 / n
        torch.testing.assert_close(attention.attention_weights(X, LENGTHS), expected, atol=1e-7, rtol=0)
        torch.testing.assert_close(attention(X, LENGTHS), mean(X, LENGTHS), atol=1e-6, rtol=0)


def test_mean_pooling_averages_the_recurrent_outputs_over_real_steps():
    net = _net(pooling="mean", cell="gru")
    X = _padded_batch(1e3)
    with torch.no_grad():
        for i, n in enumerate(LENGTHS.tolist()):
            out, _ = net.rnn(X[i : i + 1, :n])  # [1, n, H]
            torch.testing.assert_close(net(X, LENGTHS)[i], net.head(out[0].mean(dim=0)), atol=1e-6, rtol=0)


def test_attention_pooling_module_weighted_sum():
    pool = AttentionPooling(2)
    with torch.no_grad():
        pool.proj.weight.copy_(torch.eye(2))
        pool.proj.bias.zero_()
        pool.score.weight.copy_(torch.tensor([[1.0, 0.0]]))
    out = torch.tensor([[[0.0, 1.0], [10.0, 3.0]]])  # [1, 2 steps, 2]
    # scores tanh(0) = 0 and tanh(10); weights softmax([0, tanh(10)])
    w1 = 1.0 / (1.0 + np.exp(-np.tanh(10.0)))
    expected = torch.tensor([[10.0 * w1, (1 - w1) * 1.0 + w1 * 3.0]], dtype=torch.float32)
    torch.testing.assert_close(pool(out), expected, atol=1e-6, rtol=0)


def test_fcn_branch_hand_computed():
    # One block, kernel 1, weight 1: relu(batchnorm(x)) averaged over the real steps; in eval mode the
    # fresh batch norm is x / sqrt(1 + eps).
    branch = FCNBranch(1, (1,), kernel_sizes=(1,)).eval()
    with torch.no_grad():
        branch.convs[0].weight.fill_(1.0)
    X = torch.tensor([[1.0, -2.0, 3.0, 5.0], [4.0, 100.0, 100.0, 100.0]]).unsqueeze(-1)  # [2, 4, 1]
    scale = 1.0 / np.sqrt(1.0 + 1e-5)
    expected = torch.tensor([[(1.0 + 0.0 + 3.0) / 3 * scale], [4.0 * scale]], dtype=torch.float32)
    out = branch(X, step_mask(torch.tensor([3, 1]), 4))
    torch.testing.assert_close(out, expected, atol=1e-6, rtol=0)


# ---------------------------------------------------------------------------- errors (nets)
@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (
            {"pooling": "max"},
            (
                "The 'pooling' parameter of RecurrentNet must be a str among {'attention', 'last', 'mean'}. "
                "Got 'max' instead."
            ),
        ),
        (
            {"output": "steps"},
            ("The 'output' parameter of RecurrentNet must be a str among {'last', 'sequence'}. Got 'steps' instead."),
        ),
        (
            {"pooling": "mean", "output": "sequence"},
            (
                "RecurrentNet: pooling='mean' summarises whole sequences, so it needs output='last'; output='sequence' "
                "predicts at every step. Use output='last', or pooling='last' and conv_channels=None."
            ),
        ),
        (
            {"conv_channels": (4,), "output": "sequence"},
            (
                "RecurrentNet: conv_channels=(4,) summarises whole sequences, so it needs output='last'; output='sequence' "
                "predicts at every step. Use output='last', or pooling='last' and conv_channels=None."
            ),
        ),
        (
            {"conv_kernel_sizes": (3,)},
            (
                "RecurrentNet: conv_kernel_sizes=(3,) needs a convolutional branch; set conv_channels too (e.g. "
                "conv_channels=(128, 256, 128)), or leave conv_kernel_sizes=None."
            ),
        ),
        (
            {"conv_channels": ()},
            (
                "The 'channels' parameter of FCNBranch must be a non-empty tuple of ints >= 1. Got () instead. Give the "
                "output channels of each convolutional block, e.g. (128, 256, 128)."
            ),
        ),
        (
            {"conv_channels": (4, 0)},
            ("The 'channels' parameter of FCNBranch must be a non-empty tuple of ints >= 1. Got (4, 0) instead."),
        ),
        (
            {"conv_channels": (4, True)},
            ("The 'channels' parameter of FCNBranch must be a non-empty tuple of ints >= 1. Got (4, True) instead."),
        ),
        (
            {"conv_channels": (4, 4), "conv_kernel_sizes": (3, 0)},
            (
                "The 'kernel_sizes' parameter of FCNBranch must be a non-empty tuple of ints >= 1 or None. Got (3, 0) "
                "instead."
            ),
        ),
        (
            {"conv_channels": (4, 4), "conv_kernel_sizes": (3,)},
            (
                "FCNBranch: kernel_sizes must hold one positive int per block, 2 for channels=(4, 4); got "
                "kernel_sizes=(3,)."
            ),
        ),
    ],
)
def test_bad_options_raise_with_pinned_messages(kwargs, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        RecurrentNet(F, K, **kwargs)


def test_attention_weights_and_state_api_need_the_right_net():
    msg = "RecurrentNet.attention_weights() needs pooling='attention'; this net has pooling='mean'."
    with pytest.raises(ValueError, match=re.escape(msg)):
        _net(pooling="mean").attention_weights(torch.zeros(1, 2, F))
    for kwargs, what in [
        ({"pooling": "attention"}, "pooling='attention'"),
        ({"conv_channels": (2,)}, "a convolutional branch"),
    ]:
        msg = (
            "RecurrentNet.encode() reads the head from the last recurrent state alone, but this net's head "
            f"reads a summary of the whole sequence ({what}). Re-run forward() on the whole window instead, or "
            "build the net with pooling='last' and conv_channels=None."
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            _net(**kwargs).encode(torch.zeros(1, 2, F))


# ---------------------------------------------------------------------------- RNNClassifier
def _bumps(n, length, rng, variable=False):
    """Class 1: a positive bump at a random position; class 0: a negative one (shift-invariant)."""
    X, y = [], rng.randint(0, 2, size=n)
    for label in y:
        steps = rng.randint(length // 2, length + 1) if variable else length
        seq = 0.3 * rng.normal(size=(steps, 1))
        start = rng.randint(0, steps - 3)
        seq[start : start + 3, 0] += 2.0 if label else -2.0
        X.append(seq)
    return (X if variable else np.stack(X)), y


@pytest.mark.parametrize(
    "options",
    [
        {"pooling": "attention"},
        {"pooling": "last", "conv_channels": (8, 8)},
    ],
    ids=str,
)
@pytest.mark.slow  # trains until the classes are told apart
@pytest.mark.parametrize("variable", [False, True], ids=["fixed", "variable_length"])
def test_classifier_learns_a_synthetic_problem(options, variable):
    rng = np.random.RandomState(0)
    X, y = _bumps(160, 16, rng, variable)
    X_test, y_test = _bumps(100, 16, rng, variable)
    clf = RNNClassifier(hidden_size=8, max_epochs=25, lr=0.02, batch_size=32, random_state=0, **options)
    assert clf.fit(X, y).score(X_test, y_test) >= 0.9


def test_classifier_passes_pooling_and_conv_channels_to_the_module():
    X, y = np.random.RandomState(0).normal(size=(12, 6, 2)), np.arange(12) % 3
    module = RNNClassifier(hidden_size=4, max_epochs=1, ensemble_size=1, random_state=0).fit(X, y).net_.module_
    # conv_channels="auto": the (64, 128, 64) branch of LSTM-FCN on real-valued inputs
    assert module.pooling == "last" and module.conv.channels == (64, 128, 64) and module.head.in_features == 4 + 64
    module = (
        RNNClassifier(hidden_size=4, max_epochs=1, ensemble_size=1, conv_channels=None, random_state=0)
        .fit(X, y)
        .net_.module_
    )
    assert module.conv is None and module.head.in_features == 4
    clf = RNNClassifier(
        hidden_size=4, max_epochs=1, ensemble_size=1, random_state=0, pooling="attention", conv_channels=[3, 5]
    )
    module = clf.fit(X, y).net_.module_
    assert module.pooling == "attention" and module.conv.channels == (3, 5)
    assert module.head.in_features == 4 + 5 and clf.predict_proba(X).shape == (12, 3)
    assert clf.get_params()["conv_channels"] == [3, 5]  # stored verbatim
    clone(clf)  # sklearn's clone accepts the new parameters
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_classifier_seeded_fit_is_reproducible_with_the_conv_branch():
    X, y = _bumps(40, 12, np.random.RandomState(1))
    kwargs = {"hidden_size": 4, "max_epochs": 2, "random_state": 3, "conv_channels": (4,), "pooling": "mean"}
    first = RNNClassifier(**kwargs).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(RNNClassifier(**kwargs).fit(X, y).predict_proba(X), first)


@pytest.mark.parametrize(
    "kwargs, error, msg",
    [
        (
            {"pooling": "max"},
            InvalidParameterError,
            (
                "The 'pooling' parameter of RNNClassifier must be a str among {'attention', 'last', 'mean'}. Got 'max' "
                "instead."
            ),
        ),
        (
            {"conv_channels": (16, 0)},
            InvalidParameterError,
            (
                "The 'conv_channels' parameter of RNNClassifier must be a non-empty tuple of ints >= 1, a str "
                "among {'auto'} or None. Got (16, 0) instead."
            ),
        ),
        (
            {"conv_channels": ()},
            InvalidParameterError,
            (
                "The 'conv_channels' parameter of RNNClassifier must be a non-empty tuple of ints >= 1, a str among "
                "{'auto'} or None. Got () instead."
            ),
        ),
        (
            {"conv_channels": (8, False)},
            InvalidParameterError,
            (
                "The 'conv_channels' parameter of RNNClassifier must be a non-empty tuple of ints >= 1, a str "
                "among {'auto'} or None. Got (8, False) instead."
            ),
        ),
        (
            {"pooling": "attention", "architecture": "many_to_many"},
            ValueError,
            (
                "RNNClassifier: pooling='attention' summarises whole sequences, so it needs architecture='many_to_one'; "
                "architecture='many_to_many' predicts a label per step. Use pooling='last' and conv_channels=None with "
                "many_to_many."
            ),
        ),
        (
            {"conv_channels": (4,), "architecture": "many_to_many"},
            ValueError,
            (
                "RNNClassifier: conv_channels=(4,) summarises whole sequences, so it needs architecture='many_to_one'; "
                "architecture='many_to_many' predicts a label per step. Use pooling='last' and conv_channels=None with "
                "many_to_many."
            ),
        ),
    ],
)
def test_classifier_bad_options_raise_with_pinned_messages(kwargs, error, msg):
    X, y = np.zeros((4, 3, 1)), np.array([[0, 1, 0], [1, 0, 1], [0, 0, 1], [1, 1, 0]])
    y = y if kwargs.get("architecture") == "many_to_many" else y[:, 0]
    with pytest.raises(error, match=re.escape(msg)):
        RNNClassifier(max_epochs=1, **kwargs).fit(X, y)


# ---------------------------------------------------------------------------- 1-NN DTW of the benchmark
@pytest.fixture(scope="module")
def bench():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "classification.py"
    spec = importlib.util.spec_from_file_location("classification_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dtw_reference(a, b):
    """Textbook O(n m) double loop (Sakoe & Chiba 1978 recurrence, no window)."""
    D = np.full((len(a) + 1, len(b) + 1), np.inf)
    D[0, 0] = 0.0
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            D[i, j] = ((a[i - 1] - b[j - 1]) ** 2).sum() + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D[-1, -1]


def test_dtw_hand_computed(bench):
    query = np.array([[0.0], [1.0], [2.0]])
    refs, lengths = bench._padded([np.array([[0.0], [2.0]]), np.array([[0.0], [1.0], [1.0], [2.0]]), np.array([[3.0]])])
    # [0,1,2] vs [0,2]: path (0,0),(1,0)|(1,1),(2,1) costs 0 + 1 + 0 = 1; vs [0,1,1,2]: 0 (1 matches twice);
    # vs [3]: every point against 3: 9 + 4 + 1 = 14.
    np.testing.assert_allclose(bench.dtw_to_many(query, refs, lengths), [1.0, 0.0, 14.0], atol=1e-12)


def test_dtw_matches_the_double_loop_on_random_multivariate_sequences(bench):
    rng = np.random.RandomState(0)
    for _ in range(5):
        query = rng.normal(size=(rng.randint(1, 12), 3))
        refs = [rng.normal(size=(rng.randint(1, 12), 3)) for _ in range(6)]
        padded, lengths = bench._padded(refs)
        expected = [_dtw_reference(query, r) for r in refs]
        np.testing.assert_allclose(bench.dtw_to_many(query, padded, lengths), expected, rtol=1e-12, atol=1e-12)


def test_one_nn_dtw_predicts_the_nearest_label_under_warping(bench):
    train = np.array([[0.0, 0.0, 5.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]])[:, :, None]
    test = np.array([[0.0, 0.0, 0.0, 0.0, 5.0, 0.0], [0.0, 0.5, 0.0, 0.0, 0.0, 0.0]])[:, :, None]
    # a shifted peak warps onto the peak (distance 0); Euclidean distance would pick the flat series
    np.testing.assert_array_equal(bench.one_nn_dtw(train, np.array(["peak", "flat"]), test), ["peak", "flat"])


def test_the_benchmark_pins_one_net_and_every_auto_setting(bench):
    # a rerun trains the nets its result file describes, whatever the classifier's defaults become
    for candidate in bench.CANDIDATES:
        params = bench.make_classifier(candidate, max_epochs=5, seed=0).get_params()
        assert [name for name, value in params.items() if isinstance(value, str) and value == "auto"] == []
        assert params["ensemble_size"] == 1 and params["max_epochs"] == 5 and params["scaling"] is None
