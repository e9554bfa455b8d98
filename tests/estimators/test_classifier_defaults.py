"""Tests of RNNClassifier's "auto" defaults: the settings resolved from the data size, the shortening front for
long sequences (chunk means), the standardisation inside the net (global, or each sequence by its own moments
when their amplitudes differ by orders of magnitude), the cosine schedule, and that explicit settings train as
they say."""

import re

import numpy as np
import pytest
import torch

from seqforecast.estimators import RNNClassifier
from seqforecast.estimators._classifier_auto import amplitude_spread, auto_batch_size, resolve_classifier_settings
from seqforecast.nets import RecurrentNet, chunk_means, series_standardise

AUTO = ("conv_channels", "max_steps", "batch_size", "max_epochs", "lr_schedule", "scaling", "ensemble_size")
#: Small single nets (ensemble_size=1) that still use every other "auto" part but the training length.
SMALL = dict(hidden_size=4, max_epochs=2, random_state=0, ensemble_size=1)


def _resolve(n_samples, n_timesteps, tokens=False, spread=1.0, **params):
    return resolve_classifier_settings(
        RNNClassifier(**params), n_samples=n_samples, n_timesteps=n_timesteps, tokens=tokens, spread=spread
    )


# ---------------------------------------------------------------------------- resolved settings
@pytest.mark.parametrize(
    "n_samples, n_timesteps, expected",
    [
        # ItalyPowerDemand: ceil(67 / 16) = 5 batches an epoch, ceil(1000 / 5) = 200 epochs
        (67, 24, dict(rnn_stride=1, conv_stride=1, batch_size=16, max_epochs=200, optimizer_steps=1000)),
        # ACSF1: 1,460 steps -> chunks of ceil(1460 / 256) = 6 for the recurrence (244 steps) and
        # ceil(1460 / 512) = 3 for the convolutions (487 steps); 7 batches an epoch, ceil(1000 / 7) = 143 epochs
        (100, 1460, dict(rnn_stride=6, conv_stride=3, batch_size=16, max_epochs=143, optimizer_steps=1001)),
        # PLAID (longest training sequence 1,344): 34 batches an epoch, 30 epochs
        (537, 1344, dict(rnn_stride=6, conv_stride=3, batch_size=16, max_epochs=30, optimizer_steps=1020)),
        # exactly 256 steps: read whole; 257: chunks of 2 (and 1 for the convolutions)
        (40, 256, dict(rnn_stride=1, conv_stride=1, batch_size=16, max_epochs=334, optimizer_steps=1002)),
        (40, 257, dict(rnn_stride=2, conv_stride=1, batch_size=16, max_epochs=334, optimizer_steps=1002)),
        # larger sets: batches of 32 (157 an epoch, 7 epochs), then 64 (313 an epoch, 4 epochs)
        (5000, 50, dict(rnn_stride=1, conv_stride=1, batch_size=32, max_epochs=7, optimizer_steps=1099)),
        (20000, 50, dict(rnn_stride=1, conv_stride=1, batch_size=64, max_epochs=4, optimizer_steps=1252)),
        # more batches an epoch than the budget: one epoch
        (200_000, 10, dict(rnn_stride=1, conv_stride=1, batch_size=64, max_epochs=1, optimizer_steps=3125)),
    ],
)
def test_auto_settings_for_hand_picked_data_sizes(n_samples, n_timesteps, expected):
    config = _resolve(n_samples, n_timesteps)
    assert config == {
        **expected,
        "conv_channels": (64, 128, 64),
        "lr_schedule": "cosine",
        "scaling": "standard",
        "ensemble_size": 3,
        "auto": AUTO,
    }


def test_auto_batch_size_thresholds():
    assert [auto_batch_size(n) for n in (1, 1000, 1001, 10_000, 10_001)] == [16, 16, 32, 32, 64]


def test_token_ids_and_many_to_many_get_no_branch_no_front_and_many_to_many_one_net():
    expected = dict(conv_channels=None, rnn_stride=1, conv_stride=1, batch_size=16, max_epochs=334)
    tokens, per_step = _resolve(40, 2000, tokens=True), _resolve(40, 2000, architecture="many_to_many")
    assert {k: tokens[k] for k in expected} == expected
    assert {k: per_step[k] for k in expected} == expected
    assert (tokens["ensemble_size"], per_step["ensemble_size"]) == (3, 1)


