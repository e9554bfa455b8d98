"""The losses the sequence estimators train with: the regressor's, by name, and a cross-entropy over
sequences for the classifier."""

from __future__ import annotations

import torch

__all__ = ["REGRESSION_LOSSES", "SequenceCrossEntropy"]

#: RNNRegressor's ``loss`` names (scikit-learn's, as in HistGradientBoostingRegressor) and their torch classes.
REGRESSION_LOSSES = {"squared_error": torch.nn.MSELoss, "absolute_error": torch.nn.L1Loss, "huber": torch.nn.HuberLoss}


class SequenceCrossEntropy(torch.nn.CrossEntropyLoss):
    """Cross-entropy on logits ``[B, C]`` or per step ``[B, T, C]`` (targets ``[B]`` or ``[B, T]``)."""

    def forward(self, logits, target):
        if logits.dim() == 3:
            logits = logits.transpose(1, 2)  # [B, T, C] -> [B, C, T], the layout CrossEntropyLoss expects
        return super().forward(logits, target)
