"""Generating sequences: the shared carried-state loop (hand-computed), the softmax draw (hand-computed
classes for given uniforms), and RNNClassifier.generate on a tiny character-level language model: against a
hand-rolled loop over RecurrentNet.step, greedy decoding against re-reading the whole text, temperature near 0
against greedy, seeds, shapes, and the refusals with their messages. RNNRegressor's sample paths and
recursion run on the same loop; their numbers are pinned in tests/forecasting/test_sample_paths.py and
tests/estimators/test_distribution_head.py."""

import re

import numpy as np
import pytest
import torch

from seqforecast.estimators import RNNClassifier
from seqforecast.estimators._generation import carry_state, repeat_rows, softmax_draw

CORPUS = "abcab cab abc. " * 8
T = 6
LM = dict(architecture="many_to_many", embedding_dim=3, hidden_size=8, max_epochs=3, lr=0.05, random_state=0)


def _chunks(text, length=T, stride=2, offset=2):
    """Character ids (offset from 2, as TextTokenizer gives them) cut into chunks X and next-character y."""
    alphabet = sorted(set(text))
    ids = np.array([alphabet.index(c) + offset for c in text], dtype=np.int64)
    starts = np.arange(0, len(ids) - length - 1, stride)
    X = np.stack([ids[s : s + length] for s in starts])  # [n, T]
    y = np.stack([ids[s + 1 : s + length + 1] for s in starts])  # [n, T]: the next character at each step
    return X, y


@pytest.fixture(scope="module")
def lm():
    return RNNClassifier(cell="gru", **LM).fit(*_chunks(CORPUS))


SEEDS = [np.array([2, 3, 4, 2]), np.array([5, 2]), np.array([3, 4, 6, 2, 3, 0])]  # 0 is an id here, not padding


