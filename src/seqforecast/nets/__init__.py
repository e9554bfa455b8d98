"""Recurrent torch modules: ``torch.nn.Module`` subclasses and their building blocks (no estimators here;
their parameters are checked through :mod:`seqforecast._utils.validation`)."""

from .attention import ATTENTIONS, DecoderAttention
from .ensemble import NetEnsemble
from .layers import (
    CELLS,
    DISTRIBUTIONS,
    FCN_KERNEL_SIZES,
    MIN_SCALE,
    NONLINEARITIES,
    AttentionPooling,
    FCNBranch,
    chunk_means,
    distribution_parameters,
    init_recurrent_weights,
    median_index,
    monotone_quantiles,
    series_standardise,
    step_mask,
)
from .recurrent import POOLINGS, RecurrentNet
from .seq2seq import Seq2SeqNet

__all__ = [
    "ATTENTIONS",
    "CELLS",
    "DISTRIBUTIONS",
    "FCN_KERNEL_SIZES",
    "MIN_SCALE",
    "NONLINEARITIES",
    "POOLINGS",
    "AttentionPooling",
    "DecoderAttention",
    "FCNBranch",
    "NetEnsemble",
    "RecurrentNet",
    "Seq2SeqNet",
    "chunk_means",
    "distribution_parameters",
    "init_recurrent_weights",
    "median_index",
    "monotone_quantiles",
    "series_standardise",
    "step_mask",
]
