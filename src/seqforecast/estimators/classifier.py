"""Recurrent-net classification of sequences: :class:`RNNClassifier`."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import column_or_1d

from .._utils.sequences import check_labels, check_n_samples
from .._utils.validation import options, positive_int
from ..nets import POOLINGS, NetEnsemble, RecurrentNet
from ..nets.layers import PositiveInts
from ._base import _BaseRNN
from ._classifier_auto import amplitude_spread, resolve_classifier_settings
from ._docs import (
    CLASSIFIER_ARCHITECTURES,
    CLASSIFIER_ATTRS,
    CLASSIFIER_DEFAULTS,
    CLASSIFIER_NOTES,
    CLASSIFIER_PARAMS,
    estimator_doc,
)
from ._generation import TokenGeneration
from .losses import SequenceCrossEntropy

__all__ = ["MAX_EMBEDDING_WEIGHTS", "RNNClassifier"]

#: The most weights an embedding table sized from the data (largest token id + 1 rows) may hold: 2**28,
#: 1 GiB in float32. Checked in ``fit`` before any tensor is made.
MAX_EMBEDDING_WEIGHTS = 2**28


class RNNClassifier(TokenGeneration, ClassifierMixin, _BaseRNN):
    __doc__ = estimator_doc(
        "Recurrent-net classifier of sequences (RNN, LSTM, GRU), scikit-learn style.\n\n"
        "    Labels of any type are encoded with a LabelEncoder; logits are trained with cross-entropy and\n"
        "    ``predict_proba`` is their softmax.",
        architectures='{"many_to_one", "many_to_many"}',
        architecture_doc=CLASSIFIER_ARCHITECTURES,
        params=CLASSIFIER_PARAMS,
        modules="RecurrentNet, or NetEnsemble of RecurrentNets when ``ensemble_size`` > 1",
        n_outputs="the number of classes (logits per sequence or per step)",
        attrs=CLASSIFIER_ATTRS,
        defaults=CLASSIFIER_DEFAULTS,
        notes=CLASSIFIER_NOTES,
    )

    _parameter_constraints = {
        **_BaseRNN._parameter_constraints,
        "class_weight": [options({"balanced"}), dict, None],
        "embedding_dim": [positive_int(), None],
        "pooling": [options(POOLINGS)],
        "conv_channels": [PositiveInts(), options({"auto"}), None],
        "max_epochs": [positive_int(), options({"auto"})],
        "batch_size": [positive_int(), options({"auto"})],
        "lr_schedule": [options({"auto", "cosine", "constant"})],
        "max_steps": [positive_int(), options({"auto"}), None],
        "scaling": [options({"auto", "standard", "series"}), None],
        "ensemble_size": [positive_int(), options({"auto"})],
    }

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        nonlinearity="tanh",
        bidirectional=False,
        dropout=0.2,
        architecture="many_to_one",
        max_epochs="auto",
        batch_size="auto",
        samples_per_epoch=None,
        tbptt_steps=None,
        lr=1e-3,
        optimizer="adam",
        weight_decay=0.0,
        gradient_clip=1.0,
        patience=None,
        validation_fraction=0.1,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        on_interrupt="raise",
        accelerator=None,
        class_weight=None,
        embedding_dim=None,
        pooling="last",
        conv_channels="auto",
        lr_schedule="auto",
        max_steps="auto",
        scaling="auto",
        ensemble_size="auto",
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.nonlinearity = nonlinearity
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.architecture = architecture
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.samples_per_epoch = samples_per_epoch
        self.tbptt_steps = tbptt_steps
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.gradient_clip = gradient_clip
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.on_interrupt = on_interrupt
        self.accelerator = accelerator
        self.class_weight = class_weight
        self.embedding_dim = embedding_dim
        self.pooling = pooling
        self.conv_channels = conv_channels
        self.lr_schedule = lr_schedule
        self.max_steps = max_steps
        self.scaling = scaling
        self.ensemble_size = ensemble_size

    _modules = (RecurrentNet, NetEnsemble)
    _labels_ragged_steps = True  # many_to_many on sequences of different lengths: padded steps carry no label

    def _check_combinations(self, name):
        super()._check_combinations(name)
        if self.architecture != "many_to_many":
            return
        channels = self.conv_channels
        if self.pooling != "last" or channels not in (None, "auto"):
            what = f"pooling={self.pooling!r}" if self.pooling != "last" else f"conv_channels={channels!r}"
            raise ValueError(
                f"{name}: {what} summarises whole sequences, so it needs architecture='many_to_one'; "
                "architecture='many_to_many' predicts a label per step. Use pooling='last' and "
                "conv_channels=None with many_to_many."
            )
        if self.max_steps not in (None, "auto"):
            raise ValueError(
                f"{name}: max_steps={self.max_steps} averages steps together, but architecture='many_to_many' "
                "predicts a label per step. Use max_steps=None (or 'auto') with many_to_many."
            )
        if self.ensemble_size not in (1, "auto"):
            raise ValueError(
                f"{name}: ensemble_size={self.ensemble_size} averages the class probabilities of whole "
                "sequences, but architecture='many_to_many' predicts a label per step. Use ensemble_size=1 (or "
                "'auto') with many_to_many."
            )
        if self.scaling == "series":
            raise ValueError(
                f"{name}: scaling='series' standardises each whole sequence by its own moments, but "
                "architecture='many_to_many' predicts a label per step (and may read a sequence in chunks). Use "
                "scaling='standard' (or 'auto') with many_to_many."
            )

    def _module_spec(self, seqs, target):
        module, kwargs = super()._module_spec(seqs, target)
        config = target["config_"]
        if self.architecture == "many_to_one":
            kwargs.update(
                pooling=self.pooling,
                conv_channels=config["conv_channels"],
                rnn_stride=config["rnn_stride"],
                conv_stride=config["conv_stride"],
            )
        if config["scaling"] == "standard":
            kwargs.update(zip(("input_mean", "input_scale"), _feature_moments(seqs)))
        elif config["scaling"] == "series":
            kwargs["series_scaling"] = True
        if self.verbose:
            print(f"{type(self).__name__}: {config}")
        if config["ensemble_size"] > 1:
            return NetEnsemble, dict(n_members=config["ensemble_size"], **kwargs)
        return module, kwargs

    def _check_targets(self, y, seqs, name):
        ragged = self.architecture == "many_to_many" and seqs.lengths is not None
        y = _ragged_labels(y, seqs.lengths, name) if ragged else check_labels(y, name=name)
        if ragged:
            pass  # one label per real step, checked against each sequence's length
        elif self.architecture == "many_to_one":
            if y.ndim == 2 and y.shape[1] != 1:
                raise ValueError(
                    f"{name} with architecture='many_to_one' predicts one label per sequence; got y of shape "
                    f"{y.shape}. For a label per time step use architecture='many_to_many'; several "
                    "labels per sequence (multi-output classification) are not supported."
                )
            y = column_or_1d(y, warn=True)
        elif y.ndim != 2 or y.shape[1] != seqs.n_timesteps:
            raise ValueError(
                f"{name} with architecture='many_to_many' expects one label per step, y of shape "
                f"(n_samples, n_timesteps) = ({seqs.n_samples}, {seqs.n_timesteps}); got y of shape "
                f"{y.shape}."
            )
        if not ragged:
            check_n_samples(seqs.n_samples, y.shape[0], name=name)
        encoder = LabelEncoder().fit(y.ravel())
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(
                f"{name} needs at least 2 classes to train; y holds a single class ({classes.tolist()[0]!r}) in all "
                f"{y.shape[0]} samples. Check the labels, or the split that produced them."
            )
        codes = encoder.transform(y.ravel()).astype(np.int64)
        if ragged:  # [n_real_steps] -> [n, T], padded steps IGNORED_STEP (left out of the cross-entropy)
            y_net = np.full(seqs.values.shape[:2], IGNORED_STEP, dtype=np.int64)
            y_net[np.arange(seqs.n_timesteps) < seqs.lengths[:, None]] = codes  # row by row, as concatenated
        else:
            y_net = codes.reshape(y.shape)
        kwargs = {}
        if self.class_weight is not None:
            weights = self._class_weights(classes, codes, name)
            kwargs["weight"] = torch.as_tensor(weights, dtype=torch.float32)
        num_embeddings = None
        if self.embedding_dim is not None:
            num_embeddings = self._num_embeddings(seqs, name)
        tokens = self.embedding_dim is not None
        spread = 1.0 if tokens or self.scaling != "auto" else amplitude_spread(seqs.values, seqs.lengths)
        config = resolve_classifier_settings(
            self, n_samples=seqs.n_samples, n_timesteps=seqs.n_timesteps, tokens=tokens, spread=spread
        )
        target = {
            "classes_": classes,
            "n_classes_": len(classes),
            "n_outputs_": len(classes),
            "num_embeddings_": num_embeddings,
            "config_": config,
            "criterion": SequenceCrossEntropy,
            "criterion_kwargs": kwargs,
        }
        return y_net, target

    def _class_weights(self, classes, codes, name):
        """The weight of each class (in ``classes`` order) that ``class_weight`` gives; each checked (``codes``:
        the encoded labels of every sequence, or of every real step)."""
        if self.class_weight == "balanced":
            counts = np.bincount(codes, minlength=len(classes))  # every class occurs at least once
            return codes.size / (len(classes) * counts)
        start = f"The 'class_weight' parameter of {name}"
        known = set(classes.tolist())
        unknown = [key for key in self.class_weight if key not in known]
        if unknown:
            raise ValueError(
                f"{start} has key(s) {unknown} that are not classes of y; the classes are {classes.tolist()}. "
                "Give weights to classes of y only (a class left out gets weight 1)."
            )
        fix = "Give each class a finite weight >= 0, e.g. {0: 1.0, 1: 5.0}, or use class_weight='balanced'."
        for key, value in self.class_weight.items():
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
                raise TypeError(f"{start} must map classes to numbers; class_weight[{key!r}] = {value!r}. {fix}")
            if not math.isfinite(value) or value < 0:
                what = "negative" if value < 0 else "not finite"
                raise ValueError(
                    f"{start} must map classes to weights >= 0; class_weight[{key!r}] = {value!r} is {what}. {fix}"
                )
        weights = np.array([float(self.class_weight.get(c, 1.0)) for c in classes.tolist()])
        if not weights.any():
            raise ValueError(
                f"{start} gives weight 0 to every class of y ({self.class_weight!r}), so the loss would be 0/0. "
                "Give at least one class a positive weight."
            )
        return weights

    def _num_embeddings(self, seqs, name):
        """Rows of the embedding table: the largest token id + 1, refused beyond :data:`MAX_EMBEDDING_WEIGHTS`
        weights (checked before any tensor is made)."""
        values = seqs.values
        first = np.unravel_index(int(np.argmax(values)), values.shape)
        num_embeddings = int(values[first]) + 1
        n_weights = num_embeddings * self.embedding_dim
        if n_weights > MAX_EMBEDDING_WEIGHTS:
            where = f"X[{first[0]}][{first[1]}]" if seqs.layout == "list" else f"X[{first[0]}, {first[1]}]"
            real = values if seqs.lengths is None else values[np.arange(values.shape[1]) < seqs.lengths[:, None]]
            n_distinct = len(np.unique(real))  # padding is no token
            raise ValueError(
                f"{name}: the largest token id is {num_embeddings - 1} (at {where}), so the embedding table "
                f"would need {num_embeddings:,} rows x embedding_dim={self.embedding_dim} = {n_weights:,} weights "
                f"({n_weights * 4 / 2**30:.1f} GiB in float32, several times that in training), more than "
                f"the limit of {MAX_EMBEDDING_WEIGHTS:,} (1 GiB). Token ids index the table's rows: map the "
                f"{n_distinct} distinct ids of X to 0..{n_distinct - 1} first (e.g. with "
                "np.unique(X, return_inverse=True)), or lower embedding_dim."
            )
        return num_embeddings

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list

        Returns
        -------
        proba : ndarray of float64, of shape (n_samples, n_classes), or (n_samples, n_timesteps, n_classes)
            for ``many_to_many``; columns follow ``classes_``. For ``many_to_many`` on a list of sequences of
            different lengths, a list of arrays of shape (n_timesteps_i, n_classes), one per sequence.
        """
        logits, lengths = self._forward(X, return_lengths=True)
        logits -= logits.max(axis=-1, keepdims=True)
        proba = np.exp(logits)
        return self._per_sequence(proba / proba.sum(axis=-1, keepdims=True), lengths)

    def predict(self, X):
        """Predict labels (the original labels, as in ``classes_``).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,), or (n_samples, n_timesteps) for ``many_to_many``; for
            ``many_to_many`` on a list of sequences of different lengths, a list of 1-D arrays (one label per
            step of each sequence).
        """
        logits, lengths = self._forward(X, return_lengths=True)  # checks that the estimator is fitted first
        return self._per_sequence(self.classes_[np.argmax(logits, axis=-1)], lengths)

    def _per_sequence(self, out, lengths):
        """Per-step outputs ``[n, T, ...]`` cut to each sequence's real steps when the sequences differ in
        length (a list), else as they are."""
        if lengths is None or out.ndim == 1 or (out.ndim == 2 and self._architecture == "many_to_one"):
            return out
        return [out[i, :length] for i, length in enumerate(lengths)]  # [n, T, ...] -> n x [T_i, ...]

    def score(self, X, y, sample_weight=None):
        """Accuracy (over all steps for ``many_to_many``; each step of a sequence weighs its sequence's weight)."""
        name = type(self).__name__
        y_pred = self.predict(X)
        if isinstance(y_pred, list):  # many_to_many on sequences of different lengths
            lengths = np.array([len(p) for p in y_pred])
            y = _ragged_labels(y, lengths, name)
            if sample_weight is not None:
                sample_weight = np.repeat(np.asarray(sample_weight), lengths)  # one weight per step
            return accuracy_score(y, np.concatenate(y_pred), sample_weight=sample_weight)
        y = check_labels(y, name=name)  # labels unseen at fit count as misclassified
        if y.ndim == 2 and y_pred.ndim == 2:
            if sample_weight is not None:
                sample_weight = np.repeat(np.asarray(sample_weight), y.shape[1])  # one weight per step
            y, y_pred = y.ravel(), y_pred.ravel()  # [n, T] -> [n*T]
        return accuracy_score(y, y_pred, sample_weight=sample_weight)


