"""Training plumbing of the sequence estimators: the skorch glue behind :mod:`seqforecast.estimators`.

Datasets and a minimal batch loader over tensors, the tail validation split (the most recent rows validate),
the skorch net subclass that feeds the true targets to a seq2seq decoder, the training callbacks (divergence
check, scheduled teacher forcing), seeding (one lock around every use of torch's global generators), and
device resolution. The estimators compose these pieces in ``fit``; :mod:`seqforecast.estimators` re-exports
:func:`tail_split` and :func:`resolve_device`, the rest is private.

Seeds and threads. torch's random generators are process-wide, so two fits in two threads that both seed
and draw from them interleave their draws. Every use of them by the estimators therefore holds
:data:`_GLOBAL_RNG_LOCK`: the seed of an unseeded fit is drawn under it, weights are initialised under it
in a forked generator seeded with the fit's seed, and a training that draws from the global generator
(dropout, teacher-forcing coins, user callbacks, a user optimizer class, a GPU) runs entirely under it. A
training that draws nothing else from it (the default settings) shuffles with its own ``torch.Generator``,
which continues the seeded stream where initialisation left it (so the shuffles are those of a sequential
fit), and runs outside the lock, in parallel with other fits.
"""

from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager
from numbers import Integral

import numpy as np
import torch
from sklearn.base import clone
from sklearn.utils import check_random_state
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping, GradientNormClipping, LRScheduler, ProgressBar
from skorch.dataset import unpack_data
from skorch.utils import to_tensor

from ..exceptions import TrainingDivergedError
from ..nets import Seq2SeqNet
from ._distributed import plain_module
from ._tbptt import tbptt_train_step

__all__ = ["build_net", "fit_seed", "resolve_device", "tail_split", "train"]

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}


# ---------------------------------------------------------------------------- skorch glue
def tail_split(n_samples, validation_fraction, *, name="estimator"):
    """Indices of the training head and the validation tail: the most recent rows validate.

    ``ceil(validation_fraction * n_samples)`` rows (at least one) are taken from the *end* of ``X``, never
    shuffled, because rows are windows in time order and the model must be judged on the future.

    Returns
    -------
    train, valid : ndarray of int
        ``arange(0, n_samples - n_valid)`` and ``arange(n_samples - n_valid, n_samples)``.
    """
    n_valid = max(1, math.ceil(n_samples * validation_fraction - 1e-9))
    if n_valid >= n_samples:
        raise ValueError(
            f"{name} cannot hold out a validation tail for early stopping: validation_fraction="
            f"{validation_fraction} of {n_samples} sample(s) leaves no training sample. Provide more "
            "samples, or set patience=None to train without early stopping."
        )
    return np.arange(n_samples - n_valid), np.arange(n_samples - n_valid, n_samples)


class _TensorSequences(torch.utils.data.Dataset):
    """Sequences held as tensors; batches are taken by indexing, without per-sample collation."""

    def __init__(self, X, lengths=None, y=None):
        self.X, self.lengths, self.y = X, lengths, y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        X = self.X[idx]
        if self.lengths is not None:
            X = {"X": X, "lengths": self.lengths[idx]}  # skorch passes dict X as forward(**X)
        return X, (None if self.y is None else self.y[idx])

    def subset(self, idx):
        def pick(tensor):
            return None if tensor is None else tensor[idx]

        return _TensorSequences(self.X[idx], pick(self.lengths), pick(self.y))


