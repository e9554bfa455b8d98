"""The text benchmarks' rules: sequence_labelling.py's negation scope (on hand-labelled sentences) and
text_classification.py's nested selection (inner split, choice, candidates that pin the defaults)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("sequence_labelling", ROOT / "benchmarks" / "sequence_labelling.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "sentence, labels",
    [
        ("the food was not good at all , but the service was great .", "0 0 0 0 1 1 1 0 0 0 0 0 0 0"),
        ("i don't like it but it works", "0 0 1 1 0 0 0"),
        ("never again !", "0 1 0"),
        ("no , not never bad", "0 0 0 0 1"),  # a cue inside a scope is 0 and keeps the scope open
        ("good food", "0 0"),
    ],
)
def test_negation_scope_runs_from_a_cue_to_punctuation_or_but(script, sentence, labels):
    assert script.negation_labels(sentence.split(" ")) == [int(v) for v in labels.split(" ")]


@pytest.fixture(scope="module")
def classification():
    spec = importlib.util.spec_from_file_location("text_classification", ROOT / "benchmarks" / "text_classification.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_text_classification_inner_split_stays_inside_the_outer_training_part(classification):
    y = np.array([0, 1] * 50)
    train, test = np.arange(80), np.arange(80, 100)  # 40 sentences of each label to train on
    fit, score = classification.inner_split(train, y)
    assert sorted(np.concatenate([fit, score])) == list(train)  # a partition of the training part ...
    assert not set(fit) & set(score)
    assert not set(score) & set(test)  # ... so no test index is ever scored in the selection
    assert np.bincount(y[score]).tolist() == [8, 8]  # 20 % of each label's 40
    np.testing.assert_array_equal(classification.inner_split(train, y)[1], score)  # seeded


def test_text_classification_choice_is_the_best_inner_accuracy_then_the_fewer_seconds(classification):
    scores = [{"accuracy": 0.80, "fit_s": 10.0}, {"accuracy": 0.82, "fit_s": 30.0}, {"accuracy": 0.82, "fit_s": 20.0}]
    assert classification.choose(scores) == 2
    assert classification.choose(scores[:2]) == 1
    assert classification.choose([{"accuracy": 0.7, "fit_s": 5.0}, {"accuracy": 0.6, "fit_s": 1.0}]) == 0


def test_text_classification_candidates_pin_every_setting_the_defaults_resolve(classification):
    candidates = classification.CANDIDATES
    assert 1 <= len(candidates) <= 4
    first = classification.recurrent(*candidates[0][1:], seed=0)[-1].get_params()
    earlier = {"cell": "lstm", "bidirectional": True, "hidden_size": 64, "pooling": "mean", "embedding_dim": 128}
    earlier.update(dropout=0.5, lr=3e-3, patience=4, max_epochs=30, batch_size=32)
    assert {name: first[name] for name in earlier} == earlier  # the earlier version's setting is a candidate
    for _, tokenizer, classifier in candidates:
        params = classification.recurrent(tokenizer, classifier, seed=0)[-1].get_params()
        assert [name for name, value in params.items() if isinstance(value, str) and value == "auto"] == []
        assert params["conv_channels"] is None and params["max_steps"] is None
        assert params["lr_schedule"] == "constant" and params["dropout"] == 0.5 and params["hidden_size"] == 64
        assert params["ensemble_size"] == classification.ENSEMBLE_SIZE == 10  # every candidate averages 10 nets
