"""Data-parallel training through Hugging Face Accelerate (skorch's ``AccelerateMixin``).

An estimator given ``accelerator=accelerate.Accelerator(...)`` trains its net with it: every process of a
``torchrun`` / ``accelerate launch`` run calls ``fit`` on the same data, each process computes the gradients of
its share of every batch, and the gradients are averaged across processes (torch's DistributedDataParallel,
over gloo on CPUs or NCCL on GPUs), so all processes end with the same weights. The engine is accelerate's;
this module only adapts the package's training loop to it:

* :func:`make_batch_loader` gives the training batches of the single-process loader as a torch ``DataLoader``
  (which ``accelerator.prepare`` can shard; it hands back any other iterable as it is, unsharded): the same
  rows in the same order from the same generator, a whole batch taken by one index of the dataset. With one
  process the weights are bit-identical to those of a fit without an accelerator. With several, an epoch
  leaves out its last incomplete batch (rather than count rows twice to complete it), and the validation
  batches are not shared out: every process computes the whole validation loss, the same everywhere.
* :class:`AcceleratedSequenceNet` fixes what skorch's mixin and accelerate 1.x leave to the user: losses
  without parameters are not wrapped in DDP (which refuses them), the seq2seq decoder still gets its teacher
  targets through the DDP wrapper, every recorded loss is the mean over all processes (so early stopping and
  the divergence check decide alike everywhere: a process that stopped alone would hang the others), the
  net is unwrapped only after the callbacks restored their snapshots, and only the main process prints.

accelerate is imported only when an accelerator is given (``pip install "seqforecast[distributed]"``).
"""

from __future__ import annotations

import torch
from skorch.dataset import get_len, unpack_data
from skorch.utils import to_tensor

from ..nets import Seq2SeqNet

__all__ = ["make_batch_loader", "accelerated_net_class", "plain_module"]


def plain_module(module):
    """The module inside a DDP wrapper (``accelerator.prepare`` wraps it when there are several processes), so
    that ``isinstance`` checks and attribute writes reach the package's module."""
    return (
        getattr(module, "module", module) if isinstance(module, torch.nn.parallel.DistributedDataParallel) else module
    )