#: The target of a padded step of a sequence shorter than the batch's longest (``many_to_many``): the
#: cross-entropy leaves it out (``torch.nn.CrossEntropyLoss``'s ``ignore_index``).
IGNORED_STEP = -100


def _ragged_labels(y, lengths, name):
    """The labels of sequences of different lengths (``many_to_many``): ``y`` a list of label sequences, the
    ``i``-th as long as sequence ``i`` (``lengths``); returned concatenated, sequence after sequence, checked as
    :func:`~seqforecast._utils.sequences.check_labels` checks labels."""
    steps = f"{lengths.min()} to {lengths.max()} steps"
    fix = "Pass y as a list of 1-D label sequences, y[i] with one label per step of X[i]."
    if not isinstance(y, (list, tuple)) and not (isinstance(y, np.ndarray) and y.dtype == object and y.ndim == 1):
        raise ValueError(
            f"{name} with architecture='many_to_many' on sequences of different lengths ({steps}) expects y as a "
            f"list of label sequences, one per sequence and as long as it; got y of type {type(y).__name__}. {fix}"
        )
    check_n_samples(len(lengths), len(y), name=name)
    parts = []
    for i, (labels, length) in enumerate(zip(y, lengths)):
        arr = np.asarray(labels, dtype=object) if isinstance(labels, (list, tuple)) else np.asarray(labels)
        if arr.ndim != 1 or len(arr) != length:
            got = f"{len(arr)} label(s)" if arr.ndim == 1 else f"shape {arr.shape}"
            raise ValueError(
                f"{name} with architecture='many_to_many' expects one label per step: X[{i}] has {length} steps, "
                f"but y[{i}] has {got}. {fix}"
            )
        parts.append(arr.astype(object))
    return check_labels(np.concatenate(parts), name=name)


def _feature_moments(seqs):
    """Per-feature mean and standard deviation over every real step of the training sequences, as tuples of
    float (a feature that never varies gets scale 1)."""
    values = seqs.values  # [n, T, F]
    if seqs.lengths is not None:
        values = values[np.arange(values.shape[1]) < seqs.lengths[:, None]]  # real steps: [N, F]
    steps = values.reshape(-1, values.shape[-1]).astype(np.float64)  # [N, F]
    mean, std = steps.mean(axis=0), steps.std(axis=0)
    std[~(std > 0)] = 1.0
    return tuple(float(m) for m in mean), tuple(float(v) for v in std)
