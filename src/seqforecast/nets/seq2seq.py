"""An encoder-decoder net that emits a whole horizon, trained with teacher forcing / scheduled sampling.

Shape vocabulary in comments: ``B`` batch, ``T`` time steps, ``F`` input features, ``H`` hidden size,
``L`` layers, ``Q`` quantile levels.
"""

from __future__ import annotations

from numbers import Integral

import torch
from sklearn.utils._param_validation import Interval
from torch import nn

from .._utils.validation import check_param, check_quantiles
from .attention import DecoderAttention
from .layers import make_rnn, median_index, monotone_quantiles

__all__ = ["Seq2SeqNet"]


class Seq2SeqNet(nn.Module):
    """Encoder-decoder emitting a whole horizon, with teacher forcing / scheduled sampling, and optionally
    attention over the encoder's outputs.

    The encoder reads ``X``; the decoder starts from the encoder's state, takes the last observed target
    ``X[:, -1, target_index]`` as its first input and then feeds back its own previous output. In training
    mode, when ``y_teacher`` is given, each (sample, step) instead receives the *true* previous value with
    probability :attr:`teacher_forcing_ratio` (scheduled sampling, Bengio et al., 2015); a training
    callback lowers that ratio epoch by epoch. In evaluation mode the decoder always runs free.

    With ``attention``, each decoder step attends over the encoder's top-layer outputs at every input step
    (global attention, Luong et al., 2015: :class:`~seqforecast.nets.attention.DecoderAttention`): its
    output ``h_t`` is the query, the context ``c_t`` is the weighted mean of the encoder outputs, and the
    head reads the attentional state ``tanh(W_c [c_t; h_t] + b_c)`` instead of ``h_t``; the decoder's input
    is unchanged (the previous value). :meth:`attention_weights` returns the weights.

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
    quantiles : sequence of float or None, default=None
        When set (levels strictly increasing in (0, 1)), a quantile head: each decoder step emits ``Q``
        non-crossing quantiles (:func:`~seqforecast.nets.layers.monotone_quantiles`), the net returns
        ``[B, horizon, Q]``, and the decoder is fed back the median (the level closest to 0.5), the value
        it is fed in place of when teacher forcing gives the true one.
    attention : {"dot", "additive"} or None, default=None
        The score of the decoder's attention over the encoder outputs: ``"dot"``, Luong et al.'s (2015)
        dot product scaled by ``1 / sqrt(hidden_size)``; ``"additive"``, Bahdanau et al.'s (2015)
        ``v . tanh(W_q h_t + W_k e_j + b)``. None: no attention, the net of earlier versions (the same
        parameters and the same numbers). Its modules are created after the others, so a net with
        attention starts from the encoder, decoder and head weights of the same net without it.

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
        quantiles=None,
        attention=None,
    ):
        super().__init__()
        owner = type(self).__name__
        check_param(
            target_index,
            "target_index",
            [Interval(Integral, 0, input_size, closed="left")],
            owner,
            hint=f"It is the feature of the inputs holding the target's past values, and the inputs have "
            f"input_size={input_size} features.",
        )
        self.cell = cell
        self.horizon = horizon
        self.target_index = target_index
        self.teacher_forcing_ratio = 0.0
        args = (hidden_size, num_layers, nonlinearity, False, dropout, owner)
        self.encoder = make_rnn(cell, input_size, *args)
        self.decoder = make_rnn(cell, 1, *args)
        self.dropout = nn.Dropout(dropout)
        self.quantiles = None if quantiles is None else check_quantiles(quantiles, owner)
        self._median = None if quantiles is None else median_index(self.quantiles)
        self.head = nn.Linear(hidden_size, 1 if quantiles is None else len(self.quantiles))
        self.attention = None if attention is None else DecoderAttention(hidden_size, attention, owner=owner)

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
        torch.Tensor of shape (B, horizon), or (B, horizon, Q) with a quantile head
        """
        return self._decode(X, y_teacher)[0]

    def attention_weights(self, X):
        """The attention weights of the decoder's steps over the encoder's steps, running free (no teacher
        forcing) as in evaluation mode; dropout applies in training mode, so call ``eval()`` first.

        Parameters
        ----------
        X : torch.Tensor of shape (B, T, F)

        Returns
        -------
        torch.Tensor of shape (B, horizon, T)
            Row ``[b, t]`` is the weight of each input step in forecast step ``t``: non-negative, summing to 1.

        Raises
        ------
        ValueError
            The net has no attention (``attention=None``).
        """
        if self.attention is None:
            raise ValueError(
                f"{type(self).__name__}.attention_weights needs a net built with attention='dot' or "
                "'additive'; this one has attention=None."
            )
        return self._decode(X, None)[1]

    def _decode(self, X, y_teacher):
        """The outputs (as :meth:`forward`) and, with attention, the weights [B, horizon, T] (else None)."""
        memory, state = self.encoder(X)  # [B, T, F] -> outputs [B, T, H], state [L, B, H]
        keys = None if self.attention is None else self.attention.keys(memory)  # [B, T, H]
        prev = X[:, -1, self.target_index : self.target_index + 1]  # [B, T, F] -> [B, 1]
        ratio = float(self.teacher_forcing_ratio)
        teach = self.training and y_teacher is not None and ratio > 0.0
        outputs, weights = [], []
        for t in range(self.horizon):
            out, state = self.decoder(prev.unsqueeze(1), state)  # [B, 1] -> [B, 1, 1] -> [B, 1, H]
            hidden = out[:, 0]  # [B, 1, H] -> [B, H]
            if self.attention is not None:
                hidden, weights_t = self.attention(hidden, memory, keys)  # [B, H], [B, T]
                weights.append(weights_t.unsqueeze(1))  # [B, T] -> [B, 1, T]
            y_t = self.head(self.dropout(hidden))  # [B, H] -> [B, 1] (or [B, Q])
            if self.quantiles is not None:
                quantiles_t = monotone_quantiles(y_t, self._median)  # [B, Q]
                outputs.append(quantiles_t.unsqueeze(1))  # [B, Q] -> [B, 1, Q]
                y_t = quantiles_t[:, self._median : self._median + 1]  # the median is fed back: [B, 1]
            else:
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
        # horizon x [B, 1] -> [B, horizon] (or x [B, 1, Q] -> [B, horizon, Q]); horizon x [B, 1, T] -> [B, horizon, T]
        return torch.cat(outputs, dim=1), (torch.cat(weights, dim=1) if weights else None)
