"""The ``"auto"`` settings of :class:`~seqforecast.RNNClassifier`, resolved from the size of the training data.

What the classification benchmark (``benchmarks/classification.py``) learned by cross-validation on the
training splits of the four bundled UCR/UEA sets, fixed here so that ``RNNClassifier(random_state=0)`` gets it:

* architecture: LSTM-FCN (Karim et al., 2018) on real-valued inputs: a convolutional branch of
  :data:`AUTO_CONV_CHANNELS` channels beside the recurrence, whose last state is the recurrent summary
  (``pooling="last"``, the default: the best mean cross-validated accuracy over the four sets, ahead of
  attention pooling with or without the branch); token ids and ``many_to_many`` get no branch (as before);
* training length: a budget of :data:`AUTO_OPTIMIZER_STEPS` optimizer steps,
  ``max_epochs = ceil(steps / batches per epoch)``, so small and large training sets get the same number of
  updates, with a cosine learning-rate schedule from ``lr`` to 0 over those steps;
* batch size from the number of training sequences (:func:`auto_batch_size`);
* long sequences: the recurrence reads at most :data:`AUTO_MAX_STEPS` steps and the convolutional branch at
  most twice that, longer sequences being averaged in chunks first (:func:`~seqforecast.nets.layers.chunk_means`),
  so a 1,460-step sequence costs the recurrence 244 sequential steps. Averaging is a low-pass filter: it
  erases the shape of a signal whose period is a few steps (the 5-step mains cycle of the PLAID appliance
  currents); set ``max_steps=None`` to read every step of such data (on PLAID's training split, with
  ``scaling="series"``, ``max_steps=512`` did not help: 0.777 against 0.793 on the first of 3 folds);
* scaling (``scaling="auto"``): per-feature standardisation with the moments of all training steps
  (``"standard"``), unless the training sequences' amplitudes differ by orders of magnitude
  (:func:`amplitude_spread` above :data:`AUTO_SERIES_SPREAD`): then each sequence is standardised by its own
  moments (``"series"``). One global scale cannot suit amplitudes that far apart: the quiet sequences enter
  the net as near-flat lines at a hundredth or less of the loud ones' scale, and the net cannot even fit its
  training data (the PLAID appliance currents, whose per-sequence standard deviations have an interquartile
  ratio of about 800: training loss 1.70 and 0.34 training accuracy after 1,000 steps; with ``"series"``,
  0.89 training accuracy and 0.806 mean 3-fold cross-validated accuracy on the training split (0.790 with
  the scaling inside the net, as implemented), against 0.318 on its first fold with ``"standard"``). Where amplitude is information and differs less
  (BasicMotions, interquartile ratio 9.9), per-sequence scaling throws it away (5-fold cross-validated
  accuracy on the training split 0.825 against 1.0), hence the threshold; the UCR univariate sets come
  z-normalised per sequence (ratio 1) and are not affected. A longer training did not help PLAID
  consistently (3-fold cross-validated accuracy with ``"series"``: 0.806 at 1,000 steps, 0.836 at 2,000,
  0.814 and 0.808 with at least 60 and 100 epochs), so the budget stays 1,000 steps.

* an ensemble (``ensemble_size="auto"``): :data:`AUTO_ENSEMBLE_SIZE` nets of these settings trained side by
  side, their class probabilities averaged (:class:`~seqforecast.nets.NetEnsemble`). One net's accuracy
  varies much with its seed on small training sets (ArrowHead's test accuracy 0.583 to 0.754 over seeds 0-2);
  averaging trades that variance for three times the fit time. Chosen by cross-validation on the training
  splits only (``benchmarks/classification_ensemble_dev.py``, seeds 0-2, the mean probabilities of the three
  single nets): a mean accuracy at or above the single nets' on all eight sets (OSULeaf 0.795 against 0.733,
  ArrowHead 0.775 against 0.758, PLAID 0.810 against 0.796; BasicMotions 1.0 both; see
  ``benchmarks/results/classification_ensemble_dev.md``). The same holds for token ids: on the sentiment
  sentences (``benchmarks/text_ensemble_dev.py``, on 80/20 splits of text_classification.py's outer training
  parts), a bidirectional LSTM's mean accuracy went from 0.755 (one net) to 0.782, 0.791 and 0.811 with 3, 5
  and 10 nets, a GRU's from 0.760 to 0.805 with 5; a pipeline that sets only ``embedding_dim=128`` from 0.765
  to 0.784 with this default. On token data it was not chosen on (SAX words of GunPoint and ItalyPowerDemand,
  ``benchmarks/token_ensemble_check.py``, official test splits, seeds 0-2) three nets scored 0.884 and 0.820
  against one net's 0.862 and 0.816. ``many_to_many`` keeps one net (its outputs are per step).

The estimator uses :func:`amplitude_spread` and :func:`resolve_classifier_settings`; the constants document the
choices.
"""