class _WholeBatches(torch.utils.data.Dataset):
    """A view for a torch ``DataLoader``: its fetcher calls ``__getitems__`` with a batch's indices, which index
    the package's dataset once (no per-sample ``__getitem__`` and collation)."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, idx):
        return self.dataset[torch.as_tensor([idx])]

    def __getitems__(self, indices):
        return self.dataset[torch.as_tensor(indices, dtype=torch.long)]


def _whole_batch(batch):
    return batch  # collate_fn: __getitems__ already made the batch


class _RowSampler(torch.utils.data.Sampler):
    """An epoch's rows drawn from ``generator`` as the single-process loader draws them: ``randperm(n)`` when
    shuffling, ``arange(n)`` otherwise, or ``samples_per_epoch`` rows with ``randint`` (with replacement).
    (torch's ``RandomSampler`` draws a second permutation at the end of an epoch, so from the second epoch on
    its orders would differ.) accelerate finds ``generator`` and gives every process rank 0's state at the start
    of each epoch, so all processes draw the same rows and each takes its part of every batch."""

    def __init__(self, n, shuffle=False, generator=None, samples_per_epoch=None):
        self.n, self.shuffle, self.generator, self.samples_per_epoch = n, shuffle, generator, samples_per_epoch

    def __len__(self):
        return self.n if self.samples_per_epoch is None else self.samples_per_epoch

    def __iter__(self):
        if self.samples_per_epoch is not None:
            rows = torch.randint(self.n, (self.samples_per_epoch,), generator=self.generator)
        elif self.shuffle:
            rows = torch.randperm(self.n, generator=self.generator)
        else:
            rows = torch.arange(self.n)
        return iter(rows.tolist())


def make_batch_loader(dataset, batch_size, shuffle=False, generator=None, samples_per_epoch=None, drop_last=False):
    """The single-process loader's batches (``_training._BatchLoader``, same arguments) as a torch
    ``DataLoader`` that ``accelerator.prepare`` can shard.

    ``drop_last`` leaves out an epoch's last, incomplete batch (when there is a complete one): with several
    processes accelerate would otherwise complete it with rows of the first batch, which would then count twice
    (the rows are shuffled, so the rows left out change from epoch to epoch, as with torch's
    ``DistributedSampler(drop_last=True)``)."""
    sampler = _RowSampler(len(dataset), shuffle, generator, samples_per_epoch if shuffle else None)
    drop_last = drop_last and len(sampler) >= batch_size
    return torch.utils.data.DataLoader(
        _WholeBatches(dataset),
        batch_sampler=torch.utils.data.BatchSampler(sampler, batch_size, drop_last=drop_last),
        collate_fn=_whole_batch,
        # each pass over a DataLoader draws a seed for its workers (there are none) from this generator; from the
        # global one otherwise, which would shift the draws of dropout and teacher forcing
        generator=torch.Generator(),
    )


def _silent(text):
    """The print sink of the processes other than the main one."""


_CLASS = None


def accelerated_net_class():
    """``AcceleratedSequenceNet``: the package's skorch net with skorch's ``AccelerateMixin`` (made on first
    use, so that skorch's Hugging Face module loads only when an accelerator is given)."""
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    from skorch.hf import AccelerateMixin

    from ._training import _SequenceNet

    class AcceleratedSequenceNet(AccelerateMixin, _SequenceNet):
        """``_SequenceNet`` trained through an ``accelerate.Accelerator``.

        The mixin comes first (``NeuralNet`` does not pass unknown arguments on, so after it ``accelerator``
        would be refused); its ``train_step_single`` hides ``_SequenceNet``'s, so the teacher targets are handed
        to a seq2seq decoder here again, through the DDP wrapper.
        """

        def __init__(self, *args, accelerator, device=None, **kwargs):
            # unwrap_after_train=False: notify() unwraps once the callbacks have restored their snapshots
            super().__init__(*args, accelerator=accelerator, unwrap_after_train=False, device=device, **kwargs)

        def _initialize_callbacks(self):
            # skorch's PrintLog honours verbose=0 only when its sink is the builtin print (not accelerator.print)
            if self.callbacks__print_log__sink == "auto":
                self.callbacks__print_log__sink = print if self.accelerator.is_main_process else _silent
            return super()._initialize_callbacks()

        def _initialize_accelerator(self):
            # skorch prepares every criterion, and accelerate wraps each module it prepares in DDP on CPUs, which
            # refuses a module without trainable parameters (a loss such as MSELoss): prepare only the others
            criteria = self._criteria
            self._criteria = [
                name for name in criteria if any(p.requires_grad for p in getattr(self, name + "_").parameters())
            ]
            try:
                return super()._initialize_accelerator()
            finally:
                self._criteria = criteria

        def train_step_single(self, batch, **fit_params):
            if isinstance(plain_module(self.module_), Seq2SeqNet):
                _, yi = unpack_data(batch)
                fit_params = {**fit_params, "y_teacher": to_tensor(yi, device=self.device)}
            return super().train_step_single(batch, **fit_params)

        def _mean_over_processes(self, loss, batch):
            """The batch's loss averaged over every process's share (weighted by its rows): one all-reduce."""
            if self.accelerator.num_processes == 1:
                return loss
            n = float(get_len(batch[0]))
            total = self.accelerator.reduce(torch.stack([loss.detach().float() * n, loss.new_tensor(n)]), "sum")
            return total[0] / total[1]

        def train_step(self, batch, **fit_params):
            step = super().train_step(batch, **fit_params)
            step["loss"] = self._mean_over_processes(step["loss"], batch)
            return step

        def notify(self, method_name, **cb_kwargs):
            super().notify(method_name, **cb_kwargs)
            if method_name == "on_train_end":  # after early stopping restored its (DDP-keyed) best weights
                self._unwrap_accelerator()

    _CLASS = AcceleratedSequenceNet
    return _CLASS