def test_explicit_values_are_kept_and_switch_the_schedule_off():
    config = _resolve(67, 1000, max_epochs=5, batch_size=8, conv_channels=[3], max_steps=None)
    assert config == {
        "conv_channels": (3,),
        "rnn_stride": 1,
        "conv_stride": 1,
        "batch_size": 8,
        "max_epochs": 5,
        "lr_schedule": "constant",  # "auto" follows max_epochs: an explicit training length keeps lr
        "optimizer_steps": 45,  # ceil(67 / 8) = 9 batches x 5 epochs
        "scaling": "standard",
        "ensemble_size": 3,
        "auto": ("lr_schedule", "scaling", "ensemble_size"),
    }
    assert _resolve(67, 24, max_epochs=5, lr_schedule="cosine")["lr_schedule"] == "cosine"
    assert _resolve(67, 24, lr_schedule="constant")["lr_schedule"] == "constant"
    assert _resolve(67, 1000, max_steps=100)[("rnn_stride")] == 10  # ceil(1000 / 100)


def test_the_budget_counts_the_batches_actually_trained_on():
    # patience holds out ceil(0.1 * 67) = 7 rows: 60 train, 4 batches an epoch, 250 epochs
    assert _resolve(67, 24, patience=3)["max_epochs"] == 250
    # samples_per_epoch=64: 2 batches of 32 an epoch whatever n_samples
    assert _resolve(5000, 24, samples_per_epoch=64)["max_epochs"] == 500


# ---------------------------------------------------------------------------- the shortening front
def test_chunk_means_hand_computed_with_padding():
    X = torch.tensor([[1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 20.0, 30.0, 99.0, 99.0]]).unsqueeze(-1)  # [2, 5, 1]
    short, lengths = chunk_means(X, torch.tensor([5, 3]), 2)
    # row 0: (1+2)/2, (3+4)/2, 5 alone; row 1: (10+20)/2, 30 alone (the 99s are padding), then padding
    np.testing.assert_array_equal(short[..., 0].numpy(), [[1.5, 3.5, 5.0], [15.0, 30.0, 0.0]])
    assert lengths.tolist() == [3, 2]
    short, none = chunk_means(X[:1], None, 2)
    assert none is None and short[0, :, 0].tolist() == [1.5, 3.5, 5.0]  # the last chunk averages its real step
    same, lengths = chunk_means(X, torch.tensor([5, 3]), 1)
    assert same is X and lengths.tolist() == [5, 3]


def test_a_long_sequence_goes_through_the_front_before_the_recurrence():
    net = RecurrentNet(2, 3, hidden_size=4, conv_channels=(5,), rnn_stride=6, conv_stride=3).eval()
    seen = {}
    net.rnn.register_forward_hook(lambda module, args, out: seen.update(rnn=tuple(args[0].shape)))
    net.conv.convs[0].register_forward_hook(lambda module, args, out: seen.update(conv=tuple(args[0].shape)))
    assert net(torch.randn(4, 1460, 2)).shape == (4, 3)
    # [B, T, F] -> [B, ceil(1460 / 6), F] for the LSTM; [B, F, ceil(1460 / 3) + 8 - 1] (same-padded) for the conv
    assert seen == {"rnn": (4, 244, 2), "conv": (4, 2, 487 + 7)}


def test_the_estimator_builds_the_front_from_max_steps_and_reads_long_sequences_in_chunks():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(12, 10, 2)), np.arange(12) % 2
    clf = RNNClassifier(**SMALL, max_steps=4).fit(X, y)
    module = clf.net_.module_
    assert (clf.config_["rnn_stride"], clf.config_["conv_stride"]) == (3, 2)  # ceil(10 / 4), ceil(10 / 8)
    assert (module.rnn_stride, module.conv_stride) == (3, 2)
    assert clf.predict_proba(X).shape == (12, 2)
    # a list of sequences of different lengths: the longest (10) sets the chunk size
    X_list = [x[: 4 + i % 7] for i, x in enumerate(X)]
    clf = RNNClassifier(**SMALL, max_steps=4).fit(X_list, y)
    assert clf.config_["rnn_stride"] == 3 and clf.predict(X_list).shape == (12,)


