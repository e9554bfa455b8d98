"""Building blocks of the recurrent nets: the recurrent layer and its initialisation, the padding mask, the
chunk means that shorten long sequences, the per-sequence standardisation, the convolutional (FCN) branch, attention pooling, the non-crossing quantile transform of a quantile head, and the
parameter transform of a distribution head.

Shape vocabulary in comments: ``B`` batch, ``T`` time steps, ``F`` input features, ``H`` hidden size,
``D`` directions (1 or 2), ``C`` convolution channels, ``N`` real (non-padding) steps of a whole batch, ``Q``
quantile levels, ``P`` parameters of a distribution.
"""

from __future__ import annotations

import torch
from torch import nn

from .._utils.validation import PositiveInts, check_option, check_param

__all__ = [
    "CELLS",
    "DISTRIBUTIONS",
    "FCN_KERNEL_SIZES",
    "MIN_SCALE",
    "NONLINEARITIES",
    "AttentionPooling",
    "FCNBranch",
    "chunk_means",
    "distribution_parameters",
    "init_recurrent_weights",
    "make_rnn",
    "median_index",
    "monotone_quantiles",
    "series_standardise",
    "step_mask",
]

#: Recurrent cells understood by the nets (and by the estimators' ``cell`` parameter).
CELLS = ("rnn", "lstm", "gru")
#: Non-linearities of the vanilla ``"rnn"`` cell.
NONLINEARITIES = ("tanh", "relu")
#: Kernel sizes of the convolutional branch's first blocks, as in FCN / LSTM-FCN; later blocks use 3.
FCN_KERNEL_SIZES = (8, 5, 3)


def make_rnn(cell, input_size, hidden_size, num_layers, nonlinearity, bidirectional, dropout, owner):
    """Build a batch-first ``nn.RNN``/``nn.LSTM``/``nn.GRU`` with orthogonal recurrent weights.

    ``owner`` (the net's class name) is named in the messages about ``cell`` and ``nonlinearity``.
    """
    check_option(cell, "cell", CELLS, owner)
    check_option(nonlinearity, "nonlinearity", NONLINEARITIES, owner)
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


