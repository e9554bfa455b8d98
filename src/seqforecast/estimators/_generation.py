"""The carried-state loop that generates sequences from a recurrent net, one step at a time.

A generation reads its seed sequences once (:meth:`~seqforecast.nets.RecurrentNet.encode`), then repeats::

    head output of step k --draw--> values of step k --feed--> input of step k + 1 --step--> head output of k + 1

batched over all rows (seeds x samples) with one recurrent state per row. What a value is depends on the
caller: :meth:`~seqforecast.RNNRegressor.predict_recursive` takes the mean of the head,
:meth:`~seqforecast.RNNRegressor.sample_recursive` draws from the head's distribution and
:meth:`~seqforecast.RNNClassifier.generate` draws a token from the softmax of the logits. Draws come from a numpy
Generator of the caller's, never from torch's process-wide generators.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from .._utils.sequences import check_sequences
from .._utils.validation import check_int, check_real
from ._base import check_known_tokens

__all__ = ["TokenGeneration", "carry_state", "repeat_rows", "softmax_draw"]


def carry_state(module, state, first, n_steps, *, draw, feed, rng=None):
    """Run ``n_steps`` steps of generation from a recurrent state, batched over its rows.

    Parameters
    ----------
    module : RecurrentNet
        The net (in inference mode) whose :meth:`~seqforecast.nets.RecurrentNet.step` advances the state.
    state : torch.Tensor of shape (L, R, H), or a tuple ``(h, c)`` of two for the LSTM
        The state after the seeds (``R`` rows), as :meth:`~seqforecast.nets.RecurrentNet.encode` returns it
        (repeated per sample with :func:`repeat_rows`).
    first : torch.Tensor of shape (R, ...)
        The head's output for step 1 (``module.readout(state)``).
    n_steps : int
        Number of steps, >= 1.
    draw : callable
        ``draw(head_output, rng)``: the values of one step, an ndarray of shape (R,).
    feed : callable
        ``feed(values, k)``: the input of step ``k`` (``k >= 1``, counted from 0) made from the values of step
        ``k - 1``, a tensor of shape (R, F) (or (R,) token ids).
    rng : numpy.random.Generator or None, default=None
        Passed to ``draw`` at every step.

    Returns
    -------
    values : ndarray of shape (R, n_steps)
        The drawn values, step by step.
    """
    values = []
    out = first
    with torch.no_grad():
        for k in range(n_steps):
            if k:
                out, state = module.step(feed(values[-1], k), state)  # [R, F] (or [R] ids) -> [R, ...]
            values.append(np.asarray(draw(out, rng)))  # [R, ...] -> [R]
    return np.stack(values, axis=1)  # n_steps x [R] -> [R, n_steps]


def repeat_rows(state, n_repeats):
    """A recurrent state repeated row by row: ``[L, S, H] -> [L, S*N, H]``, the copies of a row adjacent
    (row ``i * n_repeats + j`` is copy ``j`` of row ``i``; each tensor of an LSTM's ``(h, c)``)."""
    if isinstance(state, tuple):
        return tuple(part.repeat_interleave(n_repeats, dim=1) for part in state)
    return state.repeat_interleave(n_repeats, dim=1)


def softmax_draw(logits, temperature, rng):
    """One class index per row, drawn from ``softmax(logits / temperature)``; the argmax at ``temperature=0``.

    Parameters
    ----------
    logits : ndarray of float64 of shape (R, K)
    temperature : float
        >= 0. Below 1 sharpens the distribution towards the most likely class, above 1 flattens it
        (``inf``: uniform over the classes). 0 takes the argmax (the first one on ties) and draws nothing.
    rng : numpy.random.Generator
        Draws ``R`` uniforms per call (``rng.random(R)``), in row order; row ``r`` takes the first class whose
        cumulative probability exceeds its uniform (inverse CDF).

    Returns
    -------
    ndarray of int64 of shape (R,)

    Examples
    --------
    >>> logits = np.log(np.array([[0.2, 0.5, 0.3], [0.7, 0.1, 0.2]]))
    >>> softmax_draw(logits, 0.0, None)
    array([1, 0])
    >>> softmax_draw(logits, 1e-6, np.random.default_rng(0))  # the argmax, whatever the uniforms
    array([1, 0])
    """
    if temperature == 0:
        return np.argmax(logits, axis=1).astype(np.int64)
    z = (logits - logits.max(axis=1, keepdims=True)) / temperature  # [R, K], <= 0: exp never overflows
    proba = np.exp(z)
    cdf = np.cumsum(proba, axis=1)  # [R, K]
    u = rng.random(len(logits)) * cdf[:, -1]  # [R], scaled: no normalisation needed
    index = (cdf <= u[:, None]).sum(axis=1)  # the first class whose cumulative probability exceeds u
    last = proba.shape[1] - 1 - np.argmax(proba[:, ::-1] > 0, axis=1)  # the last class of positive probability
    return np.minimum(index, last).astype(np.int64)  # u rounded up to the total never picks a zero-probability class


class TokenGeneration:
    """:meth:`generate` for :class:`~seqforecast.RNNClassifier`: a language model's text, token by token."""

    def generate(self, X, n_steps, *, temperature=1.0, n_samples=1, random_state=None):
        """Generate ``n_steps`` tokens after each seed sequence, feeding every drawn token back as the next input.

        The estimator must be a language model: fitted with ``architecture="many_to_many"`` and
        ``embedding_dim`` on ``X`` = token ids and ``y`` = the next token at each step (``X`` shifted by one),
        so that its classes are token ids. The net reads each seed once; its state is then repeated once per
        sample and every sample carries its own state: at each step one class is drawn per sample from
        ``softmax(logits / temperature)`` and its value (a token id) is the input of the next step. All samples
        of all seeds advance together, in one batch of ``n_seeds * n_samples`` rows (row ``i * n_samples + j``
        is sample ``j`` of seed ``i``), on a float64 copy of the net (as :meth:`predict`).

        Parameters
        ----------
        X : array-like of int of shape (n_seeds, n_timesteps), or list of 1-D arrays of int
            The seed sequences of token ids (any lengths, at least one token each); a list of arrays of
            different lengths is padded and packed. Ids must have a row in the embedding (below
            ``num_embeddings_``).
        n_steps : int
            Number of tokens to generate after each seed, >= 1.
        temperature : float, default=1.0
            >= 0. 1 samples from the model's distribution; below 1 sharpens it towards the most likely token,
            above 1 flattens it (``inf``: uniform over the classes). 0 is greedy decoding: the most likely
            token at each step (the first class on ties), and nothing is drawn. A positive temperature so
            small that every other class's probability underflows to 0 (below about 1e-3 times the smallest
            gap between the top two logits) gives the greedy tokens too.
        n_samples : int, default=1
            Number of sequences generated per seed, >= 1.
        random_state : None, int or numpy.random.Generator, default=None
            The generator of the draws (``numpy.random.default_rng(random_state)``; a Generator is used, and
            advanced, as it is), so a fixed seed gives the same tokens again. Torch's process-wide
            generators are never drawn from. At each step the whole batch draws ``rng.random(n_rows)`` at
            once, in row order, and row ``r`` takes the first class whose cumulative probability exceeds its
            uniform (inverse CDF).

        Returns
        -------
        tokens : ndarray of int64 of shape (n_seeds, n_samples, n_steps)
            The generated token ids (values of ``classes_``), without the seeds.

        Raises
        ------
        ValueError
            The estimator is not a language model (another architecture, no embedding, bidirectional), or its
            classes are not token ids the embedding can read; a seed holds an id unseen at fit.

        Examples
        --------
        A character-level language model on a tiny corpus, and text from it:

        >>> import numpy as np
        >>> from seqforecast import RNNClassifier, TextTokenizer
        >>> text = "the cat sat on the mat. " * 20
        >>> tok = TextTokenizer(level="char").fit([text])
        >>> ids = tok.transform([text])[0]
        >>> T = 12
        >>> starts = np.arange(0, len(ids) - T - 1, 3)
        >>> X = np.stack([ids[s : s + T] for s in starts])  # (n_chunks, T) token ids
        >>> y = np.stack([ids[s + 1 : s + T + 1] for s in starts])  # the next character at each step
        >>> lm = RNNClassifier(architecture="many_to_many", embedding_dim=8, hidden_size=32, max_epochs=20,
        ...                    lr=0.02, random_state=0).fit(X, y)
        >>> seeds = tok.transform(["the c", "on t"])  # two seeds of different lengths
        >>> greedy = lm.generate(seeds, 15, temperature=0)  # (2 seeds, 1 sample, 15 steps)
        >>> tok.inverse_transform(greedy[:, 0])
        ['at sat on the m', 'he mat. the cat']
        >>> out = lm.generate(seeds, 15, temperature=0.5, n_samples=2, random_state=0)
        >>> out.shape
        (2, 2, 15)
        >>> texts = tok.inverse_transform(out.reshape(-1, 15))  # 4 texts: the 2 samples of each seed
        >>> np.array_equal(out, lm.generate(seeds, 15, temperature=0.5, n_samples=2, random_state=0))
        True
        """
        name = type(self).__name__
        caller = f"{name}.generate"
        ids = self._generation_ids(caller)
        n_steps = check_int(n_steps, "n_steps", caller)
        n_samples = check_int(n_samples, "n_samples", caller)
        temperature = check_real(temperature, "temperature", caller, low=0)
        seqs = check_sequences(X, name=name, tokens=True)
        check_known_tokens(seqs, self.num_embeddings_, name)
        rng = np.random.default_rng(random_state)  # a Generator is returned as it is
        module, device = self._inference_module(), self.device_  # float64, as predict
        lengths = None if seqs.lengths is None else torch.from_numpy(seqs.lengths)
        with torch.no_grad():
            state = module.encode(torch.from_numpy(seqs.values).to(device), lengths)  # [S, T] ids -> [L, S, H]
            first = module.readout(state).repeat_interleave(n_samples, dim=0)  # [S, K] -> [S*N, K] logits
        state = repeat_rows(state, n_samples)  # [L, S, H] -> [L, S*N, H] (each of h, c for the LSTM)

        def draw(logits, rng):
            return ids[softmax_draw(logits.cpu().numpy(), temperature, rng)]  # [R, K] -> class [R] -> id [R]

        def feed(tokens, k):
            return torch.as_tensor(tokens, device=device)  # [R] int64 ids

        out = carry_state(module, state, first, n_steps, draw=draw, feed=feed, rng=rng)  # [S*N, n_steps]
        return out.reshape(seqs.n_samples, n_samples, n_steps)  # [S*N, n_steps] -> [S, N, n_steps]

    def _generation_ids(self, caller):
        """The token id of each class (in ``classes_`` order), refusing an estimator that is no language model."""
        check_is_fitted(self)
        num_embeddings = getattr(self, "num_embeddings_", None)
        fix = (
            "Fit a language model: RNNClassifier(architecture='many_to_many', embedding_dim=...) on X = token ids "
            "and y = the next token at each step (X shifted by one)."
        )
        if self._architecture != "many_to_many" or num_embeddings is None or self.net_.module_.bidirectional:
            what = (
                f"architecture={self._architecture!r}"
                if self._architecture != "many_to_many"
                else "no embedding (embedding_dim=None)"
                if num_embeddings is None
                else "bidirectional=True"
            )
            raise ValueError(
                f"{caller} feeds each drawn token back as the next input and carries the recurrent state forward, "
                f"so it needs a unidirectional many_to_many net on token ids; this one was fitted with {what}. "
                f"{fix}"
            )
        classes = self.classes_
        if classes.dtype.kind not in "iu":
            raise ValueError(
                f"{caller} feeds each drawn class back as an input token id, so the classes must be integer token "
                f"ids; this net's classes_ are of dtype {classes.dtype} (e.g. {classes.tolist()[0]!r}). {fix}"
            )
        bad = np.flatnonzero((classes < 0) | (classes >= num_embeddings))
        if bad.size:
            raise ValueError(
                f"{caller} feeds each drawn class back as an input token id, but class {classes[bad[0]]} of "
                f"classes_ is not an id of the embedding (ids 0..{num_embeddings - 1}, num_embeddings_="
                f"{num_embeddings}). Fit on X that holds every token of y (cut X and y from the same text), so "
                "that every class can be read back."
            )
        return classes.astype(np.int64)
