"""The machinery shared by :class:`~seqforecast.RNNRegressor` and :class:`~seqforecast.RNNClassifier`:
parameters and their checks, ``fit`` (a skorch net composed around a module of :mod:`seqforecast.nets`), the
checks of ``predict``'s input, and the net-state protocol of model files.

The estimators compose a skorch net in ``fit`` (``self.net_``); they do not subclass skorch, whose
``**kwargs`` constructor breaks scikit-learn's conventions. ``X`` follows one convention,
``(n_samples, n_timesteps, n_features)``.
"""

from __future__ import annotations

import copy
import dataclasses
from numbers import Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, Options
from sklearn.utils.validation import _check_feature_names, _get_feature_names, check_is_fitted
from skorch.history import History

from .._utils.sequences import check_sequences
from .._utils.series_windows import SeriesWindows
from .._utils.validation import options, positive_int, validate_params
from ..nets import CELLS, NONLINEARITIES, RecurrentNet, Seq2SeqNet
from ._training import (
    _OPTIMIZERS,
    _seeded,
    _TensorSequences,
    _WindowBatches,
    build_net,
    fit_seed,
    global_rng_users,
    resolve_device,
    tail_split,
    train,
)


class _OptimizerClass(Options):
    """The parameter constraint "a torch.optim.Optimizer subclass".

    A scikit-learn ``Options`` only so that scikit-learn's ``make_constraint``, which
    :func:`~seqforecast._utils.validation.validate_params` calls, takes it as it is.
    """

    def __init__(self):
        super().__init__(type, set())

    def is_satisfied_by(self, val):
        return isinstance(val, type) and issubclass(val, torch.optim.Optimizer)

    def __str__(self):
        return "a torch.optim.Optimizer subclass"


def _cpu(state_dict):
    return {key: tensor.detach().cpu() for key, tensor in state_dict.items()}


class _WindowsShape:
    """What ``fit`` reads of its input's shape (as of :class:`~seqforecast._utils.sequences.Sequences`), for
    series windows: fixed length, no token ids."""

    layout, lengths = "windows", None

    def __init__(self, shape):
        self.shape = shape
        self.n_samples, self.n_timesteps, self.n_features = shape


def check_known_tokens(seqs, num_embeddings, name):
    """Refuse token ids of ``seqs`` (checked :class:`~seqforecast._utils.sequences.Sequences`) that have no row
    in an embedding table of ``num_embeddings`` rows (ids unseen at fit)."""
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


