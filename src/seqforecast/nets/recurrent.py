"""Recurrent torch modules: a many-to-one / many-to-many net with a one-step state API, and a seq2seq net.

Only :mod:`torch` lives here (no scikit-learn): the estimators in :mod:`seqforecast.estimators` train these
modules through skorch, and the forecasters call :meth:`RecurrentNet.encode`, :meth:`RecurrentNet.step`
and :meth:`RecurrentNet.readout` directly to carry the hidden state forward instead of re-reading a window.

Shape vocabulary in comments: ``B`` batch, ``T`` time steps, ``F`` input features, ``H`` hidden size,
``D`` directions (1 or 2), ``L`` layers, ``K`` outputs, ``E`` embedding size, ``C`` convolution channels,
``N`` real (non-padding) steps of a whole batch.
"""

from __future__ import annotations

from numbers import Integral

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["CELLS", "NONLINEARITIES", "POOLINGS", "AttentionPooling", "FCNBranch", "RecurrentNet", "Seq2SeqNet", "step_mask"]

#: Recurrent cells understood by the nets (and by the estimators' ``cell`` parameter).
CELLS = ("rnn", "lstm", "gru")
#: Non-linearities of the vanilla ``"rnn"`` cell.
NONLINEARITIES = ("tanh", "relu")
#: How :class:`RecurrentNet` summarises the recurrent outputs of a sequence (``output="last"``).
POOLINGS = ("last", "mean", "attention")
#: Kernel sizes of the convolutional branch's first blocks, as in FCN / LSTM-FCN; later blocks use 3.
FCN_KERNEL_SIZES = (8, 5, 3)
_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _check_choice(value, options, what, owner):
    if value not in options:
        raise ValueError(
            f"{owner}: unknown {what} {value!r}; expected one of {', '.join(map(repr, options))}."
        )


def _make_rnn(cell, input_size, hidden_size, num_layers, nonlinearity, bidirectional, dropout, owner):
    """Build a batch-first ``nn.RNN``/``nn.LSTM``/``nn.GRU`` with orthogonal recurrent weights."""
    _check_choice(cell, CELLS, "cell", owner)
    _check_choice(nonlinearity, NONLINEARITIES, "nonlinearity", owner)
    if cell != "rnn" and nonlinearity != "tanh":
        raise ValueError(
            f"{owner}: nonlinearity={nonlinearity!r} only applies to cell='rnn'; the {cell.upper()} cell "
            "has fixed tanh/sigmoid gates. Use nonlinearity='tanh' (the default) or cell='rnn'."
        )
    kwargs = dict(
        input_size=input_size,
        hidden_size=hidden_size,
        num_layers=num_layers,
        batch_first=True,
        bidirectional=bidirectional,
        # torch applies this dropout between stacked layers only (and warns when num_layers == 1).
        dropout=float(dropout) if num_layers > 1 else 0.0,
    )
    if cell == "rnn":
        rnn = nn.RNN(nonlinearity=nonlinearity, **kwargs)
    else:
        rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(**kwargs)
    init_recurrent_weights(rnn, cell)
    return rnn


@torch.no_grad()
def init_recurrent_weights(rnn, cell):
    """Initialise a torch recurrent layer in place.

    Recurrent (hidden-to-hidden) weights are orthogonal per gate block, so ``W_hh^T W_hh = I`` for every
    gate and the state neither explodes nor vanishes at the start of training (Saxe et al., 2014);
    input weights are Glorot-uniform per gate block; biases are zero except the LSTM forget gate, whose
    bias starts at 1 so the cell remembers by default (Jozefowicz et al., 2015).

    Parameters
    ----------
    rnn : torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU
        The layer to initialise.
    cell : {"rnn", "lstm", "gru"}
        Its cell type (gives the number of gate blocks: 1, 4 or 3).
    """
    hidden = rnn.hidden_size
    for name, param in rnn.named_parameters():
        if name.startswith("weight_hh"):
            for block in param.split(hidden, dim=0):  # [G*H, H] -> G blocks of [H, H]
                nn.init.orthogonal_(block)
        elif name.startswith("weight_ih"):
            for block in param.split(hidden, dim=0):  # [G*H, F] -> G blocks of [H, F]
                nn.init.xavier_uniform_(block)
        elif name.startswith("bias"):
            param.zero_()
            if cell == "lstm" and name.startswith("bias_ih"):
                param[hidden : 2 * hidden] = 1.0  # gate order (input, forget, cell, output)