def test_a_padded_batch_gives_each_sequence_its_logits_alone_through_the_front():
    torch.manual_seed(0)
    net = RecurrentNet(2, 3, hidden_size=4, conv_channels=(5,), rnn_stride=3, conv_stride=2).eval()
    X, lengths = torch.randn(3, 11, 2), torch.tensor([11, 7, 4])
    X[1, 7:], X[2, 4:] = 1e3, -1e3  # padding values must not matter
    batch = net(X, lengths)
    for i, n in enumerate(lengths.tolist()):
        torch.testing.assert_close(batch[i], net(X[i : i + 1, :n])[0], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- standardisation
def test_inputs_are_standardised_inside_the_net_with_the_moments_of_the_real_training_steps():
    X = [np.array([[1.0, 5.0], [3.0, 5.0]]), np.array([[5.0, 5.0]])]  # feature 1 never varies
    clf = RNNClassifier(**SMALL).fit(X, [0, 1])
    module = clf.net_.module_
    np.testing.assert_allclose(module.input_mean.numpy(), [3.0, 5.0])  # the padding step is not counted
    np.testing.assert_allclose(module.input_scale.numpy(), [np.sqrt(8 / 3), 1.0])  # constant feature: scale 1
    assert not RNNClassifier(**SMALL, scaling=None).fit(X, [0, 1]).net_.module_.standardise


def test_standardisation_makes_the_fit_blind_to_the_units_of_x():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(16, 6, 2)), np.arange(16) % 2
    first = RNNClassifier(**SMALL).fit(X, y).predict_proba(X)
    scaled = RNNClassifier(**SMALL).fit(X * 1000.0 + 7.0, y).predict_proba(X * 1000.0 + 7.0)
    np.testing.assert_allclose(scaled, first, atol=1e-4)


def test_token_ids_are_never_standardised():
    tokens = np.random.RandomState(0).randint(0, 6, size=(12, 5))
    for scaling in ("auto", "standard", "series"):
        clf = RNNClassifier(**SMALL, embedding_dim=3, scaling=scaling).fit(tokens, np.arange(12) % 2)
        module = clf.net_.module_
        assert clf.config_["scaling"] is None and not module.standardise and not module.series_scaling
        assert module.conv is None and module.rnn_stride == 1


# ---------------------------------------------------------------------------- per-sequence standardisation
def test_amplitude_spread_hand_computed():
    pm = np.array([1.0, -1.0])  # std 1 over two steps
    X = pm[None, :, None] * np.array([1.0, 2.0, 3.0, 400.0, 500.0])[:, None, None]  # stds 1, 2, 3, 400, 500
    assert amplitude_spread(X) == pytest.approx(200.0)  # 75th percentile 400 / 25th percentile 2
    assert amplitude_spread(X / 7.0 + 3.0) == pytest.approx(200.0)  # units and offsets do not matter
    # two features: the larger ratio counts; a second, z-normalised feature has ratio 1
    assert amplitude_spread(np.concatenate([X, np.repeat(pm[None, :, None], 5, axis=0)], axis=2)) == pytest.approx(
        200.0
    )
    # padding is not counted: the 1e6 after each length would make every std huge
    X_pad = np.concatenate([X, np.full((5, 1, 1), 1e6)], axis=1)
    assert amplitude_spread(X_pad, lengths=np.full(5, 2)) == pytest.approx(200.0)
    # constant sequences: a quarter or more of them but not all -> infinite; all constant -> 1
    assert amplitude_spread(X * np.array([0.0, 0.0, 1.0, 1.0, 1.0])[:, None, None]) == np.inf
    assert amplitude_spread(np.ones((4, 3, 1))) == 1.0


@pytest.mark.parametrize(
    "spread, params, tokens, expected",
    [
        (100.0, {}, False, "standard"),  # at the threshold: one global scale
        (100.5, {}, False, "series"),  # beyond: each sequence by its own moments
        (np.inf, {}, False, "series"),
        (1e6, {"architecture": "many_to_many"}, False, "standard"),  # labels per step: never per sequence
        (1e6, {}, True, None),  # token ids are never scaled
        (1e6, {"scaling": "standard"}, False, "standard"),  # explicit values are kept
        (1.0, {"scaling": "series"}, False, "series"),
        (1e6, {"scaling": None}, False, None),
    ],
)
def test_auto_scaling_follows_the_amplitude_spread(spread, params, tokens, expected):
    config = _resolve(100, 50, tokens=tokens, spread=spread, **params)
    assert config["scaling"] == expected
    assert ("scaling" in config["auto"]) == ("scaling" not in params)


def test_series_standardise_hand_computed_with_padding():
    X = torch.tensor([[[1.0, 4.0], [3.0, 4.0], [5.0, 4.0]], [[10.0, 0.0], [30.0, 2.0], [99.0, 99.0]]])  # [2, 3, 2]
    out = series_standardise(X, torch.tensor([3, 2]))
    s = np.sqrt(8 / 3)  # population std of 1, 3, 5
    expected = [[[-2 / s, 0.0], [0.0, 0.0], [2 / s, 0.0]], [[-1.0, -1.0], [1.0, 1.0], [0.0, 0.0]]]
    # row 0: the constant feature becomes 0 (scale 1); row 1: the step past its length stays 0 and is not counted
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(series_standardise(X[:1]).numpy(), expected[:1], rtol=1e-6, atol=1e-6)


