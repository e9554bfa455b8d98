"""The recurrent net of the sequence estimators: a many-to-one / many-to-many net with a one-step state API.

Only :mod:`torch` lives here (no scikit-learn): the estimators in :mod:`seqforecast.estimators` train it
through skorch, and :meth:`~seqforecast.RNNRegressor.predict_recursive` calls :meth:`RecurrentNet.encode`,
:meth:`RecurrentNet.step` and :meth:`RecurrentNet.readout` to carry the hidden state forward instead of
re-reading a window.

Shape vocabulary in comments: ``B`` batch, ``T`` time steps, ``F`` input features, ``H`` hidden size,
``D`` directions (1 or 2), ``L`` layers, ``K`` outputs, ``E`` embedding size, ``C`` convolution channels, ``Q``
quantile levels, ``P`` parameters of a distribution.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .._utils.validation import check_option, check_quantiles
from .layers import (
    DISTRIBUTIONS,
    AttentionPooling,
    FCNBranch,
    chunk_means,
    distribution_parameters,
    make_rnn,
    median_index,
    monotone_quantiles,
    series_standardise,
    step_mask,
)

__all__ = ["POOLINGS", "RecurrentNet"]

#: How :class:`RecurrentNet` summarises the recurrent outputs of a sequence (``output="last"``).
POOLINGS = ("last", "mean", "attention")


class RecurrentNet(nn.Module):
    """A stacked RNN/LSTM/GRU with a linear head on the last step (or a pooled summary) or on every step.

    With ``output="last"`` the head reads a summary of each sequence: the recurrent outputs pooled as
    ``pooling`` says, concatenated with an optional convolutional branch (``conv_channels``; the LSTM-FCN
    layout of Karim et al., 2018, when both are used)::

        X [B, T, F] --rnn--> [B, T, D*H] --pooling--> [B, D*H] --+
          |                                                      +--concat--> [B, D*H + C] --head--> [B, K]
          +------------------conv branch (FCNBranch)--> [B, C] --+

    Parameters
    ----------
    input_size : int
        Number of features per time step ``F``. Must be 1 when ``num_embeddings`` is set (one token id per
        step).
    output_size : int
        Number of outputs ``K`` per sequence (``output="last"``) or per step (``output="sequence"``).
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell; ``"rnn"`` is the vanilla Elman cell.
    hidden_size : int, default=32
        Size of the hidden state ``H``.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    nonlinearity : {"tanh", "relu"}, default="tanh"
        Non-linearity of the vanilla cell; LSTM and GRU accept only ``"tanh"``.
    bidirectional : bool, default=False
        Run a second layer stack backwards in time and concatenate both directions.
    dropout : float, default=0.0
        Dropout probability between stacked layers and on the recurrent output fed to the head.
    output : {"last", "sequence"}, default="last"
        ``"last"``: the head reads the final states ``h_n`` (the last *real* step of each sequence for the
        forward direction, step 0 for the backward one) and returns ``[B, K]``. ``"sequence"``: the head
        reads every step and returns ``[B, T, K]``, zero past each sequence's length.
    num_embeddings, embedding_dim : int or None, default=None
        When set, ``X`` holds integer token ids ``[B, T]`` looked up in an ``nn.Embedding``.
    pooling : {"last", "mean", "attention"}, default="last"
        How ``output="last"`` summarises the recurrent outputs: ``"last"`` reads the final states (as
        above); ``"mean"`` averages the outputs over the real steps; ``"attention"`` takes a learned
        softmax-weighted average over the real steps (:class:`AttentionPooling`; padding gets weight 0).
        Only ``"last"`` applies to ``output="sequence"``.
    conv_channels : sequence of int or None, default=None
        When set, a convolutional branch (:class:`FCNBranch`: one Conv1d-BatchNorm-ReLU block per entry,
        global average pooling over the real steps) reads the same inputs and its summary is concatenated
        with the recurrent one before the head. ``(128, 256, 128)`` is the FCN of LSTM-FCN.
        ``output="last"`` only.
    conv_kernel_sizes : sequence of int or None, default=None
        Kernel size of each convolutional block; None takes 8, 5, 3 (then 3 for further blocks).
    quantiles : sequence of float or None, default=None
        When set (levels strictly increasing in (0, 1)), a quantile head: the head emits ``Q`` values per
        output, made non-crossing around the median by :func:`~seqforecast.nets.layers.monotone_quantiles`,
        and the net returns ``[B, K, Q]``, quantiles on the last axis in the order of ``quantiles``.
        ``output="last"`` only.
    input_mean, input_scale : sequence of float or None, default=None
        When set (one value per feature, scales > 0), real-valued inputs are standardised first,
        ``(X - input_mean) / input_scale``, inside the net (so predictions need no separate scaler). Not with
        an embedding.
    series_scaling : bool, default=False
        When True, each real-valued sequence is standardised per feature by the mean and standard deviation
        of its own real steps (:func:`~seqforecast.nets.layers.series_standardise`), inside the net: the net
        then reads the shape of each sequence, not its level or amplitude. ``output="last"`` only; not with
        an embedding or with ``input_mean``/``input_scale``.
    rnn_stride, conv_stride : int, default=1
        Shorten the sequences read by the recurrence (``rnn_stride``) and by the convolutional branch
        (``conv_stride``) that many times, by averaging runs of that many real steps
        (:func:`~seqforecast.nets.layers.chunk_means`); a long sequence then costs the recurrence
        ``T / rnn_stride`` sequential steps. ``output="last"`` only; attention weights and lengths are then
        those of the chunks.
    distribution : {"gaussian", "student_t", "negative_binomial"} or None, default=None
        When set, a distribution head: the head emits the ``P`` parameters of the distribution per output
        (:data:`~seqforecast.nets.layers.DISTRIBUTIONS`, constrained by
        :func:`~seqforecast.nets.layers.distribution_parameters`; the first is the mean), and the net returns
        ``[B, K, P]``. ``output="last"`` only, not with ``quantiles``.

    Notes
    -----
    The one-step state API (:meth:`encode`, :meth:`step`, :meth:`readout`) lets a forecaster (or a
    generator of text) read a window once and then advance one step at a time; it needs a unidirectional net
    whose head reads only the last state (``pooling="last"``, no convolutional branch). With an embedding,
    each step's input is one token id. With ``output="sequence"`` the head of a step is the head
    :meth:`forward` applies at that step (it is linear per step), so ``step`` gives the outputs of
    :meth:`forward` one step at a time.
    """

    def __init__(
        self,
        input_size,
        output_size,
        *,
        cell="lstm",
        hidden_size=32,
        num_layers=1,
        nonlinearity="tanh",
        bidirectional=False,
        dropout=0.0,
        output="last",
        num_embeddings=None,
        embedding_dim=None,
        pooling="last",
        conv_channels=None,
        conv_kernel_sizes=None,
        quantiles=None,
        distribution=None,
        input_mean=None,
        input_scale=None,
        rnn_stride=1,
        conv_stride=1,
        series_scaling=False,
    ):
        super().__init__()
        owner = type(self).__name__
        check_option(output, "output", ("last", "sequence"), owner)
        check_option(pooling, "pooling", POOLINGS, owner)
        check_option(distribution, "distribution", (*DISTRIBUTIONS, None), owner)
        if distribution is not None and (quantiles is not None or output != "last"):
            what = f"quantiles={[float(q) for q in quantiles]}" if quantiles is not None else f"output={output!r}"
            raise ValueError(
                f"{owner}: a distribution head (distribution={distribution!r}) predicts one distribution per "
                f"output of the last step, so it needs output='last' and no quantiles; got {what}."
            )
        if quantiles is not None:
            quantiles = check_quantiles(quantiles, owner)
            if output != "last":
                raise ValueError(
                    f"{owner}: a quantile head (quantiles={list(quantiles)}) needs output='last'; got "
                    f"output={output!r}."
                )
        if output == "sequence" and (pooling != "last" or conv_channels is not None):
            what = f"pooling={pooling!r}" if pooling != "last" else f"conv_channels={conv_channels!r}"
            raise ValueError(
                f"{owner}: {what} summarises whole sequences, so it needs output='last'; output='sequence' "
                "predicts at every step. Use output='last', or pooling='last' and conv_channels=None."
            )
        if output == "sequence" and (rnn_stride != 1 or conv_stride != 1):
            raise ValueError(
                f"{owner}: rnn_stride={rnn_stride} and conv_stride={conv_stride} shorten whole sequences, so "
                "they need output='last'; output='sequence' predicts at every step. Use strides of 1."
            )
        if (input_mean is None) != (input_scale is None) or (input_mean is not None and num_embeddings is not None):
            raise ValueError(
                f"{owner}: input_mean and input_scale standardise real-valued inputs and go together; got "
                f"input_mean={input_mean!r}, input_scale={input_scale!r} and num_embeddings={num_embeddings!r}. "
                "Set both (without an embedding) or neither."
            )
        if series_scaling and (output != "last" or num_embeddings is not None or input_mean is not None):
            what = (
                f"output={output!r}"
                if output != "last"
                else "an embedding"
                if num_embeddings is not None
                else "input_mean/input_scale"
            )
            raise ValueError(
                f"{owner}: series_scaling=True standardises each whole real-valued sequence by its own moments, "
                f"so it needs output='last', no embedding and no input_mean/input_scale; got {what}. Use one "
                "scaling, or series_scaling=False."
            )
        if conv_channels is None and conv_kernel_sizes is not None:
            raise ValueError(
                f"{owner}: conv_kernel_sizes={conv_kernel_sizes!r} needs a convolutional branch; set "
                "conv_channels too (e.g. conv_channels=(128, 256, 128)), or leave conv_kernel_sizes=None."
            )
        if (num_embeddings is None) != (embedding_dim is None):
            raise ValueError(
                f"{owner}: num_embeddings and embedding_dim go together; got num_embeddings="
                f"{num_embeddings!r} and embedding_dim={embedding_dim!r}. Set both or neither."
            )
        if num_embeddings is not None and input_size != 1:
            raise ValueError(
                f"{owner}: with an embedding each step holds one token id, so input_size must be 1; "
                f"got input_size={input_size}."
            )
        self.cell = cell
        self.input_size = input_size
        self.output_size = output_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bool(bidirectional)
        self.output = output
        self.pooling = pooling
        self.num_directions = 2 if bidirectional else 1
        self.rnn_stride, self.conv_stride = int(rnn_stride), int(conv_stride)
        self.standardise = input_mean is not None
        self.series_scaling = bool(series_scaling)
        if self.standardise:  # not persistent: rebuilt from the constructor arguments, not read from a state dict
            mean = torch.as_tensor(input_mean, dtype=torch.float32).reshape(input_size)
            scale = torch.as_tensor(input_scale, dtype=torch.float32).reshape(input_size)
            self.register_buffer("input_mean", mean, persistent=False)  # [F]
            self.register_buffer("input_scale", scale, persistent=False)  # [F]
        self.embedding = None if num_embeddings is None else nn.Embedding(num_embeddings, embedding_dim)
        rnn_input = input_size if embedding_dim is None else embedding_dim
        self.rnn = make_rnn(cell, rnn_input, hidden_size, num_layers, nonlinearity, bidirectional, dropout, owner)
        summary = hidden_size * self.num_directions
        self.attention = AttentionPooling(summary) if pooling == "attention" else None
        self.conv = None
        if conv_channels is not None:
            self.conv = FCNBranch(rnn_input, conv_channels, conv_kernel_sizes)
            summary += self.conv.out_features
        self.dropout = nn.Dropout(dropout)
        self.quantiles = quantiles
        self._median = None if quantiles is None else median_index(quantiles)
        self.distribution = distribution
        per_output = 1  # values per output: 1, Q quantiles or P parameters
        if quantiles is not None or distribution is not None:
            per_output = len(quantiles) if quantiles is not None else len(DISTRIBUTIONS[distribution])
        self.head = nn.Linear(summary, output_size * per_output)

    def _head(self, summary):
        """The head on ``summary`` [B, S]: ``[B, K]``, non-crossing quantiles ``[B, K, Q]``, or the
        parameters of a distribution ``[B, K, P]``."""
        y = self.head(self.dropout(summary))  # [B, S] -> [B, K], [B, K*Q] or [B, K*P]
        if self.distribution is not None:
            y = y.unflatten(-1, (self.output_size, -1))  # [B, K*P] -> [B, K, P]
            return distribution_parameters(y, self.distribution)
        if self.quantiles is None:
            return y
        y = y.unflatten(-1, (self.output_size, len(self.quantiles)))  # [B, K*Q] -> [B, K, Q]
        return monotone_quantiles(y, self._median)

    # ------------------------------------------------------------------ full-sequence pass
    def _run(self, X, lengths=None, state=None):
        """Run the recurrent stack; return padded outputs ``[B, T, D*H]`` and the final state."""
        if self.embedding is not None:
            X = self.embedding(X)  # [B, T] long -> [B, T, E]
        return self._run_features(X, lengths, state)

    def _run_features(self, X, lengths=None, state=None):
        """:meth:`_run` on real-valued (or already embedded) inputs ``[B, T, F]``."""
        if lengths is None:
            out, state = self.rnn(X, state)  # [B, T, F] -> [B, T, D*H]
            return out, state
        packed = pack_padded_sequence(X, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed, state)
        # packed -> [B, T, D*H], zero past each length; total_length keeps T even if max(lengths) < T
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=X.shape[1])
        return out, state

    def forward(self, X, lengths=None):
        """Predict from whole sequences.

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F), or long (B, T) token ids with an embedding
            Input sequences, padded past each length when ``lengths`` is given.
        lengths : torch.LongTensor of shape (B,) or None, default=None
            Real length of each sequence; padding never enters the state (packed sequences).

        Returns
        -------
        torch.Tensor of shape (B, K) for ``output="last"`` ((B, K, Q) with a quantile head, (B, K, P) with a
        distribution head), (B, T, K) for ``output="sequence"``
        """
        features = self._features(X, lengths)  # [B, T, F] or [B, T, E]
        rnn_in, rnn_lengths = chunk_means(features, lengths, self.rnn_stride)  # [B, T, F] -> [B, T/s, F]
        out, state = self._run_features(rnn_in, rnn_lengths)
        mask = step_mask(rnn_lengths, rnn_in.shape[1], device=out.device)  # [B, T/s] or None
        if self.output == "sequence":
            y = self.head(self.dropout(out))  # [B, T, D*H] -> [B, T, K]
            if mask is not None:
                y = y * mask.unsqueeze(-1).to(y.dtype)  # [B, T, K] * [B, T, 1]
            return y
        summary = self._pool(out, state, mask)  # [B, D*H]
        if self.conv is not None:
            conv_in, conv_lengths = chunk_means(features, lengths, self.conv_stride)  # [B, T, F] -> [B, T/c, F]
            conv_mask = step_mask(conv_lengths, conv_in.shape[1], device=out.device)  # [B, T/c] or None
            summary = torch.cat([summary, self.conv(conv_in, conv_mask)], dim=1)  # [B, D*H] + [B, C] -> [B, D*H+C]
        return self._head(summary)  # [B, D*H(+C)] -> [B, K] (or [B, K, Q])

    def forward_chunk(self, X, state=None):
        """Predict at every step of a chunk of sequences from a given recurrent state (``output="sequence"``).

        Running consecutive chunks ``X[:, a:b]``, each from the state the previous one returned, gives the
        outputs of :meth:`forward` on the whole sequences: truncated backpropagation through time detaches
        the state between chunks so that gradients stay within a chunk.

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F), or long (B, T) token ids with an embedding
            The steps of the chunk (no padding: all sequences run through the whole chunk).
        state : torch.Tensor of shape (L, B, H), a tuple ``(h, c)`` of two for the LSTM, or None, default=None
            The state after the previous chunk; None starts from zeros (the start of the sequences).

        Returns
        -------
        y : torch.Tensor of shape (B, T, K)
            The head at every step of the chunk, as :meth:`forward` gives it.
        state : torch.Tensor of shape (L, B, H), or a tuple of two for the LSTM
            The state after the chunk's last step.
        """
        if self.output != "sequence" or self.bidirectional:
            what = f"output={self.output!r}" if self.output != "sequence" else "bidirectional=True"
            raise ValueError(
                f"{type(self).__name__}.forward_chunk() carries a forward-in-time state from chunk to chunk and "
                f"predicts at every step, so it needs output='sequence' and bidirectional=False; this net has "
                f"{what}. Call forward() on whole sequences instead."
            )
        out, state = self._run_features(self._features(X), None, state)  # [B, T, F] -> [B, T, H]
        return self.head(self.dropout(out)), state  # [B, T, H] -> [B, T, K]

    def _features(self, X, lengths=None):
        """The inputs as the layers read them: token ids embedded, real values standardised (when set)."""
        if self.embedding is not None:
            return self.embedding(X)  # [B, T] long -> [B, T, E]
        if self.series_scaling:
            return series_standardise(X, lengths)  # [B, T, F] -> [B, T, F], each sequence by its own moments
        if self.standardise:
            return (X - self.input_mean) / self.input_scale  # [B, T, F] - [F] -> [B, T, F]
        return X

    def _pool(self, out, state, mask):
        """Summarise recurrent outputs ``out`` [B, T, D*H] as :attr:`pooling` says: ``[B, D*H]``."""
        if self.pooling == "attention":
            return self.attention(out, mask)
        if self.pooling == "mean":
            if mask is None:
                return out.mean(dim=1)  # [B, T, D*H] -> [B, D*H]
            keep = mask.unsqueeze(-1).to(out.dtype)  # [B, T] -> [B, T, 1]
            return (out * keep).sum(dim=1) / keep.sum(dim=1)  # [B, D*H] / [B, 1]
        h_n = state[0] if self.cell == "lstm" else state  # [L*D, B, H]
        batch = h_n.shape[1]
        # [L*D, B, H] -> [L, D, B, H] -> top layer [D, B, H]
        top = h_n.view(self.num_layers, self.num_directions, batch, self.hidden_size)[-1]
        return top.transpose(0, 1).reshape(batch, -1)  # [D, B, H] -> [B, D, H] -> [B, D*H]

    @torch.no_grad()
    def attention_weights(self, X, lengths=None):
        """Weights of the attention pooling over the steps of each sequence (``pooling="attention"``).

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F), or long (B, T) token ids with an embedding
        lengths : torch.LongTensor of shape (B,) or None, default=None

        Returns
        -------
        torch.Tensor of shape (B, ceil(T / rnn_stride))
            Non-negative, summing to 1 over each sequence's real steps (chunks), exactly 0 on padding.
        """
        if self.attention is None:
            raise ValueError(
                f"{type(self).__name__}.attention_weights() needs pooling='attention'; this net has "
                f"pooling={self.pooling!r}."
            )
        rnn_in, rnn_lengths = chunk_means(self._features(X, lengths), lengths, self.rnn_stride)  # [B, T/s, F]
        out, _ = self._run_features(rnn_in, rnn_lengths)  # [B, T/s, D*H]
        return self.attention.weights(out, step_mask(rnn_lengths, rnn_in.shape[1], device=out.device))

    # ------------------------------------------------------------------ one-step state API
    def _check_state_api(self, method):
        if self.output == "last" and (self.pooling != "last" or self.conv is not None):
            what = f"pooling={self.pooling!r}" if self.pooling != "last" else "a convolutional branch"
            raise ValueError(
                f"{type(self).__name__}.{method}() reads the head from the last recurrent state alone, but "
                f"this net's head reads a summary of the whole sequence ({what}). Re-run forward() on the "
                "whole window instead, or build the net with pooling='last' and conv_channels=None."
            )
        if self.rnn_stride != 1 or self.standardise or self.series_scaling:
            raise ValueError(
                f"{type(self).__name__}.{method}() feeds raw steps one at a time, but this net standardises or "
                f"averages its inputs (rnn_stride={self.rnn_stride}). Re-run forward() on the whole window "
                "instead, or build the net without input_mean/input_scale or series_scaling and with rnn_stride=1."
            )
        if self.bidirectional:
            raise ValueError(
                f"{type(self).__name__}.{method}() carries a forward-in-time state, so it needs a unidirectional "
                "net; this net has bidirectional=True (its backward direction reads the steps after each step). "
                "Re-run forward() on the whole window instead, or build the net with bidirectional=False."
            )

    def encode(self, X, lengths=None):
        """Read whole sequences and return the recurrent state after their last real step.

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F), or long (B, T) token ids with an embedding
            Input sequences.
        lengths : torch.LongTensor of shape (B,) or None, default=None
            Real length of each sequence.

        Returns
        -------
        state : torch.Tensor of shape (L, B, H), or a tuple ``(h_n, c_n)`` of two for the LSTM
        """
        self._check_state_api("encode")
        _, state = self._run(X, lengths)
        return state

    def step(self, x, state):
        """Advance the state by one time step and predict from it.

        Parameters
        ----------
        x : torch.Tensor of shape (B, F), or long (B,) token ids with an embedding
            Inputs of one time step.
        state : torch.Tensor of shape (L, B, H) or tuple of two
            As returned by :meth:`encode` or a previous :meth:`step`.

        Returns
        -------
        out : torch.Tensor of shape (B, K), or (B, K, Q) with a quantile head, (B, K, P) with a distribution head
            The head's prediction from the new state (same as ``readout(new_state)``).
        state : the new state
        """
        self._check_state_api("step")
        if self.embedding is not None:
            x = self.embedding(x)  # [B] long -> [B, E]
        out, state = self.rnn(x.unsqueeze(1), state)  # [B, F] -> [B, 1, F] -> [B, 1, H]
        return self._head(out[:, 0]), state  # [B, 1, H] -> [B, H] -> [B, K] (or [B, K, Q], [B, K, P])

    def readout(self, state):
        """Apply the head to the top layer's hidden state: ``[B, K]`` (or ``[B, K, Q]``, ``[B, K, P]``)."""
        self._check_state_api("readout")
        h_n = state[0] if self.cell == "lstm" else state  # [L, B, H]
        return self._head(h_n[-1])  # [B, H] -> [B, K] (or [B, K, Q], [B, K, P])