from __future__ import annotations

import math

import numpy as np

from ._training import tail_split

#: Optimizer steps of an ``"auto"`` training (``max_epochs="auto"``).
AUTO_OPTIMIZER_STEPS = 1000
#: Channels of the convolutional branch of ``conv_channels="auto"`` (half LSTM-FCN's (128, 256, 128): trains
#: on a CPU in minutes).
AUTO_CONV_CHANNELS = (64, 128, 64)
#: ``max_steps="auto"``: the most steps the recurrence reads (the convolutional branch reads twice as many).
AUTO_MAX_STEPS = 256
#: ``ensemble_size="auto"``: the nets whose class probabilities are averaged, with ``many_to_one`` (1 for
#: ``many_to_many``).
AUTO_ENSEMBLE_SIZE = 3
#: ``scaling="auto"`` standardises each sequence by its own moments when :func:`amplitude_spread` exceeds
#: this (two orders of magnitude between the quieter and the louder quarter of the training sequences).
AUTO_SERIES_SPREAD = 100.0


def amplitude_spread(values, lengths=None):
    """How far apart the training sequences' amplitudes are: per feature, the ratio of the 75th to the 25th
    percentile of the per-sequence standard deviations (over real steps), the largest over the features.

    1 when every sequence has the same amplitude (z-normalised data); infinite when at least a quarter of the
    sequences are constant but not all of them are.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_features)
        Real-valued sequences, padded past ``lengths``.
    lengths : ndarray of shape (n_samples,) or None, default=None
        Real length of each sequence (None: all ``n_timesteps``).

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([1.0, -1.0])[None, :, None] * np.array([1.0, 2.0, 3.0, 400.0, 500.0])[:, None, None]
    >>> float(amplitude_spread(X))  # stds 1, 2, 3, 400, 500: 400 / 2
    200.0
    """
    values = np.asarray(values, dtype=np.float64)
    real = np.ones(values.shape[:2]) if lengths is None else np.arange(values.shape[1]) < np.asarray(lengths)[:, None]
    real = real[..., None]  # [n, T] -> [n, T, 1]
    count = np.maximum(real.sum(axis=1), 1)  # [n, 1]
    mean = (values * real).sum(axis=1) / count  # [n, T, F] -> [n, F]
    std = np.sqrt((((values - mean[:, None]) * real) ** 2).sum(axis=1) / count)  # [n, F]
    low, high = np.quantile(std, 0.25, axis=0), np.quantile(std, 0.75, axis=0)  # [F], [F]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(low > 0, high / np.where(low > 0, low, 1.0), np.where(high > 0, np.inf, 1.0))  # [F]
    return float(ratio.max())


