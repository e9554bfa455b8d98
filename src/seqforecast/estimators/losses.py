"""The losses the sequence estimators train with: the regressor's, by name (a quantile loss among them), and a
cross-entropy over sequences for the classifier."""

from __future__ import annotations

import torch

__all__ = ["REGRESSION_LOSSES", "PinballLoss", "SequenceCrossEntropy"]


class PinballLoss(torch.nn.modules.loss._Loss):
    """The mean quantile (pinball) loss over every target and every quantile level.

    For a level ``tau``, a predicted quantile ``q`` and the target ``y``::

        rho_tau(y, q) = max(tau * (y - q), (tau - 1) * (y - q))

    the loss of :func:`seqforecast.evaluation.pinball_loss`, averaged here over all the values of a batch.
    Its minimiser over ``q`` is the ``tau``-quantile of ``y``, so a net trained with it learns the
    quantiles of the target given the input.

    Parameters
    ----------
    quantiles : sequence of float or torch.Tensor of shape (Q,), default=(0.1, 0.5, 0.9)
        The levels ``tau``, in the order of the predictions' last axis. Kept as a buffer (so a model file
        stores them with the loss); checked by the estimator, not here.
    """

    def __init__(self, quantiles=(0.1, 0.5, 0.9)):
        super().__init__()
        self.register_buffer("quantiles", torch.as_tensor(quantiles, dtype=torch.float32).reshape(-1))

    def forward(self, pred, target):
        """``pred`` of shape (..., Q), ``target`` of shape (...): a scalar tensor."""
        tau = self.quantiles.to(pred.dtype)  # [Q]
        diff = target.to(pred.dtype).unsqueeze(-1) - pred  # [..., 1] - [..., Q] -> [..., Q]
        return torch.maximum(tau * diff, (tau - 1.0) * diff).mean()


#: RNNRegressor's ``loss`` names (scikit-learn's, as in HistGradientBoostingRegressor) and their torch classes.
REGRESSION_LOSSES = {
    "squared_error": torch.nn.MSELoss,
    "absolute_error": torch.nn.L1Loss,
    "huber": torch.nn.HuberLoss,
    "quantile": PinballLoss,
}


class SequenceCrossEntropy(torch.nn.CrossEntropyLoss):
    """Cross-entropy on logits ``[B, C]`` or per step ``[B, T, C]`` (targets ``[B]`` or ``[B, T]``)."""

    def forward(self, logits, target):
        if logits.dim() == 3:
            logits = logits.transpose(1, 2)  # [B, T, C] -> [B, C, T], the layout CrossEntropyLoss expects
        return super().forward(logits, target)
