"""RNNClassifier(architecture="many_to_many") on sequences of different lengths: one label per real step, the
padded steps left out of the loss and of the predictions."""

import re

import numpy as np
import pytest

from seqforecast import RNNClassifier, RNNRegressor
from seqforecast._utils.sequences import check_sequences
from seqforecast.estimators.classifier import IGNORED_STEP

# token ids 2..5; a token's label is "hi" for ids above 3, "lo" else: a rule a tagger learns from one step
X = [np.array(ids) for ids in ([2, 5, 3], [4, 4, 2, 5, 3], [5, 2], [3, 4, 5, 2], [2, 2, 4, 5, 5, 3])]
Y = [np.where(x > 3, "hi", "lo") for x in X]
TINY = dict(architecture="many_to_many", embedding_dim=4, hidden_size=8, random_state=0)


def test_targets_are_padded_with_the_ignored_step():
    clf = RNNClassifier(**TINY, max_epochs=1)
    seqs = check_sequences(X[:3], name="RNNClassifier", tokens=True)
    y_net, target = clf._check_targets(Y[:3], seqs, "RNNClassifier")
    assert target["classes_"].tolist() == ["hi", "lo"]
    expected = np.array(
        [
            [1, 0, 1, IGNORED_STEP, IGNORED_STEP],
            [0, 0, 1, 0, 1],
            [0, 1, IGNORED_STEP, IGNORED_STEP, IGNORED_STEP],
        ]
    )
    np.testing.assert_array_equal(y_net, expected)
    assert IGNORED_STEP == -100  # torch.nn.CrossEntropyLoss's default ignore_index


def test_balanced_weights_count_the_real_steps_only():
    seqs = check_sequences(X[1:3], name="RNNClassifier", tokens=True)
    _, target = RNNClassifier(**TINY, class_weight="balanced")._check_targets(Y[1:3], seqs, "RNNClassifier")
    # 7 real steps: 4 "hi" ([4, 4, 2, 5, 3]: 3, [5, 2]: 1) and 3 "lo"; the 3 padded steps are not counted
    np.testing.assert_allclose(target["criterion_kwargs"]["weight"].numpy(), [7 / (2 * 4), 7 / (2 * 3)])


@pytest.mark.slow  # 60 epochs of a tiny net
def test_a_tagger_learns_and_predicts_one_label_per_real_step():
    clf = RNNClassifier(**TINY, max_epochs=60, lr=0.05).fit(X, Y)
    pred = clf.predict(X)
    assert isinstance(pred, list) and [len(p) for p in pred] == [3, 5, 2, 4, 6]
    assert [p.tolist() for p in pred] == [y.tolist() for y in Y]
    assert clf.score(X, Y) == 1.0
    proba = clf.predict_proba(X[:2])
    assert [p.shape for p in proba] == [(3, 2), (5, 2)]
    np.testing.assert_allclose([p.sum(axis=1) for p in proba][0], 1.0)
    assert clf.n_timesteps_ is None  # any length at predict
    assert clf.predict([np.array([5, 2, 4, 4, 3, 2, 5])])[0].tolist() == ["hi", "lo", "hi", "hi", "lo", "lo", "hi"]


@pytest.mark.parametrize("bidirectional", [False, True])
def test_a_sequence_is_labelled_the_same_alone_and_beside_longer_ones(bidirectional):
    clf = RNNClassifier(**TINY, bidirectional=bidirectional, max_epochs=2).fit(X, Y)
    together = clf.predict_proba(X)
    for x, p in zip(X, together):
        alone = clf.predict_proba([x, x[:1]])[0]  # a batch of two lengths, so x is not read as an array
        np.testing.assert_allclose(alone, p, rtol=0, atol=1e-12)


def test_score_weighs_each_step_by_its_sequence():
    clf = RNNClassifier(**TINY, max_epochs=1).fit(X, Y)
    pred = clf.predict(X[:2])
    truth = [pred[0], np.array(["lo" if v == "hi" else "hi" for v in pred[1]])]  # sequence 1 all wrong
    assert clf.score(X[:2], truth) == pytest.approx(3 / 8)
    assert clf.score(X[:2], truth, sample_weight=[1.0, 0.0]) == 1.0


def test_labels_of_the_wrong_length_are_refused():
    bad = [Y[0], Y[1][:-1], *Y[2:]]
    message = (
        "RNNClassifier with architecture='many_to_many' expects one label per step: X[1] has 5 steps, but y[1] has "
        "4 label(s). Pass y as a list of 1-D label sequences, y[i] with one label per step of X[i]."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        RNNClassifier(**TINY, max_epochs=1).fit(X, bad)


def test_labels_that_are_not_a_list_are_refused():
    message = (
        "RNNClassifier with architecture='many_to_many' on sequences of different lengths (2 to 6 steps) expects y "
        "as a list of label sequences, one per sequence and as long as it; got y of type ndarray."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        RNNClassifier(**TINY, max_epochs=1).fit(X, np.zeros(len(X)))


def test_missing_labels_inside_a_sequence_are_refused():
    bad = [Y[0], np.array(["hi", None, "lo", "hi", "lo"], dtype=object), *Y[2:]]
    with pytest.raises(ValueError, match="missing"):
        RNNClassifier(**TINY, max_epochs=1).fit(X, bad)


def test_truncated_bptt_needs_one_common_length():
    message = (
        "RNNClassifier: tbptt_steps=2 cuts sequences of one common length into chunks; X holds sequences of 2 to 6 "
        "steps. Pad them to one length (a 2-D or 3-D array), or use tbptt_steps=None."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        RNNClassifier(**TINY, max_epochs=1, tbptt_steps=2).fit(X, Y)


def test_the_regressor_still_needs_one_common_length():
    Xf = [x.astype(float)[:, None] for x in X]
    message = (
        "RNNRegressor: architecture='many_to_many' needs sequences of one common length (a 2-D or 3-D array); "
        "variable-length lists are supported with architecture='many_to_one'."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        RNNRegressor(architecture="many_to_many", max_epochs=1).fit(Xf, [x.astype(float) for x in X])