def chunk_means(X, lengths, stride):
    """Shorten padded sequences ``stride`` times: the mean of each run of ``stride`` real steps.

    Steps ``0..s-1`` become step 0, ``s..2s-1`` step 1, and so on; the last chunk of a sequence averages
    only its real steps (fewer than ``s`` when the length is not a multiple of ``s``), and padding never
    enters a mean::

        stride=2, length 5:   x0 x1 | x2 x3 | x4 pad   ->   (x0+x1)/2  (x2+x3)/2  x4

    Parameters
    ----------
    X : torch.Tensor of shape (B, T, F)
    lengths : torch.LongTensor of shape (B,) or None
        Real length of each sequence (None: all ``T``).
    stride : int
        Steps per chunk; 1 returns ``X`` and ``lengths`` unchanged.

    Returns
    -------
    X_short : torch.Tensor of shape (B, ceil(T / stride), F)
        Zero past each new length.
    lengths_short : torch.LongTensor of shape (B,) or None
        ``ceil(lengths / stride)``; None when ``lengths`` is None.

    Examples
    --------
    >>> X = torch.arange(5.0).reshape(1, 5, 1)
    >>> chunk_means(X, torch.tensor([5]), 2)[0].flatten().tolist()
    [0.5, 2.5, 4.0]
    """
    if stride == 1:
        return X, lengths
    batch, n_steps, n_features = X.shape
    n_chunks = -(-n_steps // stride)  # ceil
    pad = n_chunks * stride - n_steps
    real = torch.ones(batch, n_steps, dtype=X.dtype, device=X.device)  # [B, T]
    if lengths is not None:
        real = step_mask(lengths, n_steps, device=X.device).to(X.dtype)
    X = nn.functional.pad(X * real.unsqueeze(-1), (0, 0, 0, pad))  # [B, T, F] -> [B, n*s, F], zero on padding
    real = nn.functional.pad(real, (0, pad))  # [B, T] -> [B, n*s]
    sums = X.view(batch, n_chunks, stride, n_features).sum(dim=2)  # [B, n*s, F] -> [B, n, s, F] -> [B, n, F]
    counts = real.view(batch, n_chunks, stride).sum(dim=2)  # [B, n*s] -> [B, n, s] -> [B, n]
    means = sums / counts.clamp(min=1).unsqueeze(-1)  # [B, n, F] / [B, n, 1]; empty chunks stay 0
    if lengths is None:
        return means, None
    return means, torch.div(lengths + stride - 1, stride, rounding_mode="floor")


def series_standardise(X, lengths=None):
    """Standardise each padded sequence per feature by the mean and standard deviation of its own real steps.

    ``(x_t - mean) / std`` over the real steps of each sequence and feature (population std; a feature that
    is constant along a sequence gets scale 1, so it becomes 0); padding never enters the moments and stays
    0. What a sequence holds then is its shape: its level and amplitude are gone.

    Parameters
    ----------
    X : torch.Tensor of shape (B, T, F)
    lengths : torch.LongTensor of shape (B,) or None
        Real length of each sequence (None: all ``T``).

    Returns
    -------
    torch.Tensor of shape (B, T, F)

    Examples
    --------
    >>> X = torch.tensor([[[1.0], [3.0], [9.0]]])
    >>> series_standardise(X, torch.tensor([2])).flatten().tolist()
    [-1.0, 1.0, 0.0]
    """
    real = torch.ones(X.shape[:2], dtype=X.dtype, device=X.device)  # [B, T]
    if lengths is not None:
        real = step_mask(lengths, X.shape[1], device=X.device).to(X.dtype)
    real = real.unsqueeze(-1)  # [B, T] -> [B, T, 1]
    count = real.sum(dim=1, keepdim=True).clamp(min=1)  # [B, 1, 1]
    mean = (X * real).sum(dim=1, keepdim=True) / count  # [B, T, F] -> [B, 1, F]
    var = (((X - mean) * real) ** 2).sum(dim=1, keepdim=True) / count  # [B, 1, F]
    std = var.sqrt()
    std = torch.where(std > 0, std, torch.ones_like(std))  # constant features: scale 1
    return (X - mean) / std * real  # [B, T, F], zero on padding


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
        check_param(
            channels,
            "channels",
            [PositiveInts()],
            owner,
            hint="Give the output channels of each convolutional block, e.g. (128, 256, 128).",
        )
        check_param(kernel_sizes, "kernel_sizes", [PositiveInts(), None], owner)
        channels = tuple(map(int, channels))
        if kernel_sizes is None:
            kernel_sizes = FCN_KERNEL_SIZES[: len(channels)] + (3,) * max(0, len(channels) - len(FCN_KERNEL_SIZES))
        kernel_sizes = tuple(map(int, kernel_sizes))
        if len(kernel_sizes) != len(channels):
            raise ValueError(
                f"{owner}: kernel_sizes must hold one positive int per block, {len(channels)} for channels="
                f"{channels!r}; got kernel_sizes={kernel_sizes!r}."
            )
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


# ---------------------------------------------------------------------------- quantile heads
def median_index(quantiles):
    """The position of the level closest to 0.5 (the lower of two equally close): the quantile a quantile
    head gives as its point prediction and feeds back.

    Examples
    --------
    >>> median_index((0.1, 0.5, 0.9)), median_index((0.05, 0.25, 0.75, 0.95)), median_index((0.8, 0.9))
    (1, 1, 0)
    """
    distances = [abs(float(q) - 0.5) for q in quantiles]
    return distances.index(min(distances))


def monotone_quantiles(raw, median):
    """Non-crossing quantiles from unconstrained head outputs, built around the median.

    With ``m = median`` and ``s = softplus(raw)`` (> 0)::

        q[m]     = raw[m]                                    the point prediction, unconstrained
        q[k > m] = q[m] + s[m + 1] + ... + s[k]              each level above adds a positive gap
        q[k < m] = q[m] - s[k] - ... - s[m - 1]              each level below takes one away

    so ``q`` never decreases along the last axis, whatever the weights and inputs: the gaps are cumulative
    sums of non-negative numbers, and floating-point addition and subtraction are monotone in each operand
    (a gap that underflows to 0 gives two equal quantiles, never crossed ones). ``raw[m]`` is the median's
    own value; every other output is the width of one gap.

    Parameters
    ----------
    raw : torch.Tensor of shape (..., Q)
    median : int
        Position of the median level, 0 <= median < Q (see :func:`median_index`).

    Returns
    -------
    torch.Tensor of shape (..., Q), non-decreasing along the last axis
    """
    centre = raw[..., median : median + 1]  # [..., 1]
    gaps = nn.functional.softplus(raw)  # [..., Q], > 0 (or 0 by underflow)
    above = centre + torch.cumsum(gaps[..., median + 1 :], dim=-1)  # [..., Q - m - 1]
    below = centre - torch.cumsum(gaps[..., :median].flip(-1), dim=-1).flip(-1)  # [..., m]
    return torch.cat([below, centre, above], dim=-1)  # [..., m] + [..., 1] + [..., Q - m - 1] -> [..., Q]


# ---------------------------------------------------------------------------- distribution heads
#: The distributions of a distribution head and the names of their parameters, in the order of the head's
#: last axis. The first is always the mean (the location of the Student-t, whose mean it is for ``df > 1``).
DISTRIBUTIONS = {
    "gaussian": ("loc", "scale"),
    "student_t": ("loc", "scale", "df"),
    "negative_binomial": ("mean", "dispersion"),
}
#: The smallest scale (and negative-binomial mean and dispersion) a head gives: a floor that keeps the
#: likelihood finite when the softplus underflows.
MIN_SCALE = 1e-4


def distribution_parameters(raw, distribution):
    """The parameters of ``distribution`` from unconstrained head outputs ``raw`` of shape (..., P)::

        gaussian            loc = raw[0]              scale = softplus(raw[1]) + MIN_SCALE
        student_t           loc = raw[0]              scale = softplus(raw[1]) + MIN_SCALE    df = 2 + softplus(raw[2])
        negative_binomial   mean = softplus(raw[0]) + MIN_SCALE    dispersion = softplus(raw[1]) + MIN_SCALE

    ``df > 2`` keeps the Student-t's variance finite; the negative binomial's variance is ``mean + dispersion
    * mean**2`` (a Poisson as the dispersion goes to 0).

    Parameters
    ----------
    raw : torch.Tensor of shape (..., P), P = ``len(DISTRIBUTIONS[distribution])``
    distribution : {"gaussian", "student_t", "negative_binomial"}

    Returns
    -------
    torch.Tensor of shape (..., P), the parameters in the order of :data:`DISTRIBUTIONS`
    """
    positive = nn.functional.softplus(raw) + MIN_SCALE  # [..., P], > 0
    if distribution == "negative_binomial":
        return positive  # mean, dispersion
    parts = [raw[..., :1], positive[..., 1:2]]  # loc, scale: [..., 1] each
    if distribution == "student_t":
        parts.append(2.0 + nn.functional.softplus(raw[..., 2:3]))  # df > 2
    return torch.cat(parts, dim=-1)  # -> [..., P]
