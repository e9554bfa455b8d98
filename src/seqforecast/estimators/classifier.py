"""Recurrent-net classification of sequences: :class:`RNNClassifier`."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from .._utils.sequences import check_finite, check_n_samples
from .._utils.validation import options, positive_int
from ..nets import POOLINGS
from ..nets.layers import PositiveInts
from ._base import _BaseRNN
from ._docs import CLASSIFIER_ARCHITECTURES, CLASSIFIER_ATTRS, CLASSIFIER_PARAMS, estimator_doc
from .losses import SequenceCrossEntropy

__all__ = ["RNNClassifier"]


class RNNClassifier(ClassifierMixin, _BaseRNN):
    __doc__ = estimator_doc(
        "Recurrent-net classifier of sequences (RNN, LSTM, GRU), scikit-learn style.\n\n"
        "    Labels of any type are encoded with a LabelEncoder; logits are trained with cross-entropy and\n"
        "    ``predict_proba`` is their softmax.",
        architectures='{"many_to_one", "many_to_many"}',
        architecture_doc=CLASSIFIER_ARCHITECTURES,
        params=CLASSIFIER_PARAMS,
        modules="RecurrentNet",
        n_outputs="the number of classes (logits per sequence or per step)",
        attrs=CLASSIFIER_ATTRS,
    )

    _parameter_constraints = {
        **_BaseRNN._parameter_constraints,
        "class_weight": [options({"balanced"}), dict, None],
        "embedding_dim": [positive_int(), None],
        "pooling": [options(POOLINGS)],
        "conv_channels": [PositiveInts(), None],
    }

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=32,
        num_layers=1,
        nonlinearity="tanh",
        bidirectional=False,
        dropout=0.0,
        architecture="many_to_one",
        max_epochs=100,
        batch_size=32,
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
        class_weight=None,
        embedding_dim=None,
        pooling="last",
        conv_channels=None,
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
        self.class_weight = class_weight
        self.embedding_dim = embedding_dim
        self.pooling = pooling
        self.conv_channels = conv_channels

    def _check_combinations(self, name):
        super()._check_combinations(name)
        channels = self.conv_channels
        if self.architecture == "many_to_many" and (self.pooling != "last" or channels is not None):
            what = f"pooling={self.pooling!r}" if self.pooling != "last" else f"conv_channels={channels!r}"
            raise ValueError(
                f"{name}: {what} summarises whole sequences, so it needs architecture='many_to_one'; "
                "architecture='many_to_many' predicts a label per step. Use pooling='last' and "
                "conv_channels=None with many_to_many."
            )

    def _module_spec(self, seqs, target):
        module, kwargs = super()._module_spec(seqs, target)
        if self.architecture == "many_to_one":
            channels = None if self.conv_channels is None else tuple(int(c) for c in self.conv_channels)
            kwargs.update(pooling=self.pooling, conv_channels=channels)
        return module, kwargs

    def _check_targets(self, y, seqs, name):
        if self.architecture == "many_to_one":
            y_arr = np.asarray(y)
            if y_arr.ndim == 2 and y_arr.shape[1] != 1:
                raise ValueError(
                    f"{name} with architecture='many_to_one' predicts one label per sequence; got y of shape "
                    f"{y_arr.shape}. For a label per time step use architecture='many_to_many'; several "
                    "labels per sequence (multi-output classification) are not supported."
                )
            y = column_or_1d(y, warn=True)
        else:
            y = np.asarray(y)
            if y.ndim != 2 or y.shape[1] != seqs.n_timesteps:
                raise ValueError(
                    f"{name} with architecture='many_to_many' expects one label per step, y of shape "
                    f"(n_samples, n_timesteps) = ({seqs.n_samples}, {seqs.n_timesteps}); got y of shape "
                    f"{y.shape}."
                )
        check_n_samples(seqs.n_samples, y.shape[0], name=name)
        if y.dtype.kind in "fc":
            check_finite(y, what="y", name=name)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y.ravel())
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(
                f"{name} needs at least 2 classes to train; y holds a single class ({classes.tolist()[0]!r}) in all "
                f"{y.shape[0]} samples. Check the labels, or the split that produced them."
            )
        y_net = encoder.transform(y.ravel()).reshape(y.shape).astype(np.int64)
        kwargs = {}
        if self.class_weight is not None:
            weights = compute_class_weight(self.class_weight, classes=classes, y=y.ravel())
            kwargs["weight"] = torch.as_tensor(weights, dtype=torch.float32)
        num_embeddings = None
        if self.embedding_dim is not None:
            num_embeddings = int(seqs.values.max()) + 1
        target = {
            "classes_": classes,
            "n_classes_": len(classes),
            "n_outputs_": len(classes),
            "num_embeddings_": num_embeddings,
            "criterion": SequenceCrossEntropy,
            "criterion_kwargs": kwargs,
        }
        return y_net, target

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list

        Returns
        -------
        proba : ndarray of float64, of shape (n_samples, n_classes), or (n_samples, n_timesteps, n_classes)
            for ``many_to_many``; columns follow ``classes_``.
        """
        logits = self._forward(X)
        logits -= logits.max(axis=-1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=-1, keepdims=True)

    def predict(self, X):
        """Predict labels (the original labels, as in ``classes_``).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,), or (n_samples, n_timesteps) for ``many_to_many``
        """
        logits = self._forward(X)  # checks that the estimator is fitted first
        return self.classes_[np.argmax(logits, axis=-1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy (over all steps for ``many_to_many``)."""
        y_pred, y = self.predict(X), np.asarray(y)
        if y.ndim == 2 and y_pred.ndim == 2:
            if sample_weight is not None:
                sample_weight = np.repeat(np.asarray(sample_weight), y.shape[1])  # one weight per step
            y, y_pred = y.ravel(), y_pred.ravel()  # [n, T] -> [n*T]
        return accuracy_score(y, y_pred, sample_weight=sample_weight)