def auto_batch_size(n_samples):
    """``batch_size="auto"``: 16 up to 1,000 training sequences, 32 up to 10,000, 64 beyond.

    Small batches give small training sets (the UCR sets have tens to hundreds of sequences) enough
    distinct updates; larger sets take larger batches so that an epoch stays cheap.

    Examples
    --------
    >>> [auto_batch_size(n) for n in (40, 1000, 1001, 10000, 10001)]
    [16, 16, 32, 32, 64]
    """
    return 16 if n_samples <= 1_000 else 32 if n_samples <= 10_000 else 64


def resolve_classifier_settings(est, *, n_samples, n_timesteps, tokens, spread=1.0):
    """The settings of one fit of classifier ``est``, its ``"auto"`` values resolved, as a dict of plain values.

    Parameters
    ----------
    est : RNNClassifier
        Its parameters (already validated).
    n_samples : int
        Training sequences (before any validation split).
    n_timesteps : int
        The longest training sequence.
    tokens : bool
        Whether ``X`` holds token ids (``embedding_dim`` set).
    spread : float, default=1.0
        :func:`amplitude_spread` of the training sequences (read only when ``scaling="auto"``).

    Returns
    -------
    dict
        ``conv_channels`` (tuple or None), ``rnn_stride``, ``conv_stride`` (chunk sizes of the
        shortening front, 1: none), ``batch_size``, ``max_epochs``, ``lr_schedule`` (``"cosine"`` or
        ``"constant"``), ``optimizer_steps`` (the steps the training makes: batches per epoch times
        ``max_epochs``), ``scaling`` (``"standard"``, ``"series"`` or None: how the net scales its inputs),
        ``ensemble_size`` (the nets averaged), and ``auto``, the names of the parameters that were ``"auto"``.
    """
    summarised = est.architecture == "many_to_one"
    real_valued = summarised and not tokens
    auto = [
        name
        for name in (
            "conv_channels",
            "max_steps",
            "batch_size",
            "max_epochs",
            "lr_schedule",
            "scaling",
            "ensemble_size",
        )
        if isinstance(getattr(est, name), str) and getattr(est, name) == "auto"
    ]
    channels = est.conv_channels
    if channels == "auto":
        channels = AUTO_CONV_CHANNELS if real_valued else None
    channels = None if channels is None else tuple(int(c) for c in channels)
    max_steps = est.max_steps
    if max_steps == "auto":
        max_steps = AUTO_MAX_STEPS if real_valued else None
    rnn_stride = conv_stride = 1
    if max_steps is not None:
        rnn_stride = max(1, math.ceil(n_timesteps / max_steps))
        conv_stride = max(1, math.ceil(n_timesteps / (2 * max_steps)))
    batch_size = auto_batch_size(n_samples) if est.batch_size == "auto" else int(est.batch_size)
    n_train = n_samples if est.patience is None else len(tail_split(n_samples, est.validation_fraction)[0])
    per_epoch = math.ceil((est.samples_per_epoch or n_train) / batch_size)
    max_epochs = est.max_epochs
    if max_epochs == "auto":
        max_epochs = max(1, math.ceil(AUTO_OPTIMIZER_STEPS / per_epoch))
    lr_schedule = est.lr_schedule
    if lr_schedule == "auto":
        lr_schedule = "cosine" if est.max_epochs == "auto" else "constant"
    scaling = est.scaling
    if scaling == "auto":
        scaling = "series" if real_valued and spread > AUTO_SERIES_SPREAD else "standard"
    if tokens:
        scaling = None  # token ids are never scaled
    ensemble_size = est.ensemble_size
    if ensemble_size == "auto":
        ensemble_size = AUTO_ENSEMBLE_SIZE if summarised else 1
    return {
        "conv_channels": channels,
        "rnn_stride": rnn_stride,
        "conv_stride": conv_stride,
        "batch_size": batch_size,
        "max_epochs": int(max_epochs),
        "lr_schedule": lr_schedule,
        "optimizer_steps": per_epoch * int(max_epochs),
        "scaling": scaling,
        "ensemble_size": int(ensemble_size),
        "auto": tuple(auto),
    }
