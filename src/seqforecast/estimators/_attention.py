"""The attention of :class:`~seqforecast.RNNRegressor`'s encoder-decoder (``architecture="seq2seq"``,
``attention="dot"`` or ``"additive"``): the checks of the ``attention`` parameter and
:meth:`AttentionWeights.attention_weights`, which reads the weights of a batch of forecasts."""

from __future__ import annotations

import torch
from sklearn.utils.validation import check_is_fitted

__all__ = ["AttentionWeights"]


class AttentionWeights:
    """A mixin of :class:`~seqforecast.RNNRegressor` (it reads the estimator's ``attention`` and
    ``architecture`` parameters, its fitted ``net_``, ``_check_predict_input`` and ``_inference_module``)."""

    def _check_attention(self, name):
        """Refuse ``attention`` with an architecture that has no decoder (called by ``fit``)."""
        if self.attention is not None and self.architecture != "seq2seq":
            raise ValueError(
                f"{name}: attention={self.attention!r} is the attention of a seq2seq decoder over the encoder's "
                f"outputs; architecture={self.architecture!r} has no decoder. Use architecture='seq2seq', or "
                "attention=None."
            )

    def _check_net_attention(self, kwargs):
        """Refuse a saved net whose attention is not the estimator's (called when a model file is loaded)."""
        expected = self.attention if self.architecture == "seq2seq" else None
        if kwargs.get("attention") != expected:
            raise ValueError(
                f"the net's settings disagree with {type(self).__name__}'s: attention="
                f"{kwargs.get('attention')!r} (expected {expected!r})"
            )

    def attention_weights(self, X):
        """The attention weights of the forecasts of ``X`` (a net fitted with ``attention``).

        Computed in float64 on a copy of the fitted net in inference mode, as :meth:`predict` computes its
        values: the decoder runs free, feeding back its own forecasts, so the weights are those of the
        forecasts :meth:`predict` returns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Sequences, in the layout used at fit.

        Returns
        -------
        weights : ndarray of float64 of shape (n_samples, horizon, n_timesteps)
            ``weights[i, h, t]`` is the weight of input step ``t`` in forecast step ``h`` of sequence ``i``:
            non-negative, and ``weights[i, h].sum() == 1`` (to rounding).

        Raises
        ------
        ValueError
            The estimator was fitted without attention.
        """
        check_is_fitted(self)
        name = type(self).__name__
        if getattr(self.net_.module_, "attention", None) is None:
            raise ValueError(
                f"{name}.attention_weights needs a net fitted with attention; this one was fitted with "
                f"architecture={getattr(self, '_architecture', self.architecture)!r} and no attention. Refit with {name}(architecture='seq2seq', "
                "attention='dot') (or attention='additive')."
            )
        seqs = self._check_predict_input(X, name)
        module, device, batch = self._inference_module(), self.device_, self.net_.batch_size
        values = torch.from_numpy(seqs.values).to(torch.float64)
        weights = []
        with torch.no_grad():
            for start in range(0, seqs.n_samples, batch):  # batches bound the memory, not the result
                rows = values[start : start + batch].to(device)  # [b, T, F]
                weights.append(module.attention_weights(rows).cpu())  # [b, T, F] -> [b, horizon, T]
        return torch.cat(weights).numpy()  # -> [n, horizon, T]
