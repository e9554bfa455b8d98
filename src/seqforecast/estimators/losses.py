"""The losses the sequence estimators train with: the regressor's, by name (a quantile loss and the negative
log-likelihoods of distribution heads among them), and a cross-entropy over sequences for the classifier.

A distribution loss (:class:`GaussianNLL`, :class:`StudentTNLL`, :class:`NegativeBinomialNLL`) also knows its
distribution: :meth:`~DistributionNLL.distribution` builds the ``torch.distributions`` object from a head's
parameters and :meth:`~DistributionNLL.sample` draws from them with a numpy generator of the caller's (never
torch's process-wide one).
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = [
    "DISTRIBUTION_LOSSES",
    "REGRESSION_LOSSES",
    "DistributionNLL",
    "GaussianNLL",
    "NegativeBinomialNLL",
    "PinballLoss",
    "SequenceCrossEntropy",
    "StudentTNLL",
]


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


class DistributionNLL(torch.nn.modules.loss._Loss):
    """The mean negative log-likelihood of the targets under the distributions a head predicts.

    ``pred`` of shape (..., P) holds the parameters of one distribution per target (``P`` of them, in the
    order of :data:`~seqforecast.nets.layers.DISTRIBUTIONS`, as
    :func:`~seqforecast.nets.layers.distribution_parameters` constrains them), ``target`` of shape (...).
    The loss is ``-log p(target)`` averaged over all the targets of a batch: the full log-density (or
    log-mass), constants included, so it equals ``-scipy.stats.<dist>.logpdf`` averaged.
    """

    #: The key of :data:`~seqforecast.nets.layers.DISTRIBUTIONS` (and of ``RNNRegressor``'s ``loss``).
    name = None

    @classmethod
    def distribution(cls, params):
        """The ``torch.distributions`` object of the parameters ``params`` of shape (..., P)."""
        raise NotImplementedError

    @classmethod
    def sample(cls, params, rng):
        """One draw from each distribution of ``params`` (a float64 ndarray of shape (..., P)) with the numpy
        generator ``rng``: an ndarray of shape (...)."""
        raise NotImplementedError

    def forward(self, pred, target):
        """``pred`` of shape (..., P), ``target`` of shape (...): a scalar tensor."""
        return -self.distribution(pred).log_prob(target.to(pred.dtype)).mean()


class GaussianNLL(DistributionNLL):
    """Negative log-likelihood of a Gaussian head, parameters ``(loc, scale)``; draws ``loc + scale * z`` with
    ``z = rng.standard_normal(...)``."""

    name = "gaussian"

    @classmethod
    def distribution(cls, params):
        return torch.distributions.Normal(params[..., 0], params[..., 1], validate_args=False)

    @classmethod
    def sample(cls, params, rng):
        return params[..., 0] + params[..., 1] * rng.standard_normal(params.shape[:-1])


class StudentTNLL(DistributionNLL):
    """Negative log-likelihood of a Student-t head, parameters ``(loc, scale, df)``; draws ``loc + scale * t``
    with ``t = rng.standard_t(df)``."""

    name = "student_t"

    @classmethod
    def distribution(cls, params):
        return torch.distributions.StudentT(params[..., 2], params[..., 0], params[..., 1], validate_args=False)

    @classmethod
    def sample(cls, params, rng):
        return params[..., 0] + params[..., 1] * rng.standard_t(params[..., 2])


class NegativeBinomialNLL(DistributionNLL):
    """Negative log-likelihood of a negative-binomial head for counts, parameters ``(mean, dispersion)``.

    With ``r = 1 / dispersion`` the distribution is torch's ``NegativeBinomial(total_count=r, logits=log(mean /
    r))``: mean ``mean``, variance ``mean + dispersion * mean**2`` (scipy's ``nbinom(n=r, p=r / (r + mean))``).
    Draws are ``rng.negative_binomial(r, r / (r + mean))``, non-negative integers (as floats).
    """

    name = "negative_binomial"

    @classmethod
    def distribution(cls, params):
        mean, total = params[..., 0], 1.0 / params[..., 1]
        return torch.distributions.NegativeBinomial(total, logits=mean.log() - total.log(), validate_args=False)

    @classmethod
    def sample(cls, params, rng):
        total = 1.0 / params[..., 1]
        return rng.negative_binomial(total, total / (total + params[..., 0])).astype(np.float64)


#: RNNRegressor's distribution losses by name (the keys of :data:`~seqforecast.nets.layers.DISTRIBUTIONS`, the
#: heads the nets build).
DISTRIBUTION_LOSSES = {cls.name: cls for cls in (GaussianNLL, StudentTNLL, NegativeBinomialNLL)}

#: RNNRegressor's ``loss`` names (scikit-learn's, as in HistGradientBoostingRegressor) and their torch classes.
REGRESSION_LOSSES = {
    "squared_error": torch.nn.MSELoss,
    "absolute_error": torch.nn.L1Loss,
    "huber": torch.nn.HuberLoss,
    "quantile": PinballLoss,
    **DISTRIBUTION_LOSSES,
}


class SequenceCrossEntropy(torch.nn.CrossEntropyLoss):
    """Cross-entropy on logits ``[B, C]`` or per step ``[B, T, C]`` (targets ``[B]`` or ``[B, T]``).

    Logits ``[B, M, C]`` with targets ``[B]`` are those of the ``M`` members of a
    :class:`~seqforecast.nets.NetEnsemble` in training: the loss is the mean of the members' cross-entropies.
    """

    def forward(self, logits, target):
        if logits.dim() == 3 and target.dim() == 1:  # ensemble members: [B, M, C] -> [B*M, C], targets [B*M]
            members = logits.shape[1]
            return super().forward(logits.reshape(-1, logits.shape[-1]), target.repeat_interleave(members))
        if logits.dim() == 3:
            logits = logits.transpose(1, 2)  # [B, T, C] -> [B, C, T], the layout CrossEntropyLoss expects
        return super().forward(logits, target)
