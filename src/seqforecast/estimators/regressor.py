"""Recurrent-net regression on sequences: :class:`RNNRegressor`, with the carried-state recursion that the
recursive forecaster uses (:meth:`RNNRegressor.predict_recursive`), a quantile head (``loss="quantile"``,
:meth:`RNNRegressor.predict_quantiles`) and distribution heads trained by likelihood (``loss="gaussian"``,
``"student_t"``, ``"negative_binomial"``: :meth:`RNNRegressor.predict_distribution`, and sample paths that carry
the recurrent state, :meth:`RNNRegressor.sample_recursive`)."""

from __future__ import annotations

from numbers import Real

import numpy as np
import torch
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._utils.sequences import as_numeric_array, check_finite, check_n_samples
from .._utils.validation import check_int, check_quantiles, options
from ..nets import ATTENTIONS, DISTRIBUTIONS, median_index
from ._attention import AttentionWeights
from ._base import _BaseRNN
from ._docs import REGRESSOR_ARCHITECTURES, REGRESSOR_ATTRS, REGRESSOR_NOTES, REGRESSOR_PARAMS, estimator_doc
from ._generation import carry_state, repeat_rows
from .losses import DISTRIBUTION_LOSSES, REGRESSION_LOSSES

__all__ = ["RNNRegressor"]

#: The quantile levels of ``loss="quantile"`` when ``quantiles`` is None.
DEFAULT_QUANTILES = (0.1, 0.5, 0.9)


