"""Attention of an encoder-decoder's decoder over the encoder's outputs (:class:`DecoderAttention`).

Shape vocabulary in comments: ``B`` batch, ``T`` encoder steps, ``H`` hidden size.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._utils.validation import check_option

__all__ = ["ATTENTIONS", "DecoderAttention"]

#: Score functions of :class:`DecoderAttention` (and of ``Seq2SeqNet``'s ``attention`` parameter).
ATTENTIONS = ("dot", "additive")


class DecoderAttention(nn.Module):
    """Global attention of one decoder step over every encoder output (Luong et al., 2015).

    At decoder step ``t`` the query is the decoder's top-layer output ``h_t`` [B, H]; the memory is the
    encoder's top-layer outputs ``e_1 .. e_T`` [B, T, H]. Each encoder step gets a score, the weights are
    their softmax over the ``T`` steps, the context is the weighted mean of the memory, and the output is
    Luong's attentional state ``tanh(W_c [c_t; h_t] + b_c)`` [B, H], which replaces ``h_t`` before the head::

        "dot":       s_tj = h_t . e_j / sqrt(H)                          (Luong's dot score, scaled)
        "additive":  s_tj = v . tanh(W_q h_t + W_k e_j + b)               (Bahdanau et al., 2015)
        a_t = softmax_j(s_t);   c_t = sum_j a_tj e_j;   output = tanh(W_c [c_t; h_t] + b_c)

    The dot score has no weights of its own; it is divided by ``sqrt(H)`` (as in Vaswani et al., 2017) so
    that its softmax does not saturate at initialisation for large hidden sizes. The additive score learns
    ``W_q``, ``W_k``, ``b`` and ``v``; ``W_k e_j + b`` is computed once per sequence (:meth:`keys`).

    Parameters
    ----------
    hidden_size : int
        ``H``: size of the decoder's and of the encoder's outputs.
    score : {"dot", "additive"}, default="dot"
    owner : str, default="DecoderAttention"
        The class named in the message about an unknown ``score`` (the net that builds this module).
    """

    def __init__(self, hidden_size, score="dot", *, owner="DecoderAttention"):
        super().__init__()
        check_option(
            score,
            "attention",
            ATTENTIONS,
            owner,
            hint="It is the score of the decoder's attention over the encoder's outputs: 'dot' (Luong et al., "
            "2015) or 'additive' (Bahdanau et al., 2015); None for no attention.",
        )
        self.score = score
        self.scale = 1.0 / math.sqrt(hidden_size)
        if score == "additive":
            self.query = nn.Linear(hidden_size, hidden_size, bias=False)
            self.key = nn.Linear(hidden_size, hidden_size)
            self.energy = nn.Linear(hidden_size, 1, bias=False)
        self.combine = nn.Linear(2 * hidden_size, hidden_size)

    def keys(self, memory):
        """What the scores compare the query with, computed once per sequence: ``[B, T, H]``."""
        if self.score == "additive":
            return self.key(memory)  # [B, T, H] -> [B, T, H]
        return memory

    def forward(self, query, memory, keys):
        """Attend from ``query`` [B, H] over ``memory`` [B, T, H] (``keys`` from :meth:`keys`).

        Returns
        -------
        output : torch.Tensor of shape (B, H)
            The attentional state ``tanh(W_c [c; query] + b_c)``.
        weights : torch.Tensor of shape (B, T)
            The attention weights: non-negative, summing to 1 over the ``T`` steps.
        """
        if self.score == "additive":
            hidden = torch.tanh(keys + self.query(query).unsqueeze(1))  # [B, T, H] + [B, 1, H] -> [B, T, H]
            scores = self.energy(hidden).squeeze(-1)  # [B, T, H] -> [B, T, 1] -> [B, T]
        else:
            scores = torch.bmm(keys, query.unsqueeze(-1)).squeeze(-1) * self.scale  # [B, T, H] @ [B, H, 1] -> [B, T]
        weights = torch.softmax(scores, dim=1)  # [B, T]
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)  # [B, 1, T] @ [B, T, H] -> [B, H]
        output = torch.tanh(self.combine(torch.cat([context, query], dim=-1)))  # [B, 2H] -> [B, H]
        return output, weights