class _BaseRNN(BaseEstimator):
    """Shared machinery: parameters, validation, the skorch net, prediction. Not public."""

    #: The torch modules this estimator builds (``_module_spec``): the only ones a model file may name for it.
    _modules = (RecurrentNet, Seq2SeqNet)

    _parameter_constraints = {
        "cell": [options(CELLS)],
        "hidden_size": [positive_int()],
        "num_layers": [positive_int()],
        "nonlinearity": [options(NONLINEARITIES)],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "architecture": [options({"many_to_one", "many_to_many"})],
        "max_epochs": [positive_int()],
        "batch_size": [positive_int()],
        "samples_per_epoch": [positive_int(), None],
        "tbptt_steps": [positive_int(), None],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [options(_OPTIMIZERS), _OptimizerClass()],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "gradient_clip": [Interval(Real, 0, None, closed="neither"), None],
        "patience": [positive_int(), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "on_interrupt": [options({"raise", "keep_best"})],
        "accelerator": [None, HasMethods(["prepare", "backward", "reduce"])],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags

    def _validate_params(self):
        """Check every parameter against ``_parameter_constraints`` (scikit-learn's ``_fit_context`` calls
        this at the start of ``fit``), through the package's one check, which also refuses a bool where a
        number is expected (``hidden_size=True``)."""
        validate_params(self)

    # ------------------------------------------------------------------ fit
    def _check_combinations(self, name):
        """Refuse parameters that each pass their constraint but cannot be used together."""
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
        if self.tbptt_steps is not None:
            self._check_tbptt(name)

    def _check_tbptt(self, name):
        """Refuse what truncated backpropagation through time (``tbptt_steps``) cannot be combined with."""
        start = f"{name}: tbptt_steps={self.tbptt_steps} trains on chunks of {self.tbptt_steps} steps"
        if self.architecture != "many_to_many":
            raise ValueError(
                f"{start} with a target at each step, so it needs architecture='many_to_many'; got architecture="
                f"{self.architecture!r}. Use architecture='many_to_many' with y of one target per step, or "
                "tbptt_steps=None."
            )
        if self.bidirectional:
            raise ValueError(
                f"{start} carrying the state forward in time; bidirectional=True also reads each sequence "
                "backwards, from steps a chunk has not reached. Set bidirectional=False, or tbptt_steps=None."
            )
        if self.accelerator is not None:
            raise ValueError(
                f"{start}, which the accelerator's data-parallel training does not support. Set "
                "accelerator=None, or tbptt_steps=None."
            )

    #: Whether ``architecture="many_to_many"`` trains on sequences of different lengths, with a target
    #: sequence of each one's length (the classifier's labels: padded steps are left out of the loss).
    _labels_ragged_steps = False

    #: Whether ``fit`` takes :class:`~seqforecast._utils.series_windows.SeriesWindows` (windows cut per batch
    #: from series, with their targets) as ``X``; the window forecasters pass them to estimators that do.
    _fits_series_windows = False

    def _check_windows(self, windows, y, name):
        """The shape of ``windows`` (as :class:`_WindowsShape`) and the subclass's fitted target attributes."""
        if not self._fits_series_windows:
            raise TypeError(f"{name} does not train on series windows; pass sequences X and targets y.")
        if y is not None:
            raise ValueError(f"{name}: series windows carry their own targets; pass y=None with them.")
        self._check_combinations(name)
        if self.architecture == "many_to_many":
            raise ValueError(
                f"{name}: architecture='many_to_many' needs a target per input step; series windows have a "
                "target horizon after the window. Use architecture='many_to_one' or 'seq2seq'."
            )
        if len(windows) == 0:
            raise ValueError(f"{name}: the series windows are empty; fit needs at least one window.")
        return _WindowsShape(windows.shape), self._window_targets(windows)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the recurrent net on sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences: a 3-D array, a 2-D array or DataFrame (one feature per step), or a list of arrays of
            shape (n_timesteps_i, n_features) with different lengths (padded, then packed). The window
            forecasters pass :class:`~seqforecast._utils.series_windows.SeriesWindows` to a regressor instead:
            windows cut batch by batch from one copy of the series, never materialised (``y`` is then None).
        y : array-like
            Targets; see the class docstring for the shapes each ``architecture`` accepts.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        name = type(self).__name__
        if isinstance(X, SeriesWindows):
            seqs, target = self._check_windows(X, y, name)
        else:
            if y is None:
                raise ValueError(
                    f"{name} requires y to be passed, but the target y is None: it is a supervised estimator."
                )
            self._check_combinations(name)
            tokens = getattr(self, "embedding_dim", None) is not None
            seqs = check_sequences(X, name=name, tokens=tokens)
            if tokens and seqs.layout == "list" and seqs.lengths is None and self.architecture == "many_to_one":
                # a list of token sequences is text: texts of other lengths come at predict, even when those of
                # fit happen to be equal (a list of numbers of one length stays the array it equals)
                seqs = dataclasses.replace(seqs, lengths=np.full(seqs.n_samples, seqs.n_timesteps, dtype=np.int64))
            ragged = self.architecture == "many_to_many" and self._labels_ragged_steps
            if seqs.lengths is not None and self.architecture != "many_to_one" and not ragged:
                raise ValueError(
                    f"{name}: architecture={self.architecture!r} needs sequences of one common length (a 2-D or "
                    "3-D array); variable-length lists are supported with architecture='many_to_one'."
                )
            if seqs.lengths is not None and self.tbptt_steps is not None:
                raise ValueError(
                    f"{name}: tbptt_steps={self.tbptt_steps} cuts sequences of one common length into chunks; X "
                    f"holds sequences of {seqs.lengths.min()} to {seqs.lengths.max()} steps. Pad them to one "
                    "length (a 2-D or 3-D array), or use tbptt_steps=None."
                )
            y_net, target = self._check_targets(y, seqs, name)  # target: fitted attributes of the subclass
        names = _get_feature_names(X) if seqs.layout == "2d" else None  # DataFrame columns (time steps)
        if self.patience is not None:
            tail_split(seqs.n_samples, self.validation_fraction, name=name)  # raises when too few rows
        settings = target.get("config_")  # values an estimator resolved from the data ("auto" parameters)
        if self.accelerator is None:
            device, seed = resolve_device(self.device, name), fit_seed(self.random_state)
        else:
            device, seed = self._accelerated_setup(name, (settings or {}).get("batch_size", self.batch_size))
        # a training that draws from torch's global generator shuffles there too, under the lock; the others
        # shuffle with a generator of their own, outside it (see _training.train)
        generator = None if global_rng_users(self, device) else torch.Generator()
        module, module_kwargs = self._module_spec(seqs, target)
        criterion, criterion_kwargs = target.pop("criterion"), target.pop("criterion_kwargs")
        net = build_net(
            self,
            module=module,
            module_kwargs=module_kwargs,
            criterion=criterion,
            criterion_kwargs=criterion_kwargs,
            device=device,
            name=name,
            generator=generator,
            accelerator=self.accelerator,
            settings=settings,
        )
        if seqs.layout == "windows":
            dataset = _WindowBatches(X, name=name)
        else:
            lengths = None if seqs.lengths is None else torch.from_numpy(seqs.lengths)
            dataset = _TensorSequences(torch.from_numpy(seqs.values), lengths, torch.from_numpy(y_net))
        train(net, dataset, seed=seed, device=device, generator=generator)  # see net.interrupt_ below
        n_epochs = len(net.history)
        if net.interrupt_ is not None:
            kept = dict(net.callbacks_).get("keep_best_on_interrupt")
            if kept is None or kept.state_ is None:  # on_interrupt="raise", or no epoch completed
                raise net.interrupt_
            n_epochs = kept.completed_
        if self.accelerator is not None:
            net = self._without_accelerator(net, (module, module_kwargs), (criterion, criterion_kwargs), device)
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

    def _accelerated_setup(self, name, batch_size):
        """Device and seed of a fit through ``self.accelerator`` (data-parallel: see :mod:`._distributed`), whose
        batches hold ``batch_size`` sequences."""
        acc = self.accelerator
        n = acc.num_processes
        if n > 1:
            if not getattr(acc, "split_batches", False):
                raise ValueError(
                    f"{name}: the accelerator runs {n} processes without split_batches, so every process would "
                    f"train on batches of batch_size={batch_size} and the run on {n} times more. Create it "
                    "as Accelerator(dataloader_config=DataLoaderConfiguration(split_batches=True)): batch_size is "
                    "then the batch of the whole run, each process taking its share."
                )
            if batch_size % n:
                raise ValueError(
                    f"{name}: batch_size={batch_size} is shared by the accelerator's {n} processes and must be "
                    f"a multiple of {n}; use batch_size={max(n, batch_size - batch_size % n)}."
                )
            if self.on_interrupt == "keep_best":
                raise ValueError(
                    f"{name}: on_interrupt='keep_best' is not supported in a run of {n} processes (an interrupt "
                    "reaches them at different batches); use on_interrupt='raise'."
                )
        seed = fit_seed(self.random_state)
        if n > 1:  # random_state=None draws a seed in each process: all take the main process's
            from accelerate.utils import broadcast_object_list

            seed = broadcast_object_list([seed])[0]
        return str(acc.device), seed

    def _without_accelerator(self, net, module_spec, criterion_spec, device):
        """The trained net as a plain net (what ``fit`` without an accelerator gives, and what ``load`` builds):
        the same weights and history, no reference to the accelerator or to other processes."""
        plain = self._built_net(
            (*module_spec, net.module_.state_dict()),
            (*criterion_spec, net.criterion_.state_dict()),
            net.history,
            device,
        )
        plain.interrupt_ = net.interrupt_
        return plain

    def _module_spec(self, seqs, target):
        common = dict(
            cell=self.cell,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            nonlinearity=self.nonlinearity,
            dropout=self.dropout,
        )
        if self.architecture == "seq2seq":
            return Seq2SeqNet, dict(input_size=seqs.n_features, horizon=target["n_outputs_"], **common)
        kwargs = dict(
            input_size=seqs.n_features,
            output_size=target["n_outputs_"],
            bidirectional=self.bidirectional,
            output="last" if self.architecture == "many_to_one" else "sequence",
            **common,
        )
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
            check_known_tokens(seqs, num_embeddings, name)
        elif seqs.n_features != self.n_features_per_step_:
            raise ValueError(
                f"X has {seqs.n_features} features per time step, but {name} was fitted on "
                f"{self.n_features_per_step_}; got X of shape {seqs.shape}. Pass the same features, in the "
                "same order, as at fit."
            )
        n_fit = self.n_timesteps_
        lengths = seqs.lengths if seqs.lengths is not None else np.full(seqs.n_samples, seqs.n_timesteps)
        if n_fit is not None and (lengths != n_fit).any():
            fix = (
                f"Pass sequences of {n_fit} time steps, or fit on a list of sequences of different lengths "
                "to predict on other lengths."
                if self._architecture == "many_to_one"
                else f"Pass sequences of {n_fit} time steps: architecture={self._architecture!r} is tied to them."
            )
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

    def _inference_module(self):
        """A float64 copy of the fitted torch module, in inference mode, for one prediction call.

        Predictions are computed in float64 so that a row's prediction does not depend on the other rows
        predicted with it: float32 matrix products sum in another order for another number of rows (the
        default net's head gives predictions 2 ulps, 2.4e-7, apart for one row alone and in a batch of 20),
        float64 ones agree to about 1e-16, far below any tolerance on float32 weights. A fresh copy per call
        also means that concurrent predictions share nothing mutable.
        """
        module = self.net_.module_
        skip = {id(p.grad): None for p in module.parameters() if p.grad is not None}  # not the last gradients
        return copy.deepcopy(module, skip).to(torch.float64).eval()

    def _forward(self, X, *, return_lengths=False):
        """Net outputs for ``X`` as a float64 array (regression values or class logits); with
        ``return_lengths``, also the real length of each sequence (None unless they differ)."""
        seqs = self._check_predict_input(X, type(self).__name__)
        module, device, batch = self._inference_module(), self.device_, self.net_.batch_size
        values = torch.from_numpy(seqs.values)
        if values.is_floating_point():  # token ids stay int64
            values = values.to(torch.float64)
        outputs = []
        with torch.no_grad():
            for start in range(0, seqs.n_samples, batch):  # batches bound the memory, not the result
                rows = slice(start, start + batch)
                args = (values[rows].to(device),)
                if seqs.lengths is not None:
                    args += (torch.from_numpy(seqs.lengths[rows]),)
                outputs.append(module(*args).cpu())  # [b, K] or [b, T, K]
        out = torch.cat(outputs).numpy()
        return (out, seqs.lengths) if return_lengths else out

    # ------------------------------------------------------------------ model files
    # The net-state protocol of :func:`seqforecast.save` / :func:`seqforecast.load`: a model file stores the
    # fitted skorch net ``net_`` as the state below, never pickled; every other fitted attribute is stored as
    # it is. Any estimator with these two methods is stored this way.
    def _get_net_state(self):
        """The fitted net ``net_`` as classes, plain values and tensors (None when not fitted).

        Returns
        -------
        state : dict or None
            ``module``: the torch module class (:class:`~seqforecast.nets.RecurrentNet` or
            :class:`~seqforecast.nets.Seq2SeqNet`); ``module_kwargs``: its constructor arguments (a dict of
            plain values); ``module_state``: its state dict (CPU tensors); ``criterion``: the loss class;
            ``criterion_state``: the loss's state dict (e.g. class weights); ``history``: skorch's history,
            a list of dicts of plain values.
        """
        net = getattr(self, "net_", None)
        if net is None:
            return None
        return {
            "module": type(net.module_),
            "module_kwargs": net.get_params_for("module"),
            "module_state": _cpu(net.module_.state_dict()),
            "criterion": type(net.criterion_),
            "criterion_state": _cpu(net.criterion_.state_dict()),
            "history": list(net.history),
        }

    def _check_net_settings(self, kwargs):
        """Refuse a saved net whose sizes are not those of this estimator's parameters and fitted attributes
        (``n_features_per_step_``, ``n_outputs_``, ``num_embeddings_``, the classifier's
        ``config_["ensemble_size"]``): it would fail, or predict nonsense, at ``predict`` rather than at
        ``load``."""
        expected = {
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "nonlinearity": self.nonlinearity,
            "input_size": getattr(self, "n_features_per_step_", None),
            "num_embeddings": getattr(self, "num_embeddings_", None),
            "n_members": (getattr(self, "config_", None) or {}).get("ensemble_size"),
        }
        expected["horizon" if "horizon" in kwargs else "output_size"] = getattr(self, "n_outputs_", None)
        kwargs = {"n_members": 1, **kwargs}  # a single net (RecurrentNet) is an ensemble of one
        wrong = [
            f"{key}={kwargs[key]!r} (expected {value!r})"
            for key, value in expected.items()
            if value is not None and key in kwargs and kwargs[key] != value
        ]
        if wrong:
            raise ValueError(f"the net's settings disagree with {type(self).__name__}'s: {', '.join(wrong)}")

    def _set_net_state(self, state, device=None):
        """Rebuild ``net_`` from a state made by :meth:`_get_net_state`, without training.

        Called once the other fitted attributes are set (``device_`` among them). The net is configured from
        the estimator's parameters exactly as ``fit`` configures it, initialised without drawing from torch's
        global random generator, given the saved weights, and left in inference mode, as after ``fit``.

        Parameters
        ----------
        state : dict
            As returned by :meth:`_get_net_state` (tensors on any device).
        device : str or None, default=None
            A torch device resolved by :func:`~seqforecast.estimators.resolve_device`. None keeps the
            recorded ``device_`` when it is available here and takes ``"cpu"`` otherwise (a model trained
            on a GPU loads on a CPU-only machine). ``device_`` is set to the device used; the ``device``
            parameter, used by a refit, is left as it is.

        Raises
        ------
        ValueError, TypeError, RuntimeError
            The state does not describe a net of this estimator (unknown module or loss, weights of other
            shapes).
        """
        module, criterion = state["module"], state["criterion"]
        if module not in self._modules:
            names = " or ".join(m.__name__ for m in self._modules)
            raise ValueError(f"{type(self).__name__} builds {names} modules, not {module!r}.")
        if not (isinstance(criterion, type) and issubclass(criterion, torch.nn.modules.loss._Loss)):
            raise ValueError(f"{type(self).__name__} trains with a torch loss, not {criterion!r}.")
        self._check_net_settings(state["module_kwargs"])
        recorded = str(getattr(self, "device_", "cpu"))
        if device is None:
            device = "cpu" if recorded.startswith("cuda") and not torch.cuda.is_available() else recorded
        net = self._built_net(
            (module, state["module_kwargs"], state["module_state"]),
            (criterion, state["criterion_state"], state["criterion_state"]),
            History(state["history"]),
            device,
        )
        net.module_.eval()  # as fit leaves it
        self.device_, self.net_ = device, net

    def _built_net(self, module_spec, criterion_spec, history, device):
        """A net configured from this estimator's parameters, as ``fit`` configures it, holding the given weights
        (``module_spec``: class, constructor arguments, state dict; ``criterion_spec`` the same for the loss) and
        ``history``; its random initial weights are drawn without touching torch's global generators."""
        (module, module_kwargs, module_state), (criterion, criterion_kwargs, criterion_state) = (
            module_spec,
            criterion_spec,
        )
        net = build_net(
            self,
            module=module,
            module_kwargs=module_kwargs,
            criterion=criterion,
            criterion_kwargs=criterion_kwargs,
            device=device,
            name=type(self).__name__,
            settings=getattr(self, "config_", None),
        )
        with _seeded(0, device):  # random initial weights, replaced below: the global generators are untouched
            net.initialize()
        net.module_.load_state_dict(module_state)
        net.criterion_.load_state_dict(criterion_state)
        net.history = history
        return net