class RNNRegressor(AttentionWeights, RegressorMixin, _BaseRNN):
    __doc__ = estimator_doc(
        "Recurrent-net regressor on sequences (RNN, LSTM, GRU, or encoder-decoder), scikit-learn style.",
        architectures='{"many_to_one", "many_to_many", "seq2seq"}',
        architecture_doc=REGRESSOR_ARCHITECTURES,
        params=REGRESSOR_PARAMS,
        modules="RecurrentNet or Seq2SeqNet",
        n_outputs="targets per sequence (many_to_one), per step (many_to_many), or the horizon (seq2seq)",
        history_extra=", and ``teacher_forcing`` for seq2seq",
        attrs=REGRESSOR_ATTRS,
        notes=REGRESSOR_NOTES,
    )

    _parameter_constraints = {
        **_BaseRNN._parameter_constraints,
        "architecture": [options({"many_to_one", "many_to_many", "seq2seq"})],
        "teacher_forcing": [Interval(Real, 0, 1, closed="both")],
        "teacher_forcing_decay": [Interval(Real, 0, 1, closed="both")],
        "attention": [options(ATTENTIONS), None],
        "loss": [options(REGRESSION_LOSSES)],
        "quantiles": ["array-like", None],
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
        teacher_forcing=0.5,
        teacher_forcing_decay=1.0,
        attention=None,
        loss="squared_error",
        quantiles=None,
        max_epochs=100,
        batch_size=32,
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
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.nonlinearity = nonlinearity
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.architecture = architecture
        self.teacher_forcing = teacher_forcing
        self.teacher_forcing_decay = teacher_forcing_decay
        self.attention = attention
        self.loss = loss
        self.quantiles = quantiles
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # ------------------------------------------------------------------ parameters
    def _validate_params(self):
        super()._validate_params()
        self._quantile_levels()

    def _quantile_levels(self):
        """The quantile levels of ``loss="quantile"`` (``quantiles``, or :data:`DEFAULT_QUANTILES` when None),
        checked; None for the other losses, which ignore ``quantiles``."""
        if self.loss != "quantile":
            return None
        quantiles = DEFAULT_QUANTILES if self.quantiles is None else self.quantiles
        return check_quantiles(quantiles, type(self).__name__)

    def _check_combinations(self, name):
        super()._check_combinations(name)
        self._check_attention(name)
        if self.loss in DISTRIBUTION_LOSSES and self.architecture != "many_to_one":
            raise ValueError(
                f"{name}: loss={self.loss!r} trains a distribution head, which predicts one distribution per "
                f"output of a sequence (architecture='many_to_one'); architecture={self.architecture!r} has none. "
                "Use architecture='many_to_one' (a 1-D y, or a 2-D y for several outputs), or another loss."
            )
        if self.loss == "quantile" and self.architecture == "many_to_many":
            raise ValueError(
                f"{name}: loss='quantile' gives quantiles of a prediction per sequence (many_to_one) or per "
                "forecast step (seq2seq); architecture='many_to_many' has no quantile head. Use "
                "architecture='many_to_one' with a 2-D y, or 'seq2seq', or another loss."
            )

    def _target_attributes(self, n_outputs, y_shape_tail):
        """The fitted target attributes, with the loss that trains for them."""
        levels = self._quantile_levels()
        return {
            "n_outputs_": n_outputs,
            "_y_shape_tail": y_shape_tail,
            "quantiles_": None if levels is None else np.array(levels),
            "distribution_": self.loss if self.loss in DISTRIBUTION_LOSSES else None,
            "criterion": REGRESSION_LOSSES[self.loss],
            "criterion_kwargs": {} if levels is None else {"quantiles": levels},
        }

    def _module_spec(self, seqs, target):
        module, kwargs = super()._module_spec(seqs, target)
        if target["quantiles_"] is not None:
            kwargs["quantiles"] = [float(q) for q in target["quantiles_"]]  # a quantile head
        if target["distribution_"] is not None:
            kwargs["distribution"] = target["distribution_"]  # a distribution head
        if self.attention is not None:
            kwargs["attention"] = self.attention  # seq2seq only (_check_attention)
        return module, kwargs

    def _check_net_settings(self, kwargs):
        super()._check_net_settings(kwargs)
        self._check_net_attention(kwargs)
        levels = getattr(self, "quantiles_", None)
        saved = kwargs.get("quantiles")
        expected = None if levels is None else [float(q) for q in levels]
        if (None if saved is None else [float(q) for q in saved]) != expected:
            raise ValueError(
                f"the net's settings disagree with {type(self).__name__}'s: quantiles={saved!r} (expected {expected!r})"
            )
        distribution = getattr(self, "distribution_", None)
        if kwargs.get("distribution") != distribution:
            raise ValueError(
                f"the net's settings disagree with {type(self).__name__}'s: distribution="
                f"{kwargs.get('distribution')!r} (expected {distribution!r})"
            )

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
        ok = {
            "many_to_one": y.ndim in (1, 2),
            "seq2seq": y.ndim in (1, 2),
            "many_to_many": y.ndim in (2, 3) and y.shape[1] == n_steps,
        }[arch]
        if not ok or (y.ndim > 1 and y.shape[-1] == 0):
            raise ValueError(
                f"{name} with architecture={arch!r} expects y of shape {expected}; got y of shape {y.shape} "
                f"for X of shape {seqs.shape}."
            )
        if self.loss == "negative_binomial" and (y < 0).any():
            first = tuple(int(i) for i in np.argwhere(y < 0)[0])
            raise ValueError(
                f"{name} with loss='negative_binomial' models counts, which are >= 0; y holds "
                f"{int((y < 0).sum())} negative value(s), the first y[{', '.join(map(str, first))}] = {y[first]}. "
                "Use loss='gaussian' or 'student_t' for real-valued targets."
            )
        y_net = y.reshape(len(y), -1) if arch != "many_to_many" else y.reshape(len(y), n_steps, -1)
        with np.errstate(over="ignore"):  # too large for float32 -> inf, reported just below
            y_net = y_net.astype(np.float32)  # [n] -> [n, 1]; [n, T] -> [n, T, 1] (many_to_many)
        check_finite(y_net, what="y", name=name, hint=" (values beyond float32's range count as infinite)")
        return y_net, self._target_attributes(y_net.shape[-1], y.shape[1:])

    _fits_series_windows = True

    def _window_targets(self, windows):
        """The fitted target attributes for series windows: the horizon as outputs, a 2-D prediction."""
        return self._target_attributes(windows.horizon, (windows.horizon,))

    def predict(self, X):
        """Predict targets for sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences, in the layout used at fit.

        Returns
        -------
        y_pred : ndarray of float64, of shape (n_samples,) + the fitted ``y.shape[1:]``
            With ``loss="quantile"``, the median (the fitted level closest to 0.5; see
            :meth:`predict_quantiles`). With a distribution loss, the mean of the predicted distribution (the
            location of the Student-t; see :meth:`predict_distribution`).
        """
        out = self._forward(X)
        levels = getattr(self, "quantiles_", None)
        if levels is not None:
            out = out[..., median_index(levels)]  # [n, K, Q] -> [n, K]
        elif getattr(self, "distribution_", None) is not None:
            out = out[..., 0]  # [n, K, P] -> the mean [n, K]
        return out.reshape((len(out),) + tuple(self._y_shape_tail))  # [n, K] / [n, T, K] -> fitted y shape

    def predict_quantiles(self, X):
        """Predict the quantiles the net was fitted for (``loss="quantile"``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences, in the layout used at fit.

        Returns
        -------
        y_quantiles : ndarray of float64 of shape (n_samples, n_outputs_, n_quantiles)
            The quantiles of each output (a target of ``many_to_one``, a step of the horizon of ``seq2seq``;
            a 1-D ``y`` has one output) at the levels ``quantiles_``, in that order. They never cross:
            ``y_quantiles[..., k] <= y_quantiles[..., k + 1]``. :meth:`predict` returns the median column.

        Raises
        ------
        ValueError
            The estimator was fitted with another loss.
        """
        check_is_fitted(self)
        if getattr(self, "quantiles_", None) is None:
            name = type(self).__name__
            raise ValueError(
                f"{name}.predict_quantiles needs a net fitted with loss='quantile'; this one was fitted with "
                f"another loss and predicts one value per output. Refit with {name}(loss='quantile', "
                "quantiles=(0.1, 0.5, 0.9)), or call predict."
            )
        return self._forward(X)  # [n, K, Q]

    def predict_distribution(self, X):
        """Predict the parameters of the distribution of each output (a distribution loss).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences, in the layout used at fit.

        Returns
        -------
        params : dict of str to ndarray of float64 of shape (n_samples, n_outputs_)
            The parameters by name, in the order of the head (plain arrays, no torch object):
            ``loss="gaussian"``: ``loc``, ``scale``; ``"student_t"``: ``loc``, ``scale``, ``df`` (> 2);
            ``"negative_binomial"``: ``mean``, ``dispersion`` (variance ``mean + dispersion * mean**2``).
            The first is what :meth:`predict` returns. ``seqforecast.estimators.losses.DISTRIBUTION_LOSSES[
            loss].distribution`` turns the stacked parameters into a ``torch.distributions`` object.

        Raises
        ------
        ValueError
            The estimator was fitted with a loss that has no distribution head.
        """
        self._distribution_loss(f"{type(self).__name__}.predict_distribution")
        out = self._forward(X)  # [n, K, P]
        return {key: out[..., p] for p, key in enumerate(DISTRIBUTIONS[self.distribution_])}

    def _distribution_loss(self, caller):
        """The fitted distribution loss class (:data:`~.losses.DISTRIBUTION_LOSSES`); a clear error without one."""
        check_is_fitted(self)
        distribution = getattr(self, "distribution_", None)
        if distribution is None:
            name = type(self).__name__
            raise ValueError(
                f"{caller} needs a net with a distribution head; this one was fitted with another loss and "
                f"predicts no distribution. Refit with {name}(loss='gaussian'), 'student_t' or "
                "'negative_binomial' (counts)."
            )
        return DISTRIBUTION_LOSSES[distribution]

    def score(self, X, y, sample_weight=None):
        """R^2 of the predictions (per-step targets of ``many_to_many`` are flattened into columns)."""
        y_pred, name = self.predict(X), type(self).__name__
        y = as_numeric_array(y, what="y", name=name, dtype=np.float64)  # pd.NA and None refused with a position
        check_finite(y, what="y", name=name)
        if y.ndim > 2:
            y, y_pred = y.reshape(len(y), -1), y_pred.reshape(len(y_pred), -1)  # [n, T, K] -> [n, T*K]
        return r2_score(y, y_pred, sample_weight=sample_weight)

    # ------------------------------------------------------------------ carried-state recursion
    def can_carry_state(self):
        """Whether :meth:`predict_recursive` runs on this fitted estimator.

        It needs a net that reads time forward and predicts one value from the last step, so that the value
        can be fed back: ``architecture="many_to_one"``, ``bidirectional=False``, a 1-D ``y`` (one
        output) and a loss other than ``"quantile"``, as fitted (a later ``set_params`` does not change the
        answer). A distribution head feeds back its mean (:meth:`predict_recursive`) or its draws
        (:meth:`sample_recursive`).
        """
        check_is_fitted(self)
        return (
            self._architecture == "many_to_one"
            and not self.net_.module_.bidirectional
            and self.n_outputs_ == 1
            and getattr(self, "quantiles_", None) is None
        )

    def predict_recursive(self, X, n_steps, step_features=None):
        """Predict ``n_steps`` steps ahead of each sequence, feeding every prediction back as the next input.

        The net reads each sequence once, then advances its recurrent state by one cell step per further
        step, batched over the sequences (instead of re-reading a window at every step). The input of step
        ``k`` (k >= 2) is the prediction of step ``k - 1`` as feature 0, followed by ``step_features`` of
        step ``k`` (the other features, e.g. covariates known ahead). Step 1 is ``predict(X)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences, in the layout used at fit; feature 0 holds the past values of the target.
        n_steps : int
            Number of steps to predict, >= 1.
        step_features : array-like of shape (n_steps - 1, n_features - 1) or (n_samples, n_steps - 1,
            n_features - 1), or None, default=None
            Features 1, 2, ... of steps 2 .. n_steps, the same for every sequence (2-D) or per sequence
            (3-D). None when the sequences have one feature per step (or ``n_steps=1``).

        Returns
        -------
        y_pred : ndarray of float64 of shape (n_samples, n_steps)

        Raises
        ------
        ValueError
            The fitted net cannot carry its state (see :meth:`can_carry_state`; a net fitted with
            ``loss="quantile"`` is refused with its own message), or ``step_features`` has another shape.

        Notes
        -----
        The recursion runs on a float64 copy of the fitted net in inference mode (as :meth:`predict`), so
        several threads may call this method on one fitted estimator and step 1 equals ``predict(X)``.
        """
        name = type(self).__name__
        n_steps = check_int(n_steps, "n_steps", f"{name}.predict_recursive")
        seqs = self._check_predict_input(X, name)
        if getattr(self, "quantiles_", None) is not None:
            raise ValueError(
                f"{name}.predict_recursive feeds one predicted value back per step; this net was fitted with "
                f"loss='quantile' (quantiles {self.quantiles_.tolist()}), and feeding back one of its quantiles "
                "would not give the quantiles of later steps. Forecast the whole horizon at once instead "
                "(DirectForecaster or Seq2SeqForecaster with this estimator), or refit with another loss."
            )
        self._check_carries_state(f"{name}.predict_recursive")
        cov = self._step_features(step_features, seqs, n_steps, f"{name}.predict_recursive")
        module = self._inference_module()  # float64, as predict: step 1 is predict(X) exactly
        device, dtype = self.device_, torch.float64
        lengths = None if seqs.lengths is None else torch.from_numpy(seqs.lengths)
        with torch.no_grad():
            state = module.encode(torch.as_tensor(seqs.values, dtype=dtype, device=device), lengths)  # [S, T, F]
            first = module.readout(state)  # [S, 1] (or [S, 1, P])
        feed = _feed_values(cov, 1, device)
        return carry_state(module, state, first, n_steps, draw=_first_value, feed=feed)  # [S, n_steps]

    def _check_carries_state(self, caller):
        """Refuse a fitted net that cannot carry its state (see :meth:`can_carry_state`)."""
        if not self.can_carry_state():
            what = (
                f"architecture={self._architecture!r}"
                if self._architecture != "many_to_one"
                else "bidirectional=True"
                if self.net_.module_.bidirectional
                else f"{self.n_outputs_} outputs"
            )
            raise ValueError(
                f"{caller} carries the recurrent state forward in time and feeds back one "
                f"predicted value, so it needs a unidirectional many_to_one net with one output; this one was "
                f"fitted with {what}. Call predict on each new window instead."
            )

    def sample_recursive(self, X, n_steps, n_paths, step_features=None, random_state=None):
        """Draw ``n_paths`` sample paths of ``n_steps`` steps ahead of each sequence (a distribution head).

        The net reads each sequence once; its state is then repeated once per path and every path carries its
        own state: at each step one value is drawn per path from the step's predicted distribution and fed
        back as the next input (feature 0, followed by ``step_features``, as in :meth:`predict_recursive`).
        All paths of all sequences advance together, in one batch of ``n_samples * n_paths`` rows (row
        ``i * n_paths + p`` is path ``p`` of sequence ``i``). A path is thus a draw from the joint distribution
        of the steps that the net defines, which the marginals of a direct forecast are not.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
            Sequences, in the layout used at fit; feature 0 holds the past values of the target.
        n_steps : int
            Number of steps per path, >= 1.
        n_paths : int
            Number of paths per sequence, >= 1.
        step_features : array-like or None, default=None
            As in :meth:`predict_recursive` (the same for every path of a sequence).
        random_state : None, int or numpy.random.Generator, default=None
            The generator of the draws (``numpy.random.default_rng(random_state)``; a Generator is used, and
            advanced, as it is). Torch's process-wide generators are never drawn from. At each step the draws
            of the whole batch are made at once, in row order, by the loss's ``sample``
            (:class:`~seqforecast.estimators.losses.GaussianNLL`: ``loc + scale * rng.standard_normal(rows)``).

        Returns
        -------
        paths : ndarray of float64 of shape (n_samples, n_paths, n_steps)
            In the units the net was trained in. With ``loss="negative_binomial"``, non-negative integers.

        Raises
        ------
        ValueError
            The net has no distribution head, or cannot carry its state (see :meth:`can_carry_state`).
        """
        name = type(self).__name__
        caller = f"{name}.sample_recursive"
        n_steps, n_paths = check_int(n_steps, "n_steps", caller), check_int(n_paths, "n_paths", caller)
        seqs = self._check_predict_input(X, name)
        loss = self._distribution_loss(caller)
        self._check_carries_state(caller)
        cov = self._step_features(step_features, seqs, n_steps, caller)
        rng = np.random.default_rng(random_state)  # a Generator is returned as it is
        module = self._inference_module()  # float64, as predict
        device, dtype = self.device_, torch.float64
        lengths = None if seqs.lengths is None else torch.from_numpy(seqs.lengths)
        with torch.no_grad():
            state = module.encode(torch.as_tensor(seqs.values, dtype=dtype, device=device), lengths)  # [S, T, F]
            first = module.readout(state).repeat_interleave(n_paths, dim=0)  # [S, 1, P] -> [S*N, 1, P]
        state = repeat_rows(state, n_paths)  # [L, S, H] -> [L, S*N, H] (each of h, c for the LSTM)

        def draw(params, rng):
            return loss.sample(params[:, 0].cpu().numpy(), rng)  # [S*N, 1, P] -> [S*N, P] -> [S*N]

        feed = _feed_values(cov, n_paths, device)
        out = carry_state(module, state, first, n_steps, draw=draw, feed=feed, rng=rng)  # [S*N, n_steps]
        return out.reshape(seqs.n_samples, n_paths, n_steps)  # [S*N, n_steps] -> [S, N, n_steps]

    def _step_features(self, step_features, seqs, n_steps, name):
        """``step_features`` as a float64 array of shape (n_samples, n_steps - 1, n_features - 1), or None."""
        n_extra, n_later = self.n_features_per_step_ - 1, n_steps - 1
        if step_features is None:
            if n_extra and n_later:
                raise ValueError(
                    f"{name}: the sequences have {self.n_features_per_step_} features per step, so each of the "
                    f"{n_later} further step(s) needs its features 1..{n_extra} (feature 0 is the fed-back "
                    f"prediction); pass step_features of shape ({n_later}, {n_extra})."
                )
            return None
        values = as_numeric_array(step_features, what="step_features", name=name, dtype=np.float64)
        shapes = [(n_later, n_extra), (seqs.n_samples, n_later, n_extra)]
        if values.shape not in shapes:
            raise ValueError(
                f"{name} expects step_features of shape {shapes[0]} (the same for every sequence) or "
                f"{shapes[1]} (per sequence): one row per step after the first and one column per feature "
                f"after feature 0; got shape {values.shape}."
            )
        check_finite(values, what="step_features", name=name)
        # [n_steps - 1, F - 1] or [S, n_steps - 1, F - 1] -> [S, n_steps - 1, F - 1]
        return np.array(np.broadcast_to(values, (seqs.n_samples, n_later, n_extra)))


def _first_value(out, rng=None):
    """The value a recursion feeds back from a head's output at one step: ``[S, 1] -> [S]``, or the mean of a
    distribution head, ``[S, 1, P] -> [S]`` (as a float64 ndarray; ``rng`` is not used)."""
    return (out[:, 0] if out.dim() == 2 else out[:, 0, 0]).cpu().numpy()


def _feed_values(cov, n_repeats, device):
    """The ``feed`` of :func:`~seqforecast.estimators._generation.carry_state` for a regressor: the values of
    step ``k - 1`` as feature 0 of step ``k``, followed by the step's features ``cov[:, k - 1]`` (the same for
    the ``n_repeats`` rows of each sequence) when there are any."""

    def feed(values, k):
        step_input = torch.as_tensor(values, dtype=torch.float64, device=device)[:, None]  # [R] -> [R, 1]
        if cov is None:
            return step_input
        step_cov = torch.as_tensor(cov[:, k - 1], dtype=torch.float64, device=device)  # [S, F - 1]
        step_cov = step_cov.repeat_interleave(n_repeats, dim=0)  # [S, F - 1] -> [R, F - 1]
        return torch.cat([step_input, step_cov], dim=1)  # [R, 1] + [R, F - 1] -> [R, F]

    return feed
