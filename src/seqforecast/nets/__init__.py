"""Recurrent torch modules: ``torch.nn.Module`` subclasses and their building blocks (no estimators here;
their parameters are checked through :mod:`seqforecast._utils.validation`)."""

from .layers import (
    CELLS,
    FCN_KERNEL_SIZES,
    NONLINEARITIES,
    AttentionPooling,
    FCNBranch,
    init_recurrent_weights,
    median_index,
    monotone_quantiles,
    step_mask,
)
from .recurrent import POOLINGS, RecurrentNet
from .seq2seq import Seq2SeqNet

__all__ = [
    "CELLS",
    "FCN_KERNEL_SIZES",
    "NONLINEARITIES",
    "POOLINGS",
    "AttentionPooling",
    "FCNBranch",
    "RecurrentNet",
    "Seq2SeqNet",
    "init_recurrent_weights",
    "median_index",
    "monotone_quantiles",
    "step_mask",
]