def test_amplitudes_orders_of_magnitude_apart_get_each_sequence_standardised_by_its_own_moments():
    rng = np.random.RandomState(3)
    # 16 sequences of different lengths whose amplitudes span 1e-3 to 1e3 (spread far over 100)
    X = [rng.normal(size=(5 + i % 4, 2)) * 10.0 ** rng.uniform(-3, 3) for i in range(16)]
    y = np.arange(16) % 2
    clf = RNNClassifier(**SMALL, conv_channels=(3,)).fit(X, y)
    module = clf.net_.module_
    assert clf.config_["scaling"] == "series" and "scaling" in clf.config_["auto"]
    assert module.series_scaling and not module.standardise
    # the net reads shapes only: another level and amplitude per sequence gives the same probabilities
    moved = [x * 10.0 ** (i % 5 - 2) + 3.0 * i for i, x in enumerate(X)]
    np.testing.assert_allclose(clf.predict_proba(moved), clf.predict_proba(X), rtol=1e-4, atol=1e-5)
    # z-normalised data (spread 1) keeps the global standardisation
    Z = [(x - x.mean(0)) / x.std(0) for x in X]
    clf = RNNClassifier(**SMALL).fit(Z, y)
    assert clf.config_["scaling"] == "standard" and clf.net_.module_.standardise