class _WindowBatches(torch.utils.data.Dataset):
    """Training windows of series (:class:`~seqforecast._utils.series_windows.SeriesWindows`), cut batch by
    batch: a batch is ``windows.take`` of its rows, as float32 tensors. ``rows`` is the part of the windows
    this dataset is (None: all of them; a ``range``: a contiguous part; an array: the rows it lists), so a
    split into training head and validation tail copies nothing."""

    def __init__(self, windows, rows=None, *, name="estimator"):
        self.windows, self.name = windows, name
        self.rows = range(len(windows)) if rows is None else rows

    def __len__(self):
        return len(self.rows)

    def _numbers(self, idx):
        if isinstance(idx, slice):
            idx = np.arange(*idx.indices(len(self.rows)))
        idx = np.asarray(idx, dtype=np.int64)
        if isinstance(self.rows, range):
            return self.rows.start + idx * self.rows.step
        return self.rows[idx]

    def __getitem__(self, idx):
        X, y = self.windows.take(self._numbers(idx))
        with np.errstate(over="ignore"):  # too large for float32 -> inf, reported just below
            X, y = X.astype(np.float32), y.astype(np.float32)
        if not (np.isfinite(X).all() and np.isfinite(y).all()):
            raise ValueError(
                f"{self.name}: training windows hold values beyond float32's range (about 3.4e38) once scaled; "
                "the net trains in float32. Scale the series to values of order 1 (e.g. scaling='series')."
            )
        return torch.from_numpy(X), torch.from_numpy(y)

    def subset(self, idx):
        if isinstance(idx, slice) and isinstance(self.rows, range):
            return _WindowBatches(self.windows, self.rows[idx], name=self.name)
        return _WindowBatches(self.windows, self._numbers(idx), name=self.name)


