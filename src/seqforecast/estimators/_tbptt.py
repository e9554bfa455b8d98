"""Truncated backpropagation through time: the training step of ``tbptt_steps`` (``architecture="many_to_many"``).

A batch of sequences is cut along time into consecutive chunks of ``k = tbptt_steps`` steps (the last one
shorter when ``k`` does not divide ``T``)::

    X [B, T, F]   |-- chunk 0 --|-- chunk 1 --|-- ... --|- last -|
    state   zeros --> s_1 ------> s_2 --------> ... ----> s_n       (carried forward, detached at each arrow)
    per chunk       loss, backward, clip, one optimizer step

The recurrent state starts at zero for each batch and is carried from chunk to chunk; it is detached between
chunks, so the gradient of a chunk's loss reaches the weights through that chunk's steps only (and never the
inputs of earlier chunks). Each chunk's loss is the criterion's mean over its own steps; its gradient is
clipped (``gradient_clip``) and followed by one optimizer step, so a batch makes ``ceil(T / k)`` optimizer
steps. This is the TBPTT(k1, k2) of Williams & Peng (1990) with ``k1 = k2 = k``, as used by Sutskever (2013).
With ``k >= T`` there is one chunk, and the step is skorch's own: the same operations, bit for bit.

The loss that the step reports for the batch (skorch records it as the batch's ``train_loss``, and the
epoch's ``train_loss`` is the mean of its batches weighted by their sizes, as without chunks) is the mean of
the chunk losses weighted by their numbers of steps: the per-step mean over the batch, each chunk measured
with the weights it was trained from.
"""

from __future__ import annotations

import torch
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator, to_tensor

__all__ = ["tbptt_train_step"]


def _detached(state):
    """The recurrent state cut from the graph (a tensor, or the LSTM's ``(h, c)``)."""
    if isinstance(state, tuple):
        return tuple(part.detach() for part in state)
    return state.detach()


def _chunk_closure(net, batch, X_chunk, y_chunk, state, result):
    """The optimizer closure of one chunk (skorch's ``step_fn``): zero the gradients, run the chunk from
    ``state``, backpropagate its loss, let the callbacks see the gradients (clipping); it leaves the loss, the
    predictions and the new state in ``result``."""

    def step_fn():
        net._zero_grad_optimizer()
        y_pred, result["state"] = net.module_.forward_chunk(X_chunk, state)  # [B, k, F] -> [B, k, K]
        loss = net.get_loss(y_pred, y_chunk, X=X_chunk, training=True)  # mean over the chunk's steps
        loss.backward()
        result["loss"], result["y_pred"] = loss, y_pred
        net.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(net.get_all_learnable_params()),
            batch=batch,
            training=True,
        )
        return loss

    return step_fn


def tbptt_train_step(net, batch, steps):
    """One training batch of skorch net ``net`` by truncated backpropagation through time (see the module).

    Parameters
    ----------
    net : skorch.NeuralNet
        Initialised, around a :class:`~seqforecast.nets.RecurrentNet` with ``output="sequence"`` (it calls
        :meth:`~seqforecast.nets.RecurrentNet.forward_chunk`).
    batch : tuple
        ``(X, y)``: sequences of shape (B, T, F) (or (B, T) token ids) and their targets, one per step.
    steps : int
        The chunk length ``k``.

    Returns
    -------
    dict
        ``loss``: the step-weighted mean of the chunk losses (a detached scalar tensor; the chunk's own loss
        when there is one chunk); ``y_pred``: the predictions of the chunks, concatenated along time
        ``[B, T, K]``.
    """
    net._set_training(True)
    Xi, yi = unpack_data(batch)
    X, y = to_tensor(Xi, device=net.device), to_tensor(yi, device=net.device)
    n_steps = X.shape[1]
    state, total, preds = None, None, []
    for start in range(0, n_steps, steps):
        X_chunk, y_chunk = X[:, start : start + steps], y[:, start : start + steps]  # [B, k, F], [B, k(, K)]
        result = {}
        step_fn = _chunk_closure(net, batch, X_chunk, y_chunk, state, result)
        net._step_optimizer(step_fn)  # the last call of a closure that runs several times (LBFGS) counts
        state = _detached(result["state"])
        weighted = result["loss"].detach() * (X_chunk.shape[1] / n_steps)  # exactly the loss with one chunk
        total = weighted if total is None else total + weighted
        preds.append(result["y_pred"].detach())
    return {"loss": total, "y_pred": torch.cat(preds, dim=1)}  # k chunks [B, k, K] -> [B, T, K]
