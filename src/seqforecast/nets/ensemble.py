"""An ensemble of classifier nets trained side by side: :class:`NetEnsemble`.

Shape vocabulary in comments: ``B`` batch, ``T`` time steps, ``F`` input features, ``M`` members, ``K``
classes.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .recurrent import RecurrentNet

__all__ = ["NetEnsemble"]


class NetEnsemble(nn.Module):
    """``n_members`` :class:`RecurrentNet` classifiers of the same settings, each with its own initial weights,
    whose class probabilities are averaged (a deep ensemble, Lakshminarayanan et al., 2017).

    In training mode :meth:`forward` returns every member's logits, ``[B, M, K]``, and the loss
    (:class:`~seqforecast.estimators.losses.SequenceCrossEntropy`) is the mean of the members' cross-entropies:
    no term of it involves two members, so each member gets the gradients it would get trained alone (scaled by
    ``1 / M``, which Adam's normalisation cancels), on the same batches. In inference mode it returns the
    logarithm of the members' mean class probabilities, ``[B, K]``: logits whose softmax is that mean.

    Parameters
    ----------
    n_members : int
        The number of nets (at least 1).
    input_size, output_size, cell, hidden_size, num_layers, nonlinearity, bidirectional, dropout, output, \
num_embeddings, embedding_dim, pooling, conv_channels, conv_kernel_sizes, input_mean, input_scale, rnn_stride, \
conv_stride, series_scaling
        The settings of every member, as for :class:`RecurrentNet`; ``output`` must be ``"last"`` (one label
        per sequence).

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> net = NetEnsemble(3, input_size=1, output_size=2, hidden_size=4)
    >>> net.train()(torch.randn(5, 7, 1)).shape  # every member's logits
    torch.Size([5, 3, 2])
    >>> proba = net.eval()(torch.randn(5, 7, 1)).softmax(dim=-1)  # the members' mean probabilities
    >>> proba.shape, bool(torch.allclose(proba.sum(dim=-1), torch.ones(5, dtype=proba.dtype)))
    (torch.Size([5, 2]), True)
    """

    def __init__(
        self,
        n_members,
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
        input_mean=None,
        input_scale=None,
        rnn_stride=1,
        conv_stride=1,
        series_scaling=False,
    ):
        # the member settings spelled out above, not **kwargs: a model file's saved settings are checked against
        # the signature before anything is built (seqforecast.persistence refuses arbitrary arguments)
        settings = {k: v for k, v in locals().items() if k not in ("self", "n_members", "output", "__class__")}
        super().__init__()
        if isinstance(n_members, bool) or not isinstance(n_members, int) or n_members < 1:
            raise ValueError(f"NetEnsemble needs n_members, an int >= 1; got {n_members!r}.")
        if output != "last":
            raise ValueError(
                "NetEnsemble averages the class probabilities of whole sequences (output='last'); got "
                f"output={output!r}."
            )
        self.n_members = n_members
        self.members = nn.ModuleList(RecurrentNet(**settings) for _ in range(n_members))

    def forward(self, X, lengths=None):
        """Every member's logits ``[B, M, K]`` in training mode; the log of their mean softmax ``[B, K]`` in
        inference mode. ``X`` and ``lengths`` as for :meth:`RecurrentNet.forward`."""
        logits = torch.stack([member(X, lengths) for member in self.members], dim=1)  # M x [B, K] -> [B, M, K]
        if self.training:
            return logits
        log_proba = torch.log_softmax(logits, dim=-1)  # [B, M, K]
        return torch.logsumexp(log_proba, dim=1) - math.log(self.n_members)  # log mean_m p_m: [B, K]
