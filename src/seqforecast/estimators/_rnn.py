"""Strict scikit-learn sequence estimators, :class:`RNNRegressor` and :class:`RNNClassifier`.

Both compose a skorch net in ``fit`` (``self.net_``) around :class:`~seqforecast.nets.RecurrentNet` or
:class:`~seqforecast.nets.Seq2SeqNet`; they do not subclass skorch, whose ``**kwargs`` constructor breaks
scikit-learn's conventions. ``X`` follows one convention, ``(n_samples, n_timesteps, n_features)``.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError, Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_feature_names, _get_feature_names, check_is_fitted, column_or_1d

from ._docs import _ATTRS_DOC, _NOTES_DOC, _PARAMS_DOC
from ._training import (
    _OPTIMIZERS,
    _resolve_device,
    _seeded,
    _SequenceCrossEntropy,
    _TensorSequences,
    build_net,
    tail_split,
)
from .._utils.sequences import as_numeric_array, check_finite, check_n_samples, check_sequences
from ..nets import CELLS, NONLINEARITIES, POOLINGS, RecurrentNet, Seq2SeqNet

__all__ = ["RNNRegressor", "RNNClassifier", "tail_split"]


def _options(values):
    """StrOptions listing ``values`` sorted: a set's order follows PYTHONHASHSEED, so messages would vary."""
    return StrOptions(dict.fromkeys(sorted(values)).keys())


