"""Recurrent torch modules (``torch.nn.Module`` only; no scikit-learn here)."""

from .recurrent import (
    CELLS,
    FCN_KERNEL_SIZES,
    NONLINEARITIES,
    POOLINGS,
    AttentionPooling,
    FCNBranch,
    RecurrentNet,
    Seq2SeqNet,
    init_recurrent_weights,
    step_mask,
)

__all__ = ["CELLS", "FCN_KERNEL_SIZES", "NONLINEARITIES", "POOLINGS", "AttentionPooling", "FCNBranch",
           "RecurrentNet", "Seq2SeqNet", "init_recurrent_weights", "step_mask"]
