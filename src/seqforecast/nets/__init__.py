"""Recurrent torch modules: ``torch.nn.Module`` subclasses and their building blocks (no estimators here;
their parameters are checked through :mod:`seqforecast._utils.validation`)."""

from .layers import (
    CELLS,
    DISTRIBUTIONS,
    FCN_KERNEL_SIZES,
    MIN_SCALE,
    NONLINEARITIES,
    AttentionPooling,
    FCNBranch,
    distribution_parameters,
    init_recurrent_weights,
    median_index,
    monotone_quantiles,
    step_mask,
)
from .recurrent import POOLINGS, RecurrentNet
from .seq2seq import Seq2SeqNet

__all__ = [
    "CELLS",
    "DISTRIBUTIONS",
    "FCN_KERNEL_SIZES",
    "MIN_SCALE",
    "NONLINEARITIES",
    "POOLINGS",
    "AttentionPooling",
    "FCNBranch",
    "RecurrentNet",
    "Seq2SeqNet",
    "distribution_parameters",
    "init_recurrent_weights",
    "median_index",
    "monotone_quantiles",
    "step_mask",
]