# ---------------------------------------------------------------------------- shared base
class _BaseRNN(BaseEstimator):
    """Shared machinery: parameters, validation, the skorch net, prediction. Not public."""

    _parameter_constraints = {
        "cell": [_options(CELLS)],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "nonlinearity": [_options(NONLINEARITIES)],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "architecture": [_options({"many_to_one", "many_to_many"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [_options(_OPTIMIZERS), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "gradient_clip": [Interval(Real, 0, None, closed="neither"), None],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "on_interrupt": [_options({"raise", "keep_best"})],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags

    def _validate_params(self):
        """scikit-learn's validation, refusing bools where an int is expected (bool is an Integral to
        Python, so ``Interval(Integral, ...)`` lets ``hidden_size=True`` through)."""
        for param, constraints in self._parameter_constraints.items():
            value = getattr(self, param)
            integral = [c for c in constraints if isinstance(c, Interval) and c.type is Integral]
            if integral and isinstance(value, (bool, np.bool_)):
                described = [str(c) if c is not None else "None" for c in constraints]
                expected = described[0] if len(described) == 1 else f"{', '.join(described[:-1])} or {described[-1]}"
                raise InvalidParameterError(
                    f"The {param!r} parameter of {type(self).__name__} must be {expected}. Got {value!r} instead."
                )
        super()._validate_params()

    # ------------------------------------------------------------------ fit
    def _check_combinations(self, name):
        if self.cell != "rnn" and self.nonlinearity != "tanh":
            raise ValueError(
                f"{name}: nonlinearity={self.nonlinearity!r} only applies to cell='rnn'; the "
                f"{self.cell.upper()} cell has fixed tanh/sigmoid gates. Use nonlinearity='tanh' (the "
                "default) or cell='rnn'."
            )
        if self.architecture == "seq2seq" and self.bidirectional:
            raise ValueError(
                f"{name}: architecture='seq2seq' forecasts forward in time and cannot be bidirectional; "
                "set bidirectional=False, or use architecture='many_to_one' with a 2-D y (a whole horizon)."
            )
        if not isinstance(self.optimizer, str) and not issubclass(self.optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"{name}: optimizer must be one of {sorted(_OPTIMIZERS)} or a torch.optim.Optimizer "
                f"subclass; got {self.optimizer!r}."
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the recurrent net on sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences: a 3-D array, a 2-D array or DataFrame (one feature per step), or a list of arrays of
            shape (n_timesteps_i, n_features) with different lengths (padded, then packed).
        y : array-like
            Targets; see the class docstring for the shapes each ``architecture`` accepts.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        name = type(self).__name__
        if y is None:
            raise ValueError(
                f"{name} requires y to be passed, but the target y is None: it is a supervised estimator."
            )
        self._check_combinations(name)
        tokens = getattr(self, "embedding_dim", None) is not None
        seqs = check_sequences(X, name=name, tokens=tokens)
        if seqs.lengths is not None and self.architecture != "many_to_one":
            raise ValueError(
                f"{name}: architecture={self.architecture!r} needs sequences of one common length (a 2-D or "
                "3-D array); variable-length lists are supported with architecture='many_to_one'."
            )
        names = _get_feature_names(X) if seqs.layout == "2d" else None  # DataFrame columns (time steps)
        y_net, target = self._check_targets(y, seqs, name)  # target: fitted attributes of the subclass
        if self.patience is not None:
            tail_split(seqs.n_samples, self.validation_fraction, name=name)  # raises when too few rows
        device = _resolve_device(self.device, name)
        seed = None if self.random_state is None else int(
            self.random_state if isinstance(self.random_state, Integral)
            else check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )
        module, module_kwargs = self._module_spec(seqs, target)
        net = build_net(self, module=module, module_kwargs=module_kwargs, criterion=target.pop("criterion"),
                        criterion_kwargs=target.pop("criterion_kwargs"), device=device, name=name)
        lengths = None if seqs.lengths is None else torch.from_numpy(seqs.lengths)
        dataset = _TensorSequences(torch.from_numpy(seqs.values), lengths, torch.from_numpy(y_net))
        with _seeded(seed, device):
            net.fit(dataset, None)  # a KeyboardInterrupt stops it (skorch returns): see net.interrupt_
        n_epochs = len(net.history)
        if net.interrupt_ is not None:
            kept = dict(net.callbacks_).get("keep_best_on_interrupt")
            if kept is None or kept.state_ is None:  # on_interrupt="raise", or no epoch completed
                raise net.interrupt_
            n_epochs = kept.completed_
        net.module_.eval()  # a fitted net stays in inference mode: predictions never toggle it (thread-safe)

        # Every check passed and training finished: only now touch self.
        fixed = seqs.lengths is None
        for attr, keep in (("n_features_in_", fixed), ("feature_names_in_", names is not None)):
            if not keep:
                self.__dict__.pop(attr, None)
        if fixed:
            self.n_features_in_ = seqs.n_timesteps
        if names is not None:
            self.feature_names_in_ = names
        self.net_ = net
        self.n_timesteps_ = seqs.n_timesteps if fixed else None
        self.n_features_per_step_ = seqs.n_features
        self.device_ = device
        self.history_ = [
            {key: row[key] for key in ("epoch", "train_loss", "valid_loss", "dur", "teacher_forcing") if key in row}
            for row in net.history[:n_epochs]
        ]
        self.interrupted_ = net.interrupt_ is not None
        self._architecture = self.architecture
        for attr, value in target.items():
            setattr(self, attr, value)
        return self

    def _module_spec(self, seqs, target):
        common = dict(cell=self.cell, hidden_size=self.hidden_size, num_layers=self.num_layers,
                      nonlinearity=self.nonlinearity, dropout=self.dropout)
        if self.architecture == "seq2seq":
            return Seq2SeqNet, dict(input_size=seqs.n_features, horizon=target["n_outputs_"], **common)
        kwargs = dict(input_size=seqs.n_features, output_size=target["n_outputs_"],
                      bidirectional=self.bidirectional,
                      output="last" if self.architecture == "many_to_one" else "sequence", **common)
        if target.get("num_embeddings_") is not None:
            kwargs.update(num_embeddings=target["num_embeddings_"], embedding_dim=self.embedding_dim)
        return RecurrentNet, kwargs

    # ------------------------------------------------------------------ predict
    def _check_predict_input(self, X, name):
        check_is_fitted(self)
        num_embeddings = getattr(self, "num_embeddings_", None)
        seqs = check_sequences(X, name=name, tokens=num_embeddings is not None)
        if seqs.layout == "2d":
            _check_feature_names(self, X, reset=False)
        if num_embeddings is not None:
            unseen = seqs.values >= num_embeddings
            if unseen.any():
                first = tuple(int(i) for i in np.argwhere(unseen)[0])
                where = f"X[{first[0]}][{first[1]}]" if seqs.layout == "list" else f"X[{first[0]}, {first[1]}]"
                raise ValueError(
                    f"X holds {int(unseen.sum())} token id(s) unseen at fit, the first at {where} = "
                    f"{seqs.values[first]}; {name} was fitted on ids 0..{num_embeddings - 1} (num_embeddings_="
                    f"{num_embeddings}) and has no embedding for larger ids. Map unseen tokens to an id "
                    "present in the training data (e.g. a reserved 'unknown' token) before predicting."
                )
        elif seqs.n_features != self.n_features_per_step_:
            raise ValueError(
                f"X has {seqs.n_features} features per time step, but {name} was fitted on "
                f"{self.n_features_per_step_}; got X of shape {seqs.shape}. Pass the same features, in the "
                "same order, as at fit."
            )
        n_fit = self.n_timesteps_
        lengths = seqs.lengths if seqs.lengths is not None else np.full(seqs.n_samples, seqs.n_timesteps)
        if n_fit is not None and (lengths != n_fit).any():
            fix = (f"Pass sequences of {n_fit} time steps, or fit on a list of sequences of different lengths "
                   "to predict on other lengths." if self._architecture == "many_to_one" else
                   f"Pass sequences of {n_fit} time steps: architecture={self._architecture!r} is tied to them.")
            if seqs.layout == "2d":
                raise ValueError(
                    f"X has {seqs.n_timesteps} features, but {name} is expecting {n_fit} features as input: a "
                    "2-D X is read as (n_samples, n_timesteps) with one feature per step, so it holds "
                    f"sequences of {seqs.n_timesteps} time steps where fit saw {n_fit}. {fix}"
                )
            steps = f"{lengths.min()} to {lengths.max()}" if lengths.min() != lengths.max() else f"{lengths[0]}"
            raise ValueError(
                f"X has sequences of {steps} time steps, but {name} was fitted on sequences of {n_fit} time "
                f"steps (X of shape {seqs.shape}). {fix}"
            )
        return seqs

    def _forward(self, X):
        """Net outputs for ``X`` as a float64 array (regression values or class logits)."""
        seqs = self._check_predict_input(X, type(self).__name__)
        lengths = None if seqs.lengths is None else torch.from_numpy(seqs.lengths)
        out = self.net_.forward(_TensorSequences(torch.from_numpy(seqs.values), lengths), training=False)
        return out.numpy().astype(np.float64)


# ---------------------------------------------------------------------------- regressor
# RNNRegressor's ``loss`` names (scikit-learn's, as in HistGradientBoostingRegressor) and their torch classes.
_LOSSES = {"squared_error": torch.nn.MSELoss, "absolute_error": torch.nn.L1Loss, "huber": torch.nn.HuberLoss}

class RNNRegressor(RegressorMixin, _BaseRNN):
    __doc__ = (
        "Recurrent-net regressor on sequences (RNN, LSTM, GRU, or encoder-decoder), scikit-learn style.\n\n"
        "    Parameters\n    ----------" + _PARAMS_DOC.format(
            architectures='{"many_to_one", "many_to_many", "seq2seq"}',
            architecture_doc=(
                '``"many_to_one"``: a head on the last step, ``y`` of shape (n_samples,) or (n_samples, '
                'n_targets).\n        ``"many_to_many"``: a prediction per step, ``y`` of shape (n_samples, '
                'n_timesteps) or\n        (n_samples, n_timesteps, n_targets). ``"seq2seq"``: '
                ":class:`~seqforecast.nets.Seq2SeqNet`, ``y``\n        of shape (n_samples, horizon); the "
                "target's past values must be feature 0 of ``X``."),
            extra=(
                "\n    teacher_forcing : float in [0, 1], default=0.5\n        seq2seq only: probability of "
                "feeding the decoder the true previous value in training.\n    teacher_forcing_decay : "
                "float in [0, 1], default=1.0\n        seq2seq only: the ratio at (0-based) epoch e is "
                "``teacher_forcing * teacher_forcing_decay ** e``\n        (scheduled sampling).\n"
                '    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"\n'
                "        The training loss, averaged over every predicted value: squared error (the mean is "
                "the\n        best constant), absolute error (the median; less pulled by a few large "
                "targets), or\n        Huber's (squared within 1.0 of the target, absolute beyond; "
                "``torch.nn.HuberLoss``). Set\n        it by the error you will be scored on: on M4 Hourly "
                "absolute error gave a lower sMAPE and\n        MASE (``benchmarks/results/m4_Hourly.md``)."),
        )
        + "\n    Attributes\n    ----------" + _ATTRS_DOC.format(
            modules="RecurrentNet or Seq2SeqNet",
            n_outputs="targets per sequence (many_to_one), per step (many_to_many), or the horizon (seq2seq)",
            history_extra=", and ``teacher_forcing`` for seq2seq", attrs_extra="")
        + "\n    Notes\n    -----" + _NOTES_DOC
        + "\n    Predictions are float64 and have the shape of the fitted ``y`` (1-D when ``y`` was 1-D).\n"
    )

    _parameter_constraints = {
        **_BaseRNN._parameter_constraints,
        "architecture": [_options({"many_to_one", "many_to_many", "seq2seq"})],
        "teacher_forcing": [Interval(Real, 0, 1, closed="both")],
        "teacher_forcing_decay": [Interval(Real, 0, 1, closed="both")],
        "loss": [_options(set(_LOSSES))],
    }

    def __init__(self, *, cell="lstm", hidden_size=32, num_layers=1, nonlinearity="tanh", bidirectional=False,
                 dropout=0.0, architecture="many_to_one", teacher_forcing=0.5, teacher_forcing_decay=1.0,
                 loss="squared_error", max_epochs=100, batch_size=32, lr=1e-3, optimizer="adam", weight_decay=0.0,
                 gradient_clip=1.0, patience=None, validation_fraction=0.1, device="cpu",
                 random_state=None, verbose=0, callbacks=None, on_interrupt="raise"):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.nonlinearity = nonlinearity
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.architecture = architecture
        self.teacher_forcing = teacher_forcing
        self.teacher_forcing_decay = teacher_forcing_decay
        self.loss = loss
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _check_targets(self, y, seqs, name):
        y = as_numeric_array(y, what="y", name=name, dtype=np.float64)
        if y.ndim == 0:
            raise ValueError(f"{name} expects y with one row per sequence; got a scalar y ({y}).")
        check_n_samples(seqs.n_samples, y.shape[0], name=name)
        check_finite(y, what="y", name=name)
        arch, n_steps = self.architecture, seqs.n_timesteps
        expected = {
            "many_to_one": "(n_samples,) or (n_samples, n_targets)",
            "many_to_many": "(n_samples, n_timesteps) or (n_samples, n_timesteps, n_targets) with "
                            f"n_timesteps={n_steps}",
            "seq2seq": "(n_samples, horizon)",
        }[arch]
        ok = {"many_to_one": y.ndim in (1, 2), "seq2seq": y.ndim in (1, 2),
              "many_to_many": y.ndim in (2, 3) and y.shape[1] == n_steps}[arch]
        if not ok or (y.ndim > 1 and y.shape[-1] == 0):
            raise ValueError(
                f"{name} with architecture={arch!r} expects y of shape {expected}; got y of shape {y.shape} "
                f"for X of shape {seqs.shape}."
            )
        y_net = y.reshape(len(y), -1) if arch != "many_to_many" else y.reshape(len(y), n_steps, -1)
        with np.errstate(over="ignore"):  # too large for float32 -> inf, reported just below
            y_net = y_net.astype(np.float32)  # [n] -> [n, 1]; [n, T] -> [n, T, 1] (many_to_many)
        check_finite(y_net, what="y", name=name, hint=" (values beyond float32's range count as infinite)")
        target = {"n_outputs_": y_net.shape[-1], "_y_shape_tail": y.shape[1:],
                  "criterion": _LOSSES[self.loss], "criterion_kwargs": {}}
        return y_net, target

    def predict(self, X):
        """Predict targets for sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences, in the layout used at fit.

        Returns
        -------
        y_pred : ndarray of float64, of shape (n_samples,) + the fitted ``y.shape[1:]``
        """
        out = self._forward(X)
        return out.reshape((len(out),) + tuple(self._y_shape_tail))  # [n, K] / [n, T, K] -> fitted y shape

    def score(self, X, y, sample_weight=None):
        """R^2 of the predictions (per-step targets of ``many_to_many`` are flattened into columns)."""
        y_pred = self.predict(X)
        y = np.asarray(y, dtype=np.float64)
        if y.ndim > 2:
            y, y_pred = y.reshape(len(y), -1), y_pred.reshape(len(y_pred), -1)  # [n, T, K] -> [n, T*K]
        return r2_score(y, y_pred, sample_weight=sample_weight)


# ---------------------------------------------------------------------------- classifier
class RNNClassifier(ClassifierMixin, _BaseRNN):
    __doc__ = (
        "Recurrent-net classifier of sequences (RNN, LSTM, GRU), scikit-learn style.\n\n"
        "    Labels of any type are encoded with a LabelEncoder; logits are trained with cross-entropy and\n"
        "    ``predict_proba`` is their softmax.\n\n"
        "    Parameters\n    ----------" + _PARAMS_DOC.format(
            architectures='{"many_to_one", "many_to_many"}',
            architecture_doc=(
                '``"many_to_one"``: one label per sequence, ``y`` of shape (n_samples,).\n        '
                '``"many_to_many"``: one label per step, ``y`` of shape (n_samples, n_timesteps).'),
            extra=(
                "\n    class_weight : \"balanced\", dict or None, default=None\n        Weights of the classes "
                "in the cross-entropy (dict keys are the original labels).\n    embedding_dim : int or "
                "None, default=None\n        When set, ``X`` holds integer token ids of shape (n_samples, "
                "n_timesteps) (or a list of\n        1-D id sequences), looked up in an embedding of "
                "``max id + 1`` rows; ids unseen at fit raise at predict.\n    pooling : {\"last\", \"mean\", "
                "\"attention\"}, default=\"last\"\n        How the recurrent outputs of a sequence are summarised "
                "for the head (``many_to_one``):\n        ``\"last\"`` the final states; ``\"mean\"`` their "
                "average over the real steps; ``\"attention\"``\n        a learned softmax-weighted average over "
                "the real steps (padding gets weight 0).\n    conv_channels : tuple of int or None, default=None"
                "\n        When set, a convolutional branch beside the recurrent one (``many_to_one``): one\n"
                "        Conv1d-BatchNorm-ReLU block per entry, kernel sizes 8, 5, 3 (then 3), global average "
                "pooling\n        over the real steps, concatenated with the recurrent summary before the "
                "head. ``(128, 256, 128)``\n        with ``pooling=\"last\"`` is LSTM-FCN (Karim et al., 2018). "
                "See :class:`~seqforecast.nets.RecurrentNet`."),
        )
        + "\n    Attributes\n    ----------" + _ATTRS_DOC.format(
            modules="RecurrentNet", n_outputs="the number of classes (logits per sequence or per step)",
            history_extra="", attrs_extra=(
                "\n    classes_ : ndarray of shape (n_classes,)\n        The labels, sorted.\n    n_classes_ : "
                "int\n    num_embeddings_ : int or None\n        Rows of the token embedding (max id + 1 at "
                "fit); None without embedding."))
        + "\n    Notes\n    -----" + _NOTES_DOC
    )

    _parameter_constraints = {
        **_BaseRNN._parameter_constraints,
        "class_weight": [_options({"balanced"}), dict, None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "pooling": [_options(POOLINGS)],
        "conv_channels": [tuple, list, None],
    }

    def __init__(self, *, cell="lstm", hidden_size=32, num_layers=1, nonlinearity="tanh", bidirectional=False,
                 dropout=0.0, architecture="many_to_one", max_epochs=100, batch_size=32, lr=1e-3,
                 optimizer="adam", weight_decay=0.0, gradient_clip=1.0, patience=None, validation_fraction=0.1,
                 device="cpu", random_state=None, verbose=0, callbacks=None, on_interrupt="raise",
                 class_weight=None, embedding_dim=None, pooling="last", conv_channels=None):
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
        if channels is not None and (len(channels) == 0 or not all(
                isinstance(c, Integral) and not isinstance(c, bool) and c >= 1 for c in channels)):
            raise ValueError(
                f"{name}: conv_channels must be None or a non-empty tuple of positive ints (output channels of "
                f"each convolutional block, e.g. (128, 256, 128)); got conv_channels={channels!r}."
            )
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
        target = {"classes_": classes, "n_classes_": len(classes), "n_outputs_": len(classes),
                  "num_embeddings_": num_embeddings, "criterion": _SequenceCrossEntropy,
                  "criterion_kwargs": kwargs}
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