def test_a_padded_batch_gives_each_sequence_its_logits_alone_with_series_scaling():
    torch.manual_seed(0)
    net = RecurrentNet(2, 3, hidden_size=4, conv_channels=(5,), rnn_stride=2, series_scaling=True).eval()
    X, lengths = torch.randn(3, 9, 2) * torch.tensor([1e-3, 1.0, 1e3])[:, None, None], torch.tensor([9, 6, 4])
    X[1, 6:], X[2, 4:] = 1e3, -1e3  # padding values must not matter
    batch = net(X, lengths)
    for i, n in enumerate(lengths.tolist()):
        torch.testing.assert_close(batch[i], net(X[i : i + 1, :n])[0], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- training length and schedule
def test_an_explicit_max_epochs_trains_that_many_epochs_at_a_constant_learning_rate():
    X, y = np.random.RandomState(0).normal(size=(20, 5, 1)), np.arange(20) % 2
    clf = RNNClassifier(hidden_size=4, max_epochs=3, batch_size=8, random_state=0).fit(X, y)
    assert len(clf.history_) == 3 and clf.net_.batch_size == 8
    assert clf.net_.optimizer_.param_groups[0]["lr"] == 1e-3
    assert "lr_schedule" not in dict(clf.net_.callbacks_)


def test_the_cosine_schedule_takes_the_learning_rate_to_zero_over_the_optimizer_steps():
    X, y = np.random.RandomState(0).normal(size=(20, 5, 1)), np.arange(20) % 2
    clf = RNNClassifier(hidden_size=4, max_epochs=3, lr_schedule="cosine", random_state=0).fit(X, y)
    assert clf.config_["optimizer_steps"] == 6  # ceil(20 / 16) = 2 batches x 3 epochs
    assert clf.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.slow  # the 1,000 optimizer steps of an "auto" training, of a tiny net (a few seconds)
def test_auto_training_resolves_at_fit_and_is_recorded(capsys):
    X, y = np.random.RandomState(0).normal(size=(400, 3, 1)), np.arange(400) % 2
    # 400 sequences in batches of 16: 25 batches an epoch, 40 epochs of a tiny net
    clf = RNNClassifier(hidden_size=2, conv_channels=[2], random_state=0, verbose=1).fit(X, y)
    assert clf.get_params()["max_epochs"] == "auto" and clf.config_["max_epochs"] == 40
    assert len(clf.history_) == 40 and clf.net_.batch_size == 16
    assert "RNNClassifier: {'conv_channels': (2,), 'rnn_stride': 1" in capsys.readouterr().out


def test_seeded_fits_with_the_auto_parts_are_identical():
    rng = np.random.RandomState(1)
    X, y = rng.normal(size=(20, 30, 2)), np.arange(20) % 3
    first = RNNClassifier(**SMALL, max_steps=8, lr_schedule="cosine").fit(X, y).predict_proba(X)
    again = RNNClassifier(**SMALL, max_steps=8, lr_schedule="cosine").fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(again, first)


# ---------------------------------------------------------------------------- messages
def test_max_steps_with_many_to_many_raises():
    X, y = np.zeros((4, 3, 1)), np.array([[0, 1, 0], [1, 0, 1], [0, 0, 1], [1, 1, 0]])
    msg = (
        "RNNClassifier: max_steps=2 averages steps together, but architecture='many_to_many' predicts a label per "
        "step. Use max_steps=None (or 'auto') with many_to_many."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RNNClassifier(max_epochs=1, architecture="many_to_many", max_steps=2).fit(X, y)
    clf = RNNClassifier(hidden_size=2, max_epochs=1, architecture="many_to_many").fit(X, y)  # "auto" is fine
    assert clf.config_["conv_channels"] is None and clf.predict(X).shape == (4, 3)


def test_series_scaling_with_many_to_many_raises():
    X, y = np.zeros((4, 3, 1)), np.array([[0, 1, 0], [1, 0, 1], [0, 0, 1], [1, 1, 0]])
    msg = (
        "RNNClassifier: scaling='series' standardises each whole sequence by its own moments, but "
        "architecture='many_to_many' predicts a label per step (and may read a sequence in chunks). Use "
        "scaling='standard' (or 'auto') with many_to_many."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RNNClassifier(max_epochs=1, architecture="many_to_many", scaling="series").fit(X, y)


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (
            dict(output="sequence", series_scaling=True),
            "RecurrentNet: series_scaling=True standardises each whole real-valued sequence by its own moments, so "
            "it needs output='last', no embedding and no input_mean/input_scale; got output='sequence'. Use one "
            "scaling, or series_scaling=False.",
        ),
        (
            dict(series_scaling=True, input_mean=[0.0, 0.0], input_scale=[1.0, 1.0]),
            "RecurrentNet: series_scaling=True standardises each whole real-valued sequence by its own moments, so "
            "it needs output='last', no embedding and no input_mean/input_scale; got input_mean/input_scale. Use "
            "one scaling, or series_scaling=False.",
        ),
        (
            dict(output="sequence", rnn_stride=2),
            "RecurrentNet: rnn_stride=2 and conv_stride=1 shorten whole sequences, so they need output='last'; "
            "output='sequence' predicts at every step. Use strides of 1.",
        ),
        (
            dict(input_mean=[0.0, 0.0]),
            "RecurrentNet: input_mean and input_scale standardise real-valued inputs and go together; got "
            "input_mean=[0.0, 0.0], input_scale=None and num_embeddings=None. Set both (without an embedding) or "
            "neither.",
        ),
    ],
)
def test_net_options_raise_with_pinned_messages(kwargs, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        RecurrentNet(2, 3, **kwargs)


def test_the_state_api_refuses_a_net_that_averages_or_scales_its_inputs():
    net = RecurrentNet(2, 3, rnn_stride=2)
    msg = (
        "RecurrentNet.encode() feeds raw steps one at a time, but this net standardises or averages its inputs "
        "(rnn_stride=2). Re-run forward() on the whole window instead, or build the net without "
        "input_mean/input_scale or series_scaling and with rnn_stride=1."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        net.encode(torch.zeros(1, 4, 2))
    with pytest.raises(ValueError, match=re.escape(msg.replace("rnn_stride=2)", "rnn_stride=1)"))):
        RecurrentNet(2, 3, series_scaling=True).encode(torch.zeros(1, 4, 2))


def test_a_model_file_keeps_the_resolved_settings_the_front_and_the_scaling(tmp_path):
    from seqforecast import load, save

    rng = np.random.RandomState(2)
    X, y = rng.normal(size=(12, 10, 2)) * 50.0 + 3.0, np.arange(12) % 2
    clf = RNNClassifier(**SMALL, max_steps=4).fit(X, y)
    save(clf, tmp_path / "clf.zip")
    again = load(tmp_path / "clf.zip")
    assert again.config_ == clf.config_ and again.net_.batch_size == 16
    module = again.net_.module_
    assert (module.rnn_stride, module.conv_stride) == (3, 2)
    np.testing.assert_array_equal(module.input_mean.numpy(), clf.net_.module_.input_mean.numpy())
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_a_model_file_keeps_the_series_scaling(tmp_path):
    from seqforecast import load, save

    rng = np.random.RandomState(4)
    X = [rng.normal(size=(4 + i % 3, 1)) * 10.0 ** (i % 7 - 3) for i in range(12)]
    clf = RNNClassifier(**SMALL, conv_channels=(2,)).fit(X, np.arange(12) % 2)
    save(clf, tmp_path / "clf.zip")
    again = load(tmp_path / "clf.zip")
    assert again.config_["scaling"] == "series" and again.net_.module_.series_scaling
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
