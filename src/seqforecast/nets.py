"""Recurrent torch modules: a many-to-one / many-to-many net with a one-step state API, and a seq2seq net.

Only :mod:`torch` lives here (no scikit-learn): the estimators in :mod:`seqforecast.estimators` train these
modules through skorch, and the forecasters call :meth:`RecurrentNet.encode`, :meth:`RecurrentNet.step`
and :meth:`RecurrentNet.readout` directly to carry the hidden state forward instead of re-reading a window.

Shape vocabulary in comments: ``B`` batch, ``T`` time steps, ``F`` input features, ``H`` hidden size,
``D`` directions (1 or 2), ``L`` layers, ``K`` outputs, ``E`` embedding size.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["RecurrentNet", "Seq2SeqNet", "CELLS", "NONLINEARITIES"]

#: Recurrent cells understood by the nets (and by the estimators' ``cell`` parameter).
CELLS = ("rnn", "lstm", "gru")
#: Non-linearities of the vanilla ``"rnn"`` cell.
NONLINEARITIES = ("tanh", "relu")
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


class RecurrentNet(nn.Module):
    """A stacked RNN/LSTM/GRU with a linear head on the last step or on every step.

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

    Notes
    -----
    The one-step state API (:meth:`encode`, :meth:`step`, :meth:`readout`) lets a forecaster read a
    window once and then advance one step at a time; it needs a unidirectional net on real-valued inputs.
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
    ):
        super().__init__()
        owner = type(self).__name__
        _check_choice(output, ("last", "sequence"), "output", owner)
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
        self.num_directions = 2 if bidirectional else 1
        self.embedding = None if num_embeddings is None else nn.Embedding(num_embeddings, embedding_dim)
        rnn_input = input_size if embedding_dim is None else embedding_dim
        self.rnn = _make_rnn(
            cell, rnn_input, hidden_size, num_layers, nonlinearity, bidirectional, dropout, owner
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * self.num_directions, output_size)

    # ------------------------------------------------------------------ full-sequence pass
    def _run(self, X, lengths=None, state=None):
        """Run the recurrent stack; return padded outputs ``[B, T, D*H]`` and the final state."""
        if self.embedding is not None:
            X = self.embedding(X)  # [B, T] long -> [B, T, E]
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
        out, state = self._run(X, lengths)
        if self.output == "sequence":
            y = self.head(self.dropout(out))  # [B, T, D*H] -> [B, T, K]
            if lengths is not None:
                steps = torch.arange(X.shape[1], device=y.device)  # [T]
                mask = steps[None, :] < lengths.to(y.device)[:, None]  # [1, T] < [B, 1] -> [B, T]
                y = y * mask.unsqueeze(-1).to(y.dtype)  # [B, T, K] * [B, T, 1]
            return y
        h_n = state[0] if self.cell == "lstm" else state  # [L*D, B, H]
        batch = h_n.shape[1]
        # [L*D, B, H] -> [L, D, B, H] -> top layer [D, B, H]
        top = h_n.view(self.num_layers, self.num_directions, batch, self.hidden_size)[-1]
        last = top.transpose(0, 1).reshape(batch, -1)  # [D, B, H] -> [B, D, H] -> [B, D*H]
        return self.head(self.dropout(last))  # [B, D*H] -> [B, K]

    # ------------------------------------------------------------------ one-step state API
    def _check_state_api(self, method):
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