def step_mask(lengths, n_steps, device=None):
    """Boolean mask of the real steps of padded sequences.

    Parameters
    ----------
    lengths : torch.LongTensor of shape (B,) or None
        Real length of each sequence.
    n_steps : int
        Padded length ``T``.

    Returns
    -------
    torch.BoolTensor of shape (B, T), True on real steps, or None when ``lengths`` is None
    """
    if lengths is None:
        return None
    steps = torch.arange(n_steps, device=device)  # [T]
    return steps[None, :] < lengths.to(device)[:, None]  # [1, T] < [B, 1] -> [B, T]


class FCNBranch(nn.Module):
    """Fully convolutional branch: Conv1d -> BatchNorm -> ReLU blocks, then global average pooling over time.

    The FCN of Wang, Yan & Oates (2017) as used beside the LSTM in LSTM-FCN (Karim et al., 2018): with
    ``channels=(128, 256, 128)`` and the default kernel sizes 8, 5, 3 it is their convolutional block.
    Convolutions are "same"-padded with stride 1, so every block keeps the ``T`` time steps.

    Variable lengths: padding never reaches the summary. The input of every convolution is zeroed past each
    length (so a convolution reads zeros there, exactly as past the end of a sequence given alone), batch
    normalisation in training takes its statistics over real steps only, and the average runs over real
    steps only. A padded batch therefore gives each sequence the summary it would get alone.

    Parameters
    ----------
    input_size : int
        Features per time step ``F``.
    channels : sequence of int
        Output channels of each block (one block per entry).
    kernel_sizes : sequence of int or None, default=None
        Kernel size of each block, as many as ``channels``. None takes 8, 5, 3 for the first three blocks
        and 3 for any further block.
    """

    def __init__(self, input_size, channels, kernel_sizes=None):
        super().__init__()
        owner = type(self).__name__
        channels = tuple(channels)
        if not channels or not all(_is_positive_int(c) for c in channels):
            raise ValueError(
                f"{owner}: channels must be a non-empty sequence of positive ints (output channels of each "
                f"convolutional block, e.g. (128, 256, 128)); got {channels!r}."
            )
        if kernel_sizes is None:
            kernel_sizes = FCN_KERNEL_SIZES[: len(channels)] + (3,) * max(0, len(channels) - len(FCN_KERNEL_SIZES))
        kernel_sizes = tuple(kernel_sizes)
        if len(kernel_sizes) != len(channels) or not all(_is_positive_int(k) for k in kernel_sizes):
            raise ValueError(
                f"{owner}: kernel_sizes must hold one positive int per block, {len(channels)} for channels="
                f"{channels!r}; got kernel_sizes={kernel_sizes!r}."
            )
        channels, kernel_sizes = tuple(map(int, channels)), tuple(map(int, kernel_sizes))
        self.channels, self.kernel_sizes = channels, kernel_sizes
        self.out_features = channels[-1]
        sizes = (input_size,) + channels
        # No convolution bias: the batch normalisation right after it has its own shift.
        self.convs = nn.ModuleList(
            nn.Conv1d(c_in, c_out, k, bias=False) for c_in, c_out, k in zip(sizes[:-1], sizes[1:], kernel_sizes)
        )
        # "same" padding done by hand (torch warns on even kernels): (k - 1) // 2 zeros before, the rest after
        self._pads = tuple(((k - 1) // 2, k - 1 - (k - 1) // 2) for k in kernel_sizes)
        self.norms = nn.ModuleList(nn.BatchNorm1d(c) for c in channels)

    def forward(self, X, mask=None):
        """Summarise sequences.

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F)
        mask : torch.BoolTensor of shape (B, T) or None, default=None
            True on real steps (see :func:`step_mask`).

        Returns
        -------
        torch.Tensor of shape (B, C), C the last block's channels
        """
        h = X.transpose(1, 2)  # [B, T, F] -> [B, F, T], the layout of Conv1d
        keep = None if mask is None else mask.unsqueeze(1).to(h.dtype)  # [B, T] -> [B, 1, T]
        for conv, norm, pad in zip(self.convs, self.norms, self._pads):
            if keep is not None:
                h = h * keep  # zero past each length: [B, C, T] * [B, 1, T]
            h = conv(nn.functional.pad(h, pad))  # [B, C_in, T] -> [B, C_in, T+k-1] -> [B, C_out, T]
            h = torch.relu(self._normalise(norm, h, mask))
        if keep is None:
            return h.mean(dim=2)  # [B, C, T] -> [B, C]
        return (h * keep).sum(dim=2) / keep.sum(dim=2)  # masked mean: [B, C, T] -> [B, C] / [B, 1]

    @staticmethod
    def _normalise(norm, h, mask):
        """Batch-normalise ``h`` [B, C, T]; in training, statistics come from the real steps only."""
        if mask is None or not norm.training:
            return norm(h)  # eval: a fixed per-channel affine map, padding cannot leak into real steps
        steps = h.transpose(1, 2)  # [B, C, T] -> [B, T, C]
        out = torch.zeros_like(steps)
        out[mask] = norm(steps[mask])  # real steps only: [N, C] -> [N, C]
        return out.transpose(1, 2)  # [B, T, C] -> [B, C, T]


class AttentionPooling(nn.Module):
    """Attention pooling over time: a learned softmax over the steps, masked on padding.

    Score of step t: ``s_t = v . tanh(W o_t + b)`` on the recurrent output ``o_t`` (additive attention as
    in Bahdanau et al., 2015, with a learned query as in Yang et al., 2016); weights ``a = softmax(s)``
    over the real steps of each sequence (padding gets weight exactly 0); summary ``sum_t a_t o_t``.

    Parameters
    ----------
    size : int
        Size of each step's recurrent output (``D*H``).
    """

    def __init__(self, size):
        super().__init__()
        self.proj = nn.Linear(size, size)
        self.score = nn.Linear(size, 1, bias=False)

    def weights(self, out, mask=None):
        """Attention weights ``[B, T]``: non-negative, summing to 1 over each sequence's real steps."""
        scores = self.score(torch.tanh(self.proj(out))).squeeze(-1)  # [B, T, D*H] -> [B, T, 1] -> [B, T]
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, dim=1)

    def forward(self, out, mask=None):
        """Weighted sum of ``out`` [B, T, D*H] over time: ``[B, D*H]``."""
        weights = self.weights(out, mask)  # [B, T]
        return (weights.unsqueeze(-1) * out).sum(dim=1)  # [B, T, 1] * [B, T, D*H] -> [B, D*H]


def _is_positive_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 1


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

    Notes
    -----
    The one-step state API (:meth:`encode`, :meth:`step`, :meth:`readout`) lets a forecaster read a
    window once and then advance one step at a time; it needs a unidirectional net on real-valued inputs
    whose head reads only the last state (``pooling="last"``, no convolutional branch).
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
    ):
        super().__init__()
        owner = type(self).__name__
        _check_choice(output, ("last", "sequence"), "output", owner)
        _check_choice(pooling, POOLINGS, "pooling", owner)
        if output == "sequence" and (pooling != "last" or conv_channels is not None):
            what = f"pooling={pooling!r}" if pooling != "last" else f"conv_channels={conv_channels!r}"
            raise ValueError(
                f"{owner}: {what} summarises whole sequences, so it needs output='last'; output='sequence' "
                "predicts at every step. Use output='last', or pooling='last' and conv_channels=None."
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
        self.embedding = None if num_embeddings is None else nn.Embedding(num_embeddings, embedding_dim)
        rnn_input = input_size if embedding_dim is None else embedding_dim
        self.rnn = _make_rnn(
            cell, rnn_input, hidden_size, num_layers, nonlinearity, bidirectional, dropout, owner
        )
        summary = hidden_size * self.num_directions
        self.attention = AttentionPooling(summary) if pooling == "attention" else None
        self.conv = None
        if conv_channels is not None:
            self.conv = FCNBranch(rnn_input, conv_channels, conv_kernel_sizes)
            summary += self.conv.out_features
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(summary, output_size)

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
        torch.Tensor of shape (B, K) for ``output="last"``, (B, T, K) for ``output="sequence"``
        """
        features = X if self.embedding is None else self.embedding(X)  # [B, T] long -> [B, T, E]
        out, state = self._run_features(features, lengths)
        mask = step_mask(lengths, X.shape[1], device=out.device)  # [B, T] or None
        if self.output == "sequence":
            y = self.head(self.dropout(out))  # [B, T, D*H] -> [B, T, K]
            if mask is not None:
                y = y * mask.unsqueeze(-1).to(y.dtype)  # [B, T, K] * [B, T, 1]
            return y
        summary = self._pool(out, state, mask)  # [B, D*H]
        if self.conv is not None:
            summary = torch.cat([summary, self.conv(features, mask)], dim=1)  # [B, D*H] + [B, C] -> [B, D*H+C]
        return self.head(self.dropout(summary))  # [B, D*H(+C)] -> [B, K]

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
        torch.Tensor of shape (B, T)
            Non-negative, summing to 1 over each sequence's real steps, exactly 0 on padding.
        """
        if self.attention is None:
            raise ValueError(
                f"{type(self).__name__}.attention_weights() needs pooling='attention'; this net has "
                f"pooling={self.pooling!r}."
            )
        features = X if self.embedding is None else self.embedding(X)  # [B, T] long -> [B, T, E]
        out, _ = self._run_features(features, lengths)  # [B, T, D*H]
        return self.attention.weights(out, step_mask(lengths, X.shape[1], device=out.device))

    # ------------------------------------------------------------------ one-step state API
    def _check_state_api(self, method):
        if self.output == "last" and (self.pooling != "last" or self.conv is not None):
            what = f"pooling={self.pooling!r}" if self.pooling != "last" else "a convolutional branch"
            raise ValueError(
                f"{type(self).__name__}.{method}() reads the head from the last recurrent state alone, but "
                f"this net's head reads a summary of the whole sequence ({what}). Re-run forward() on the "
                "whole window instead, or build the net with pooling='last' and conv_channels=None."
            )
        if self.bidirectional or self.embedding is not None:
            what = "bidirectional=True" if self.bidirectional else "an embedding"
            raise ValueError(
                f"{type(self).__name__}.{method}() carries a forward-in-time state over real-valued inputs, "
                f"so it needs a unidirectional net without embedding; this net has {what}. Re-run "
                "forward() on the whole window instead, or build the net with bidirectional=False and "
                "no embedding."
            )

    def encode(self, X, lengths=None):
        """Read whole sequences and return the recurrent state after their last real step.

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F)
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
        x : torch.Tensor of shape (B, F)
            Inputs of one time step.
        state : torch.Tensor of shape (L, B, H) or tuple of two
            As returned by :meth:`encode` or a previous :meth:`step`.

        Returns
        -------
        out : torch.Tensor of shape (B, K)
            The head's prediction from the new state (same as ``readout(new_state)``).
        state : the new state
        """
        self._check_state_api("step")
        out, state = self.rnn(x.unsqueeze(1), state)  # [B, F] -> [B, 1, F] -> [B, 1, H]
        return self.head(self.dropout(out[:, 0])), state  # [B, 1, H] -> [B, H] -> [B, K]

    def readout(self, state):
        """Apply the head to the top layer's hidden state: ``[B, K]``."""
        self._check_state_api("readout")
        h_n = state[0] if self.cell == "lstm" else state  # [L, B, H]
        return self.head(self.dropout(h_n[-1]))  # [B, H] -> [B, K]


class Seq2SeqNet(nn.Module):
    """Encoder-decoder emitting a whole horizon, with teacher forcing / scheduled sampling.

    The encoder reads ``X``; the decoder starts from the encoder's state, takes the last observed target
    ``X[:, -1, target_index]`` as its first input and then feeds back its own previous output. In training
    mode, when ``y_teacher`` is given, each (sample, step) instead receives the *true* previous value with
    probability :attr:`teacher_forcing_ratio` (scheduled sampling, Bengio et al., 2015); a training
    callback lowers that ratio epoch by epoch. In evaluation mode the decoder always runs free.

    Parameters
    ----------
    input_size : int
        Number of features per input step ``F``.
    horizon : int
        Number of future steps emitted.
    cell : {"gru", "lstm", "rnn"}, default="gru"
    hidden_size : int, default=32
    num_layers : int, default=1
    nonlinearity : {"tanh", "relu"}, default="tanh"
    dropout : float, default=0.0
        Between stacked layers and on the decoder output fed to the head.
    target_index : int, default=0
        Which feature of ``X`` holds the past values of the target.

    Attributes
    ----------
    teacher_forcing_ratio : float
        Probability of feeding the true previous value in training mode; starts at 0.0 (free running).
    """

    def __init__(
        self,
        input_size,
        horizon,
        *,
        cell="gru",
        hidden_size=32,
        num_layers=1,
        nonlinearity="tanh",
        dropout=0.0,
        target_index=0,
    ):
        super().__init__()
        owner = type(self).__name__
        if not 0 <= target_index < input_size:
            raise ValueError(
                f"{owner}: target_index={target_index} is not a feature index of inputs with "
                f"input_size={input_size} features; expected 0 <= target_index < {input_size}."
            )
        self.cell = cell
        self.horizon = horizon
        self.target_index = target_index
        self.teacher_forcing_ratio = 0.0
        args = (hidden_size, num_layers, nonlinearity, False, dropout, owner)
        self.encoder = _make_rnn(cell, input_size, *args)
        self.decoder = _make_rnn(cell, 1, *args)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, X, y_teacher=None):
        """Forecast ``horizon`` steps.

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F)
            Input windows; ``X[:, :, target_index]`` holds the target's past values.
        y_teacher : torch.Tensor of shape (B, horizon) or None, default=None
            True future values, used only in training mode (teacher forcing).

        Returns
        -------
        torch.Tensor of shape (B, horizon)
        """
        _, state = self.encoder(X)  # [B, T, F] -> state [L, B, H]
        prev = X[:, -1, self.target_index : self.target_index + 1]  # [B, T, F] -> [B, 1]
        ratio = float(self.teacher_forcing_ratio)
        teach = self.training and y_teacher is not None and ratio > 0.0
        outputs = []
        for t in range(self.horizon):
            out, state = self.decoder(prev.unsqueeze(1), state)  # [B, 1] -> [B, 1, 1] -> [B, 1, H]
            y_t = self.head(self.dropout(out[:, 0]))  # [B, 1, H] -> [B, H] -> [B, 1]
            outputs.append(y_t)
            if teach:
                true_t = y_teacher[:, t : t + 1].to(y_t.dtype)  # [B, horizon] -> [B, 1]
                if ratio >= 1.0:
                    prev = true_t
                else:
                    coin = torch.rand(y_t.shape, device=y_t.device) < ratio  # [B, 1] bool
                    prev = torch.where(coin, true_t, y_t)
            else:
                prev = y_t
        return torch.cat(outputs, dim=1)  # horizon x [B, 1] -> [B, horizon]
