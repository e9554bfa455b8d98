"""The pieces of the character language-model benchmark (benchmarks/char_language_model.py) that make its
figures: the split, the chunks, the scoring windows, and the baselines' cross-entropies, against hand-computed
values."""

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "char_language_model.py"


def load_script():
    spec = importlib.util.spec_from_file_location("char_language_model_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["char_language_model_benchmark"] = module
    spec.loader.exec_module(module)
    return module


clm = load_script()


def test_split_holds_out_a_tenth_of_the_sentences_and_joins_them_with_newlines():
    texts = [f"s{i}" for i in range(20)]
    train, held, n_train, n_held = clm.split_sentences(texts, seed=0)
    assert (n_train, n_held) == (18, 2)
    assert sorted(train.split("\n") + held.split("\n")) == sorted(texts)
    assert clm.split_sentences(texts, seed=0) == (train, held, 18, 2)


def test_chunks_pair_each_step_with_the_next_id():
    X, y = clm.chunks(np.arange(10), 3)
    np.testing.assert_array_equal(X, [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    np.testing.assert_array_equal(y, [[1, 2, 3], [4, 5, 6], [7, 8, 9]])


@pytest.mark.parametrize(
    "n, windows",
    [
        (10, [(0, 0), (2, 4), (4, 6), (6, 8)]),
        (9, [(0, 0), (2, 4), (4, 6), (5, 8)]),  # the last window ends at n
        (3, [(0, 0)]),
    ],
)
def test_scoring_windows_score_every_position_once_with_half_a_window_of_context(n, windows):
    assert clm.scored_windows(n, 4) == windows
    scored = [p for start, first in windows for p in range(first, min(start + 4, n))]
    assert scored == list(range(n))
    assert all(p - start >= 2 for start, first in windows[1:] for p in range(first, start + 4))


def test_unigram_and_bigram_cross_entropies_by_hand():
    train, vocabulary = np.array([2, 3, 2, 2]), np.array([2, 3])  # V = 2, N = 4
    # unigram: p(2) = (3 + 1) / (4 + 2), p(3) = (1 + 1) / (4 + 2)
    np.testing.assert_allclose(clm.unigram_nll(train, np.array([3, 2]), vocabulary), [math.log(3), math.log(1.5)])
    # bigram: n(2,3) = n(3,2) = n(2,2) = 1, n(2) = 2, n(3) = 1: p(3|2) = 2/4, p(2|3) = 2/3, p(3|3) = 1/3; an
    # unseen previous id (1, unknown) gives 1/V
    nll = clm.bigram_nll(train, np.array([2, 3, 3, 1]), np.array([3, 2, 3, 2]), vocabulary)
    np.testing.assert_allclose(nll, [math.log(2), math.log(1.5), math.log(3), math.log(2)])


class _Uniform:
    """A stand-in model over classes 2, 3, 4 that gives each probability 1/3 at every step."""

    classes_ = np.array([2, 3, 4])

    def predict_proba(self, X):
        return np.full((*X.shape, 3), 1 / 3)


def test_model_cross_entropy_reads_windows_and_leaves_out_targets_that_are_no_class():
    inputs, targets = np.array([2, 3, 4, 2, 3, 4, 2]), np.array([3, 4, 2, 3, 1, 2, 3])  # 1: no class
    nll = clm.model_nll(_Uniform(), inputs, targets, 4)
    expected = np.full(7, math.log(3))
    expected[4] = np.nan
    np.testing.assert_allclose(nll, expected)