class _BatchLoader:
    """A minimal DataLoader: shuffles with ``generator`` (the fit's own, seeded) and slices tensors.

    With ``samples_per_epoch`` (training only), an epoch is that many rows drawn with replacement."""

    def __init__(self, dataset, batch_size, shuffle=False, generator=None, samples_per_epoch=None):
        self.dataset, self.batch_size, self.shuffle, self.generator = dataset, batch_size, shuffle, generator
        self.samples_per_epoch = samples_per_epoch if shuffle else None

    def __len__(self):
        n = len(self.dataset) if self.samples_per_epoch is None else self.samples_per_epoch
        return math.ceil(n / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        if self.samples_per_epoch is not None:
            order = torch.randint(n, (self.samples_per_epoch,), generator=self.generator)
            for start in range(0, len(order), self.batch_size):
                yield self.dataset[order[start : start + self.batch_size]]
            return
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            stop = min(start + self.batch_size, n)
            yield self.dataset[order[start:stop] if self.shuffle else slice(start, stop)]


class _TailSplit:
    """skorch ``train_split``: the last ``validation_fraction`` of the rows validate (see :func:`tail_split`);
    with ``samples_per_epoch``, at most ``ceil(samples_per_epoch * validation_fraction)`` of them, evenly
    spaced over the tail (the same rows at every epoch)."""

    def __init__(self, validation_fraction, samples_per_epoch=None):
        self.validation_fraction, self.samples_per_epoch = validation_fraction, samples_per_epoch

    def __call__(self, dataset, y=None, **fit_params):
        train, valid = tail_split(len(dataset), self.validation_fraction)
        n_train, n_valid = len(train), len(valid)
        keep = (
            n_valid if self.samples_per_epoch is None else math.ceil(self.samples_per_epoch * self.validation_fraction)
        )
        if keep >= n_valid:
            return dataset.subset(slice(0, n_train)), dataset.subset(slice(n_train, None))
        rows = n_train + (np.arange(keep) * n_valid) // keep  # evenly spaced, distinct
        return dataset.subset(slice(0, n_train)), dataset.subset(torch.from_numpy(rows))


class _SequenceNet(NeuralNet):
    """skorch net that hands the true targets to :class:`Seq2SeqNet` in training (teacher forcing), and trains
    by truncated backpropagation through time when ``tbptt_steps`` is set (:func:`._tbptt.tbptt_train_step`).

    It also records a ``KeyboardInterrupt`` raised during training in ``interrupt_``: skorch's
    ``partial_fit`` swallows it (it stops the loop, runs ``on_train_end`` and returns normally), so the
    estimator looks here to re-raise it or to keep the best weights (``on_interrupt``). skorch's
    ``EarlyStopping`` stops training by raising ``KeyboardInterrupt`` too: that one is not recorded.
    """

    interrupt_ = None

    def __init__(self, module, criterion, *, tbptt_steps=None, **kwargs):
        super().__init__(module, criterion, **kwargs)
        self.tbptt_steps = tbptt_steps

    def train_step(self, batch, **fit_params):
        if self.tbptt_steps is None:
            return super().train_step(batch, **fit_params)
        return tbptt_train_step(self, batch, self.tbptt_steps)  # chunked: see _tbptt

    def fit_loop(self, X, y=None, **fit_params):
        self.interrupt_ = None
        try:
            return super().fit_loop(X, y, **fit_params)
        except KeyboardInterrupt as exc:
            stopped = any(
                (isinstance(cb, EarlyStopping) and cb.misses_ >= cb.patience)
                or (isinstance(cb, TimeLimit) and cb.stopped_)
                for _, cb in self.callbacks_
            )
            if not stopped:
                self.interrupt_ = exc
            raise  # skorch catches it, then notifies on_train_end

    def train_step_single(self, batch, **fit_params):
        if isinstance(plain_module(self.module_), Seq2SeqNet):
            _, yi = unpack_data(batch)
            fit_params = {**fit_params, "y_teacher": to_tensor(yi, device=self.device)}
        return super().train_step_single(batch, **fit_params)


class TimeLimit(Callback):
    """A skorch callback that ends training before it would run past ``seconds``.

    At the end of each epoch it projects the next one to take as long as the mean epoch so far, and stops
    training (as early stopping does: the estimator is fitted, with early stopping's best weights when
    ``patience`` is set, else the last epoch's) when that projection passes ``seconds`` from the start of
    training. The first epoch always runs. ``stopped_`` says whether it stopped the training. Not for a run
    of several processes (``accelerator``): each would stop at an epoch of its own.

    Examples
    --------
    >>> from seqforecast import RNNRegressor
    >>> net = RNNRegressor(max_epochs=1000, callbacks=[("time_limit", TimeLimit(60.0))])
    """

    def __init__(self, seconds):
        self.seconds = seconds

    def on_train_begin(self, net, **kwargs):
        if isinstance(self.seconds, bool) or not (isinstance(self.seconds, (int, float)) and self.seconds > 0):
            raise ValueError(f"TimeLimit: seconds must be a positive number, got {self.seconds!r}.")
        self.started_, self.epochs_, self.stopped_ = time.perf_counter(), 0, False

    def on_epoch_end(self, net, **kwargs):
        self.epochs_ += 1
        elapsed = time.perf_counter() - self.started_
        if elapsed + elapsed / self.epochs_ > self.seconds:
            self.stopped_ = True
            raise KeyboardInterrupt  # skorch ends fit_loop on it; _SequenceNet does not record it as a Ctrl+C


class _DivergenceCheck(Callback):
    """Stop training with :class:`TrainingDivergedError` as soon as a loss or a weight is not finite."""

    def __init__(self, name, lr, gradient_clip):
        self.name, self.lr, self.gradient_clip = name, lr, gradient_clip

    def _raise(self, net, what):
        clip = "" if self.gradient_clip is not None else ", enable gradient clipping (gradient_clip=1.0)"
        raise TrainingDivergedError(
            f"{self.name}: {what} at epoch {len(net.history)} of {net.max_epochs}; training stopped and the "
            f"estimator keeps its previous fitted state, if any. Lower the learning rate (lr={self.lr})"
            f"{clip}, or scale X and y to values of order 1 (e.g. with StandardScaler)."
        )

    def on_batch_end(self, net, batch=None, training=None, loss=None, **kwargs):
        value = None if loss is None else loss.item()  # a float: cheaper than tensor ops per batch
        if value is not None and not math.isfinite(value):
            part = "training" if training else "validation"
            self._raise(net, f"the {part} loss became {value} (batch {len(net.history[-1]['batches'])})")

    def on_train_end(self, net, **kwargs):
        if not all(torch.isfinite(p).all() for p in net.module_.parameters()):
            self._raise(net, "the weights became NaN or infinite")


class _KeepBestOnInterrupt(Callback):
    """Snapshot the weights at each epoch end; after an interrupted training, restore the kept ones.

    Kept: the epoch with the lowest validation loss when there is a validation split, else the last
    completed epoch. ``completed_`` counts the epochs that ended (the interrupted one does not).
    """

    def on_train_begin(self, net, **kwargs):
        self.completed_, self.best_loss_, self.state_ = 0, math.inf, None

    def on_epoch_end(self, net, **kwargs):
        self.completed_ = len(net.history)
        loss = net.history[-1].get("valid_loss")
        if loss is None or loss < self.best_loss_:
            self.best_loss_ = math.inf if loss is None else loss
            self.state_ = {key: value.detach().clone() for key, value in net.module_.state_dict().items()}

    def on_train_end(self, net, **kwargs):
        if net.interrupt_ is not None and self.state_ is not None:
            net.module_.load_state_dict(self.state_)


class _TeacherForcing(Callback):
    """Scheduled sampling: ratio at (0-based) epoch e is ``ratio * decay ** e``, recorded in the history."""

    def __init__(self, ratio, decay):
        self.ratio, self.decay = ratio, decay

    def on_epoch_begin(self, net, **kwargs):
        value = self.ratio * self.decay ** (len(net.history) - 1)
        plain_module(net.module_).teacher_forcing_ratio = value  # through a DDP wrapper (data-parallel training)
        net.history.record("teacher_forcing", value)


#: Held by every use of torch's process-wide random generators in the estimators (see the module docstring).
#: Re-entrant, so a callback or a nested estimator that seeds inside a locked training does not deadlock.
_GLOBAL_RNG_LOCK = threading.RLock()


def fit_seed(random_state):
    """The int seed of one fit.

    An int is used as it is; a ``RandomState`` gives one draw; None draws one from torch's global generator
    (advancing it, as any torch code does, and never reseeding it, so a user's ``torch.manual_seed`` makes
    unseeded fits repeatable).
    """
    if random_state is None:
        with _GLOBAL_RNG_LOCK:
            return int(torch.randint(0, 2**62, (1,)).item())
    if isinstance(random_state, Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def global_rng_users(est, device):
    """What in the training of estimator ``est`` draws from torch's global generator (an empty list when
    nothing does, and the training can then run outside :data:`_GLOBAL_RNG_LOCK`)."""
    users = []
    if est.dropout > 0:
        users.append(f"dropout={est.dropout}")
    coins = (
        est.architecture == "seq2seq"
        and est.teacher_forcing > 0
        and est.teacher_forcing_decay * est.teacher_forcing < 1
    )
    if coins:  # the ratio of some epoch is in (0, 1): a coin per decoder step
        users.append("teacher forcing with a ratio below 1")
    if est.callbacks:
        users.append("callbacks")
    if not isinstance(est.optimizer, str):
        users.append(f"optimizer={est.optimizer.__name__}")
    if torch.device(device).type != "cpu":
        users.append(f"device={device!r}")
    return users


@contextmanager
def _seeded(seed, device):
    """Hold :data:`_GLOBAL_RNG_LOCK` and seed torch with ``seed`` inside forked generators, so the global
    generators are as they were afterwards."""
    dev = torch.device(device)
    cuda = [dev.index if dev.index is not None else torch.cuda.current_device()] if dev.type == "cuda" else []
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=cuda):
        torch.default_generator.manual_seed(seed)
        for index in cuda:
            with torch.cuda.device(index):
                torch.cuda.manual_seed(seed)
        yield


def train(net, dataset, *, seed, device, generator):
    """Initialise ``net`` from ``seed`` and train it on ``dataset``.

    Initialisation always runs in seeded forked generators under :data:`_GLOBAL_RNG_LOCK`. With
    ``generator=None`` the training draws from the global generators (it shuffles there too) and runs
    under the lock as well. Otherwise ``generator`` (the net's shuffling generator) continues the seeded
    stream where initialisation left it and the training, which draws nothing else, runs outside the lock:
    the same numbers either way, and seeded fits in other threads cannot change them.
    """
    with _seeded(seed, device):
        net.initialize()
        if generator is None:
            return net.partial_fit(dataset, None)  # a KeyboardInterrupt stops it (skorch returns)
        generator.set_state(torch.default_generator.get_state())
    return net.partial_fit(dataset, None)


def resolve_device(device, name):
    """The torch device that ``device`` names (``"auto"``: CUDA when available), as a string; ``name`` (the
    estimator or function) is named in the messages."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise ValueError(
            f"{name}: device={device!r} is not a torch device ({exc}); use 'cpu', 'cuda', 'cuda:0' or 'auto'."
        ) from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"{name}: device={device!r} but CUDA is not available to torch {torch.__version__} on this "
            "machine; use device='cpu', or device='auto' to take a GPU only when there is one."
        )
    return str(dev)


def make_callbacks(est, name, settings=None):
    """The skorch callbacks of estimator ``est``'s parameters, user callbacks cloned (fresh at every fit);
    ``settings`` (see :func:`build_net`) may add a cosine learning-rate schedule."""
    cbs = [("divergence_check", _DivergenceCheck(name, est.lr, est.gradient_clip))]
    if est.gradient_clip is not None:
        cbs.append(("gradient_clip", GradientNormClipping(gradient_clip_value=est.gradient_clip)))
    if (settings or {}).get("lr_schedule") == "cosine":  # from lr to 0 over the training's optimizer steps
        policy = torch.optim.lr_scheduler.CosineAnnealingLR
        steps = settings["optimizer_steps"]
        cbs.append(("lr_schedule", LRScheduler(policy, T_max=steps, step_every="batch", event_name=None)))
    if est.architecture == "seq2seq":
        cbs.append(("teacher_forcing", _TeacherForcing(est.teacher_forcing, est.teacher_forcing_decay)))
    if est.patience is not None:
        cbs.append(("early_stopping", EarlyStopping(patience=est.patience, load_best=True)))
    if est.verbose >= 2:
        cbs.append(("progress_bar", ProgressBar()))
    for cb in est.callbacks or []:
        cbs.append((cb[0], clone(cb[1], safe=False)) if isinstance(cb, tuple) else clone(cb, safe=False))
    if est.on_interrupt == "keep_best":  # last: its on_train_end overrides early stopping's restore
        cbs.append(("keep_best_on_interrupt", _KeepBestOnInterrupt()))
    return cbs


def build_net(
    est,
    *,
    module,
    module_kwargs,
    criterion,
    criterion_kwargs,
    device,
    name,
    generator=None,
    accelerator=None,
    settings=None,
):
    """The skorch net for estimator ``est``'s parameters around ``module(**module_kwargs)``, not initialised.

    Used by ``fit`` (which then trains it) and by ``_set_net_state`` (which initialises it and loads saved
    weights, for :func:`seqforecast.load`), so a loaded net is configured exactly as a fitted one.

    Parameters
    ----------
    est : RNNRegressor or RNNClassifier
        Supplies the training parameters (lr, epochs, batch size, optimizer, callbacks...).
    module : type
        The torch module class; ``module_kwargs`` are its constructor arguments (sizes from the data).
    criterion : type
        The loss class; ``criterion_kwargs`` its constructor arguments (e.g. class weights).
    device : str
        A resolved torch device.
    name : str
        The estimator's class name, for messages.
    generator : torch.Generator or None, default=None
        The generator that shuffles the training batches: the fit's own (see :func:`train`), or None for
        torch's global one.
    accelerator : accelerate.Accelerator or None, default=None
        Train data-parallel through it (:mod:`._distributed`; it places the tensors, so ``device`` is unused).
    settings : dict or None, default=None
        Values resolved at fit that replace ``est``'s (the ``config_`` of an estimator with ``"auto"``
        parameters): ``max_epochs``, ``batch_size``, and ``lr_schedule="cosine"`` with ``optimizer_steps``.
    """
    settings = settings or {}
    samples = getattr(est, "samples_per_epoch", None)
    common = dict(
        module=module,
        criterion=criterion,
        optimizer=_OPTIMIZERS.get(est.optimizer, est.optimizer),
        lr=est.lr,
        max_epochs=settings.get("max_epochs", est.max_epochs),
        batch_size=settings.get("batch_size", est.batch_size),
        iterator_train__shuffle=True,
        iterator_train__generator=generator,
        iterator_train__samples_per_epoch=samples,
        train_split=None if est.patience is None else _TailSplit(est.validation_fraction, samples),
        callbacks=make_callbacks(est, name, settings),
        verbose=int(est.verbose),
        optimizer__weight_decay=est.weight_decay,
        **{f"module__{key}": value for key, value in module_kwargs.items()},
        **{f"criterion__{key}": value for key, value in criterion_kwargs.items()},
    )
    if accelerator is None:
        tbptt = getattr(est, "tbptt_steps", None)
        return _SequenceNet(
            iterator_train=_BatchLoader, iterator_valid=_BatchLoader, device=device, tbptt_steps=tbptt, **common
        )
    from ._distributed import accelerated_net_class, make_batch_loader

    return accelerated_net_class()(
        accelerator=accelerator,
        iterator_train=make_batch_loader,
        iterator_train__drop_last=accelerator.num_processes > 1,
        iterator_valid=_BatchLoader,  # not a DataLoader: accelerate leaves it whole, every process validates on all
        **common,
    )