class _Uniforms:
    """A stand-in generator whose ``random(n)`` returns given uniforms."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=np.float64)

    def random(self, n):
        assert n == len(self.values)
        return self.values


# ---------------------------------------------------------------------------- the shared pieces
class _Doubler(torch.nn.Module):
    """step(x, state) = (2 * x, state + 1): a module whose generation can be computed by hand."""

    def step(self, x, state):
        return 2 * x, state + 1


def test_carry_state_feeds_each_step_from_the_previous_draw():
    fed = []

    def feed(values, k):
        fed.append(k)
        return torch.as_tensor(values) + k

    out = carry_state(_Doubler(), torch.zeros(1), torch.tensor([1.0, 2.0]), 3, draw=lambda o, rng: o.numpy(), feed=feed)
    # step 0: the first head output [1, 2]; step 1: 2 * ([1, 2] + 1) = [4, 6]; step 2: 2 * ([4, 6] + 2) = [12, 16]
    np.testing.assert_array_equal(out, [[1.0, 4.0, 12.0], [2.0, 6.0, 16.0]])
    assert fed == [1, 2]
    assert carry_state(_Doubler(), None, torch.tensor([7.0]), 1, draw=lambda o, rng: o.numpy(), feed=None).tolist() == [
        [7.0]
    ]


def test_repeat_rows_puts_the_copies_of_a_row_next_to_each_other():
    h = torch.tensor([[[1.0], [2.0]]])  # [L=1, S=2, H=1]
    assert repeat_rows(h, 3)[0, :, 0].tolist() == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    h2, c2 = repeat_rows((h, -h), 2)  # an LSTM's (h, c)
    assert h2[0, :, 0].tolist() == [1.0, 1.0, 2.0, 2.0] and c2[0, :, 0].tolist() == [-1.0, -1.0, -2.0, -2.0]


def test_softmax_draw_takes_the_class_whose_cumulative_probability_exceeds_the_uniform():
    logits = np.log(np.tile([0.2, 0.5, 0.3], (5, 1)))  # cumulative probabilities 0.2, 0.7, 1.0
    draws = softmax_draw(logits, 1.0, _Uniforms([0.1, 0.3, 0.69, 0.71, 0.999]))
    assert draws.dtype == np.int64 and draws.tolist() == [0, 1, 1, 2, 2]
    # temperature 2: probabilities proportional to sqrt(0.2), sqrt(0.5), sqrt(0.3) = 0.4472, 0.7071, 0.5477
    # (sum 1.7020), i.e. 0.2628, 0.4155, 0.3218, cumulative 0.2628, 0.6782, 1.0 (hand-computed)
    assert softmax_draw(logits[:4], 2.0, _Uniforms([0.26, 0.27, 0.67, 0.68])).tolist() == [0, 1, 1, 2]
    # inf: uniform over the 3 classes
    assert softmax_draw(logits[:3], np.inf, _Uniforms([0.3, 0.4, 0.9])).tolist() == [0, 1, 2]


def test_softmax_draw_at_temperature_0_and_near_0_is_the_argmax():
    logits = np.array([[0.1, 0.3, 0.2], [2.0, -1.0, 2.0], [-5.0, -4.0, -4.5]])
    np.testing.assert_array_equal(softmax_draw(logits, 0.0, None), [1, 0, 1])  # ties: the first
    extremes = _Uniforms([0.0, 0.0, 1 - 2**-53])  # the smallest and largest uniforms rng.random gives
    np.testing.assert_array_equal(softmax_draw(logits[[0, 2, 0]], 1e-6, extremes), [1, 1, 1])


# ---------------------------------------------------------------------------- RNNClassifier.generate
def _hand_rolled(lm, seeds, n_steps, temperature, n_samples, seed):
    """Generation by hand: the float64 net reads each seed alone, then per step the softmax of the logits at
    ``temperature`` (normalised), one uniform per row from one numpy generator in row order, the class by
    ``searchsorted`` on the cumulative probabilities, its id fed back through ``step``."""
    module, rng = lm._inference_module(), np.random.default_rng(seed)
    with torch.no_grad():
        states = [module.encode(torch.from_numpy(s)[None]) for s in seeds]  # GRU: [L, 1, H] each
        state = torch.cat(states, dim=1).repeat_interleave(n_samples, dim=1)  # [L, S*N, H]
        logits = module.readout(state).numpy()  # [S*N, K]
        out = np.empty((len(seeds) * n_samples, n_steps), dtype=np.int64)
        for k in range(n_steps):
            if k:
                step_logits, state = module.step(torch.from_numpy(out[:, k - 1]), state)
                logits = step_logits.numpy()
            z = (logits - logits.max(axis=1, keepdims=True)) / temperature
            proba = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            u = rng.random(len(proba))
            index = [np.searchsorted(np.cumsum(p), v, side="right") for p, v in zip(proba, u)]
            out[:, k] = lm.classes_[index]
    return out.reshape(len(seeds), n_samples, n_steps)


def _greedy_by_rereading(lm, seed, n_steps):
    """Greedy decoding that re-reads the whole text (seed + tokens so far) with forward() at every step."""
    module, text = lm._inference_module(), list(seed)
    with torch.no_grad():
        for _ in range(n_steps):
            logits = module(torch.tensor([text]))[0, -1]  # [1, t, K] -> the last step's [K]
            text.append(int(lm.classes_[int(torch.argmax(logits))]))
    return text[len(seed) :]


def test_generate_equals_a_hand_rolled_loop_over_step(lm):
    got = lm.generate(SEEDS, 7, temperature=0.8, n_samples=3, random_state=5)
    np.testing.assert_array_equal(got, _hand_rolled(lm, SEEDS, 7, 0.8, 3, 5))
    assert got.shape == (3, 3, 7) and got.dtype == np.int64
    assert set(np.unique(got)) <= set(lm.classes_.tolist())


def test_greedy_generation_equals_rereading_the_whole_text(lm):
    greedy = lm.generate(SEEDS, 9, temperature=0)
    assert greedy.shape == (3, 1, 9)
    for seed, tokens in zip(SEEDS, greedy[:, 0]):
        assert tokens.tolist() == _greedy_by_rereading(lm, seed, 9)


def test_temperature_near_0_gives_the_greedy_tokens_whatever_the_seed(lm):
    greedy = lm.generate(SEEDS, 9, temperature=0, n_samples=4)
    assert (greedy == greedy[:, :1]).all()  # every sample of a seed is the greedy one
    for seed in (0, 1, 2):
        np.testing.assert_array_equal(lm.generate(SEEDS, 9, temperature=1e-6, n_samples=4, random_state=seed), greedy)


def test_the_first_greedy_token_is_predict_at_the_last_step(lm):
    X, _ = _chunks(CORPUS)
    first = lm.generate(X[:5], 1, temperature=0)[:, 0, 0]
    np.testing.assert_array_equal(first, lm.predict(X[:5])[:, -1])


def test_a_fixed_seed_reproduces_the_tokens_and_another_seed_changes_them(lm):
    a = lm.generate(SEEDS, 20, temperature=1.5, n_samples=2, random_state=3)
    np.testing.assert_array_equal(a, lm.generate(SEEDS, 20, temperature=1.5, n_samples=2, random_state=3))
    assert not np.array_equal(a, lm.generate(SEEDS, 20, temperature=1.5, n_samples=2, random_state=4))
    rng = np.random.default_rng(3)  # a Generator is used, and advanced, as it is
    np.testing.assert_array_equal(lm.generate(SEEDS, 20, temperature=1.5, n_samples=2, random_state=rng), a)
    assert not np.array_equal(lm.generate(SEEDS, 20, temperature=1.5, n_samples=2, random_state=rng), a)


def test_padded_seeds_generate_as_each_seed_alone(lm):
    together = lm.generate(SEEDS, 6, temperature=0)
    for i, seed in enumerate(SEEDS):
        np.testing.assert_array_equal(lm.generate([seed], 6, temperature=0)[0], together[i])
    array_seeds = np.stack([SEEDS[0], SEEDS[0][::-1]])  # a 2-D array: seeds of one length
    assert lm.generate(array_seeds, 2, temperature=0).shape == (2, 1, 2)


# ---------------------------------------------------------------------------- refusals
FIX = (
    "Fit a language model: RNNClassifier(architecture='many_to_many', embedding_dim=...) on X = token ids and y = "
    "the next token at each step (X shifted by one)."
)
TINY = dict(hidden_size=2, max_epochs=1, random_state=0)


@pytest.mark.parametrize(
    "kwargs, what",
    [
        ({"embedding_dim": 2}, "architecture='many_to_one'"),
        ({"architecture": "many_to_many"}, "no embedding (embedding_dim=None)"),
        ({"architecture": "many_to_many", "embedding_dim": 2, "bidirectional": True}, "bidirectional=True"),
    ],
)
def test_generate_refuses_what_is_no_language_model(kwargs, what):
    X, y = _chunks("abcab cab abc. ", length=3)
    est = RNNClassifier(**TINY, **kwargs).fit(X, y[:, -1] if "architecture" not in kwargs else y)
    msg = (
        "RNNClassifier.generate feeds each drawn token back as the next input and carries the recurrent state "
        f"forward, so it needs a unidirectional many_to_many net on token ids; this one was fitted with {what}. " + FIX
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.generate(X[:1], 2)


def test_generate_refuses_classes_that_are_no_token_ids():
    X, y = _chunks("abcab cab abc. ", length=3)
    letters = RNNClassifier(architecture="many_to_many", embedding_dim=2, **TINY).fit(X, np.array(list("xy"))[y % 2])
    msg = (
        "RNNClassifier.generate feeds each drawn class back as an input token id, so the classes must be integer "
        "token ids; this net's classes_ are of dtype <U1 (e.g. 'x'). " + FIX
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        letters.generate(X[:1], 2)
    beyond = RNNClassifier(architecture="many_to_many", embedding_dim=2, **TINY).fit(X, y + 10)  # ids 12..16
    msg = (
        "RNNClassifier.generate feeds each drawn class back as an input token id, but class 12 of classes_ is "
        "not an id of the embedding (ids 0..6, num_embeddings_=7). Fit on X that holds every token of y (cut X "
        "and y from the same text), so that every class can be read back."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        beyond.generate(X[:1], 2)


def test_generate_refuses_bad_seeds_and_parameters(lm):
    msg = (
        "X holds 1 token id(s) unseen at fit, the first at X[1][1] = 9; RNNClassifier was fitted on ids 0..6 "
        "(num_embeddings_=7) and has no embedding for larger ids."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        lm.generate([np.array([2, 3]), np.array([2, 9])], 3)
    for kwargs, msg in [
        ({"temperature": -0.5}, "The 'temperature' parameter of RNNClassifier.generate must be a float in the range "),
        ({"n_samples": 0}, "The 'n_samples' parameter of RNNClassifier.generate must be an int in the range "),
    ]:
        with pytest.raises(ValueError, match=re.escape(msg)):
            lm.generate(SEEDS, 3, **kwargs)
    with pytest.raises(ValueError, match=re.escape("The 'n_steps' parameter of RNNClassifier.generate must be")):
        lm.generate(SEEDS, 0)
