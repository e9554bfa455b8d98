"""The docstrings of :class:`~seqforecast.RNNRegressor` and :class:`~seqforecast.RNNClassifier`.

Kept apart so that the estimators' modules hold code: :func:`estimator_doc` fills the shared templates with
each estimator's own parts.
"""

_PARAMS_DOC = """
    cell : {{"lstm", "gru", "rnn"}}, default="lstm"
        Recurrent cell; ``"rnn"`` is the vanilla (Elman) cell.
    hidden_size : int, default=32
        Size of the hidden state.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    nonlinearity : {{"tanh", "relu"}}, default="tanh"
        Non-linearity of the vanilla cell; LSTM and GRU accept only ``"tanh"`` (their gates are fixed).
    bidirectional : bool, default=False
        Also read each sequence backwards (not with ``architecture="seq2seq"``).
    dropout : float in [0, 1), default=0.0
        Dropout between stacked layers and on the recurrent output fed to the head.
    architecture : {architectures}, default="many_to_one"
        {architecture_doc}
    max_epochs : int, default=100
        Number of passes over the training data (fewer with early stopping).
    batch_size : int, default=32
        Mini-batch size for training and prediction.
    samples_per_epoch : int or None, default=None
        None: an epoch is one pass over every training sample, in a random order. An int: an epoch is that
        many samples drawn at random (with replacement, from the fit's seeded generator), so its cost does not
        grow with the data, and the validation tail (with ``patience``) is thinned to at most
        ``ceil(samples_per_epoch * validation_fraction)`` evenly spaced samples, the same at every epoch.
    tbptt_steps : int or None, default=None
        Truncated backpropagation through time, for long sequences (``architecture="many_to_many"`` only,
        unidirectional, without ``accelerator``). None backpropagates through whole sequences. An int ``k``
        cuts each batch of sequences into consecutive chunks of ``k`` steps (the last may be shorter); the
        recurrent state starts at zero for the batch and is carried from chunk to chunk, detached between them,
        so gradients flow within a chunk only and the memory of training grows with ``k``, not with the
        sequence length. Each chunk's loss (the mean over its steps) is backpropagated, clipped
        (``gradient_clip``) and followed by one optimizer step: ``ceil(n_timesteps / k)`` steps per batch.
        A batch's ``train_loss`` is the mean of its chunks' losses weighted by their steps; validation (with
        ``patience``) and prediction run whole sequences. ``k >= n_timesteps`` trains exactly as None does.
    lr : float, default=1e-3
        Learning rate.
    optimizer : {{"adam", "adamw", "sgd", "rmsprop"}} or torch.optim.Optimizer subclass, default="adam"
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    gradient_clip : float or None, default=1.0
        Maximal L2 norm of all gradients (skorch ``GradientNormClipping``); None disables clipping.
    patience : int or None, default=None
        Stop when the validation loss has not improved for ``patience`` epochs and restore the best
        weights. None trains for ``max_epochs`` on all the data, with no validation split.
    validation_fraction : float in (0, 1), default=0.1
        Share of samples held out for early stopping: the *last* rows of ``X`` (the most recent windows),
        never shuffled. Used only when ``patience`` is set.
    device : str, default="cpu"
        Torch device: ``"cpu"``, ``"cuda"``, ``"cuda:1"``... or ``"auto"`` (CUDA when available).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout, so two CPU fits with the same int are
        bit-identical, whether they run one after another or at the same time in threads, and the global
        torch RNG is left as it was. None draws the seed from the global torch RNG (advancing it, as any
        torch code does, without reseeding it: a user's ``torch.manual_seed`` makes unseeded fits
        repeatable). numpy's global RNG is never used. See the notes on threads.
    verbose : int, default=0
        0 prints nothing; 1 prints a table with one line per epoch (skorch ``PrintLog``); 2 also shows a
        tqdm progress bar over the batches of each epoch.
    callbacks : list of skorch callbacks or (name, callback) tuples, or None, default=None
        Extra skorch callbacks, cloned at every fit.
    on_interrupt : {{"raise", "keep_best"}}, default="raise"
        What a ``KeyboardInterrupt`` (Ctrl+C) during training does. ``"raise"``: re-raise it; the estimator
        keeps its previous fitted state (nothing half-fitted). ``"keep_best"``: stop and return normally
        with the weights of the epoch with the lowest validation loss (with ``patience``), else of the last
        completed epoch, and ``interrupted_=True``; an interrupt before the first epoch ends is re-raised.
    accelerator : accelerate.Accelerator or None, default=None
        Train data-parallel through Hugging Face Accelerate (skorch's ``AccelerateMixin``): run the same script
        in several processes (``torchrun --nproc_per_node 2 script.py``, or ``accelerate launch``), each calling
        ``fit`` on the same data; each process computes the gradients of its share of every batch and all end
        with the same weights. With several processes, create it as ``Accelerator(dataloader_config=
        DataLoaderConfiguration(split_batches=True))`` (``batch_size`` is then the batch of the whole run, a
        multiple of the number of processes); it places the tensors (``device`` is not used). One process
        gives the weights of a fit without it. The fitted net keeps no reference to it, and a model file
        leaves it out (a loaded model has ``accelerator=None``). Needs ``pip install accelerate``.{extra}
"""

_ATTRS_DOC = """
    net_ : skorch.NeuralNet
        The fitted skorch net; ``net_.module_`` is the torch module ({modules}).
    n_features_in_ : int
        Number of time steps of ``X`` (``X.shape[1]``), which is what scikit-learn counts as features of
        a 2-D ``X``; a 3-D ``X`` follows the same rule. Not set after a fit on sequences of different lengths.
    feature_names_in_ : ndarray of str
        Column names of a DataFrame ``X`` (one column per time step). Set only for such input.
    n_timesteps_ : int or None
        Sequence length seen at fit; None after a fit on a list of sequences of different lengths.
    n_features_per_step_ : int
        Number of features per time step (``X.shape[2]``; 1 for a 2-D ``X`` or token ids).
    n_outputs_ : int
        Outputs of the net's head: {n_outputs}.
    history_ : list of dict
        One dict per epoch: ``epoch`` (from 1), ``train_loss``, ``valid_loss`` (with ``patience``),
        ``dur`` (seconds){history_extra}.
    device_ : str
        Torch device the net was trained on (``device`` resolved).
    interrupted_ : bool
        True when training was interrupted and ``on_interrupt="keep_best"`` kept the best weights so far;
        ``history_`` then lists the completed epochs only.{attrs_extra}
"""

_NOTES_DOC = """
    Sequence lengths at predict: after a fit on arrays, ``predict`` requires the fitted number of time
    steps (scikit-learn's ``n_features_in_`` contract; a recurrent net could read other lengths, but
    extrapolating in length silently is a modelling decision we leave to the user). Fit on a list of
    sequences of different lengths (variable length, ``architecture="many_to_one"`` only) to predict on
    any length. A list whose sequences all have the same length is read exactly as the stacked array
    (``X.tolist()`` behaves like ``X``). The number of features per step must always match.

    Fit builds everything in local variables and assigns the fitted attributes only at the end, so a
    failed fit (bad input, :class:`~seqforecast.exceptions.TrainingDivergedError`, an interrupt with
    ``on_interrupt="raise"``) leaves a previously fitted estimator as it was.

    Predictions are computed in float64 on a copy of the fitted (float32) net, in inference mode: a row's
    prediction does not depend on the other rows predicted with it (float32 products sum in another order
    for another number of rows, moving predictions by about 1e-7), and several threads may call
    ``predict`` on one fitted estimator.

    Threads. torch's random generators are process-wide, so the estimators take one process-wide lock
    wherever they use them: drawing an unseeded fit's seed, initialising the weights (in a forked generator
    seeded with the fit's seed), and the whole training when it draws from them (``dropout > 0``,
    ``teacher_forcing`` below 1 with ``seq2seq``, ``callbacks``, an ``optimizer`` class, a GPU). Seeded fits
    in threads (joblib's threading backend, scikit-learn's ``n_jobs``) therefore give the numbers of a
    sequential fit. Such trainings run one at a time; the others (the default settings) shuffle with a
    generator of their own and train in parallel. Code outside seqforecast that draws from torch's global
    generator while a training with dropout runs in another thread changes that training: seed it, or use
    processes (joblib's default ``loky`` backend).

    Fitted estimators pickle (and work with joblib), but unpickle only files you trust: unpickling runs
    code chosen by whoever wrote the file. :func:`seqforecast.save` / :func:`seqforecast.load` write and
    read model files that load without unpickling.
"""


REGRESSOR_ARCHITECTURES = """\
``"many_to_one"``: a head on the last step, ``y`` of shape (n_samples,) or (n_samples, n_targets).
        ``"many_to_many"``: a prediction per step, ``y`` of shape (n_samples, n_timesteps) or
        (n_samples, n_timesteps, n_targets). ``"seq2seq"``: :class:`~seqforecast.nets.Seq2SeqNet`, ``y``
        of shape (n_samples, horizon); the target's past values must be feature 0 of ``X``."""

REGRESSOR_PARAMS = """
    teacher_forcing : float in [0, 1], default=0.5
        seq2seq only: probability of feeding the decoder the true previous value in training.
    teacher_forcing_decay : float in [0, 1], default=1.0
        seq2seq only: the ratio at (0-based) epoch e is ``teacher_forcing * teacher_forcing_decay ** e``
        (scheduled sampling).
    attention : {"dot", "additive"} or None, default=None
        seq2seq only (any other architecture refuses it): each decoder step attends over the encoder's
        outputs at every input step, and the head reads the attention's context combined with the decoder's
        output (Luong et al., 2015; :class:`~seqforecast.nets.Seq2SeqNet`). ``"dot"``: Luong's dot-product
        score, scaled by ``1 / sqrt(hidden_size)``; ``"additive"``: Bahdanau et al.'s (2015) score. None:
        no attention. :meth:`attention_weights` returns the weights of a forecast.
    loss : {"squared_error", "absolute_error", "huber", "quantile", "gaussian", "student_t", \
"negative_binomial"}, default="squared_error"
        The training loss, averaged over every predicted value: squared error (the mean is the
        best constant), absolute error (the median; less pulled by a few large targets),
        Huber's (squared within 1.0 of the target, absolute beyond; ``torch.nn.HuberLoss``), the
        quantile (pinball) loss of ``quantiles``, averaged over the outputs and the levels
        (:class:`~seqforecast.estimators.losses.PinballLoss`), which trains a quantile head, or the
        negative log-likelihood of a distribution, which trains a distribution head (``many_to_one``
        only; ``"negative_binomial"`` for counts, y >= 0; see the notes). Set it by the error you will be
        scored on: on M4 Hourly absolute error gave a lower sMAPE and MASE
        (``benchmarks/results/m4_Hourly.md``).
    quantiles : sequence of float or None, default=None
        ``loss="quantile"`` only (the other losses ignore it): the levels the net learns, strictly
        increasing in (0, 1); None means (0.1, 0.5, 0.9). It sits in the constructor because the head
        is sized by it: one output per level. Include 0.5, the point prediction; to get central
        intervals of coverage ``c``, include ``(1 - c) / 2`` and ``(1 + c) / 2``."""

REGRESSOR_ATTRS = """
    quantiles_ : ndarray of shape (n_quantiles,) or None
        The levels of the quantile head (``loss="quantile"``), None for the other losses.
    distribution_ : {"gaussian", "student_t", "negative_binomial"} or None
        The distribution of the distribution head (a likelihood loss), None for the other losses."""

REGRESSOR_NOTES = """
    Predictions are float64 and have the shape of the fitted ``y`` (1-D when ``y`` was 1-D).

    Quantile head (``loss="quantile"``, ``many_to_one`` or ``seq2seq``). For each output (a target, or
    a step of the horizon) the head emits one value per level; the value of the median level ``m`` (the
    level closest to 0.5, the lower of two equally close) is the point prediction, and each other level
    lies one positive gap (a softplus of its output) beyond its neighbour towards the median::

        q[m] = head[m];   q[k] = q[k - 1] + softplus(head[k]) above m;   q[k] = q[k + 1] - softplus(head[k]) below

    so the quantiles never cross, for any weights and input, without sorting. :meth:`predict` returns
    the median, :meth:`predict_quantiles` every level; a seq2seq decoder is fed back the median.
    ``many_to_many`` and :meth:`predict_recursive` refuse a quantile head.

    Distribution head (``loss="gaussian"``, ``"student_t"`` or ``"negative_binomial"``, ``many_to_one``). For
    each output the head emits the distribution's parameters, constrained by
    :func:`~seqforecast.nets.layers.distribution_parameters` (scales by a softplus plus 1e-4, the Student-t's
    degrees of freedom ``2 + softplus``, the negative binomial's mean and dispersion by a softplus plus
    1e-4), and trains on the mean negative log-likelihood of the targets
    (:mod:`seqforecast.estimators.losses`, through ``torch.distributions``). :meth:`predict` returns the
    mean (the Student-t's location), :meth:`predict_distribution` every parameter;
    :meth:`predict_recursive` feeds back the mean and :meth:`sample_recursive` draws sample paths, each
    carrying its own recurrent state.
"""

CLASSIFIER_ARCHITECTURES = """\
``"many_to_one"``: one label per sequence, ``y`` of shape (n_samples,).
        ``"many_to_many"``: one label per step, ``y`` of shape (n_samples, n_timesteps); on a list of
        sequences of different lengths, ``y`` is a list of label sequences (``y[i]`` as long as ``X[i]``), the
        padded steps are left out of the loss, and ``predict`` / ``predict_proba`` return one array per
        sequence."""

CLASSIFIER_PARAMS = """
    class_weight : "balanced", dict or None, default=None
        Weights of the classes in the cross-entropy: ``"balanced"`` (``n_samples / (n_classes *
        count)``, counting every label of ``many_to_many``), or a dict from labels of ``y`` to finite
        weights >= 0, not all 0 (a class left out gets weight 1).
    embedding_dim : int or None, default=None
        When set, ``X`` holds integer token ids of shape (n_samples, n_timesteps) (or a list of
        1-D id sequences), looked up in an embedding of ``max id + 1`` rows; ids unseen at fit raise at predict.
        The table may hold at most ``2**28`` weights (``(max id + 1) * embedding_dim``, 1 GiB): map sparse
        ids to ``0..n_distinct - 1`` first.
    pooling : {"last", "mean", "attention"}, default="last"
        How the recurrent outputs of a sequence are summarised for the head (``many_to_one``):
        ``"last"`` the final states; ``"mean"`` their average over the real steps; ``"attention"``
        a learned softmax-weighted average over the real steps (padding gets weight 0).
    conv_channels : tuple of int, "auto" or None, default="auto"
        When set, a convolutional branch beside the recurrent one (``many_to_one``): one
        Conv1d-BatchNorm-ReLU block per entry, kernel sizes 8, 5, 3 (then 3), global average pooling
        over the real steps, concatenated with the recurrent summary before the head. ``(128, 256, 128)``
        with ``pooling="last"`` is LSTM-FCN (Karim et al., 2018). See :class:`~seqforecast.nets.RecurrentNet`.
        ``"auto"``: ``(64, 128, 64)`` on real-valued inputs with ``many_to_one``, None for token ids and
        ``many_to_many``.
    lr_schedule : {"auto", "cosine", "constant"}, default="auto"
        ``"cosine"``: the learning rate falls from ``lr`` to 0 along a half cosine over the training's optimizer
        steps (updated at every batch); ``"constant"``: ``lr`` throughout. ``"auto"``: cosine when
        ``max_epochs="auto"``, constant when ``max_epochs`` is an int.
    max_steps : int, "auto" or None, default="auto"
        The most time steps the recurrence reads: a longer training sequence (``T`` steps) is averaged in
        chunks of ``s = ceil(T / max_steps)`` steps first, at fit and at predict, and the convolutional branch
        reads chunks of ``ceil(T / (2 * max_steps))`` steps, so a long sequence costs ``T / s`` sequential
        recurrent steps. Averaging erases the shape of signals whose period is a few steps. None reads every
        step. ``"auto"``: 256 with ``many_to_one``, None for
        ``many_to_many`` (which labels every step; an int is refused there).
    scaling : {"auto", "standard", "series"} or None, default="auto"
        ``"standard"``: real-valued inputs are standardised per feature, inside the net, with the mean and
        standard deviation of every real training step. ``"series"``: each sequence is standardised per
        feature by the mean and standard deviation of its own real steps, inside the net, at fit and at
        predict: the net reads shapes, not levels or amplitudes (``many_to_one`` only). ``"auto"``:
        ``"series"`` with ``many_to_one`` when the training sequences' amplitudes differ by orders of
        magnitude (for some feature, the 75th percentile of their standard deviations over 100 times the
        25th: one global scale would leave the quiet sequences near-flat), else ``"standard"``. Token ids
        are never scaled; None feeds ``X`` as it is.
    ensemble_size : int or "auto", default="auto"
        The number of nets trained side by side (``many_to_one``), each from its own initial weights, on the
        same batches, each with its own loss (:class:`~seqforecast.nets.NetEnsemble`): ``predict_proba``
        is the mean of their class probabilities. It costs that many times the time and memory of one net,
        and lowers the variance of the result over seeds. ``history_``'s ``train_loss`` is the mean of the
        members' losses, ``valid_loss`` (with ``patience``) the loss of the averaged probabilities.
        ``"auto"``: 3 with ``many_to_one`` (real values or token ids), 1 with ``many_to_many`` (where an int
        above 1 is refused)."""

CLASSIFIER_NOTES = """
    Defaults. With nothing set, the classifier is the LSTM-FCN that won the package's classification
    benchmark by cross-validation on the training splits (``benchmarks/classification.py``): an LSTM of 64
    units with dropout 0.2 beside a (64, 128, 64) convolutional branch, three such nets averaged
    (``ensemble_size="auto"``), inputs standardised (each sequence by
    its own moments when their amplitudes differ by orders of magnitude, ``scaling="auto"``), sequences
    longer than 256 steps averaged in chunks before the recurrence (``max_steps``), trained with Adam for
    about 1,000 optimizer steps (``max_epochs="auto"``) in batches of 16 up to 1,000 sequences
    (``batch_size="auto"``) under a cosine learning-rate schedule, without early stopping (small training
    sets cannot spare a validation split; set ``patience`` for one). An explicit ``max_epochs`` trains for
    exactly that many epochs at a constant ``lr`` (unless ``lr_schedule="cosine"``). The values resolved at
    fit are in ``config_`` (and printed with ``verbose``). With its default ``dropout=0.2`` the training draws
    from torch's global generator, so default fits in several threads run one at a time (see the notes on
    threads above); ``dropout=0.0`` lets them run in parallel.
"""

#: The shared parameters whose entry differs for the classifier (its defaults).
CLASSIFIER_DEFAULTS = {
    "hidden_size": """    hidden_size : int, default=64
        Size of the hidden state.""",
    "dropout": """    dropout : float in [0, 1), default=0.2
        Dropout between stacked layers and on the recurrent output fed to the head.""",
    "max_epochs": """    max_epochs : int or "auto", default="auto"
        Number of passes over the training data (fewer with early stopping). ``"auto"``: enough for about
        1,000 optimizer steps, ``ceil(1000 / batches per epoch)`` (at least 1).""",
    "batch_size": """    batch_size : int or "auto", default="auto"
        Mini-batch size for training and prediction. ``"auto"``: 16 up to 1,000 training sequences, 32 up to
        10,000, 64 beyond.""",
}

CLASSIFIER_ATTRS = """
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted.
    n_classes_ : int
    num_embeddings_ : int or None
        Rows of the token embedding (max id + 1 at fit); None without embedding.
    config_ : dict
        The settings of the fit, ``"auto"`` values resolved: ``conv_channels``, ``rnn_stride`` and
        ``conv_stride`` (chunk sizes from ``max_steps``; 1 reads every step), ``batch_size``, ``max_epochs``,
        ``lr_schedule``, ``optimizer_steps`` (batches per epoch times ``max_epochs``), ``scaling``,
        ``ensemble_size`` and ``auto`` (the parameters that were ``"auto"``)."""


def _replace_entries(doc, entries):
    """``doc`` with the entry of each parameter named in ``entries`` (its ``name : ...`` line and the indented
    lines under it) replaced by ``entries[name]``."""
    lines, out, skipping = doc.split("\n"), [], False
    for line in lines:
        head = line[4:].split(" : ")[0] if line.startswith("    ") and not line.startswith("     ") else None
        if head is not None:
            skipping = head in entries
            if skipping:
                out.append(entries[head])
                continue
        if not skipping:
            out.append(line)
    return "\n".join(out)


def estimator_doc(
    summary,
    *,
    architectures,
    architecture_doc,
    params,
    modules,
    n_outputs,
    history_extra="",
    attrs="",
    notes="",
    defaults=None,
):
    """The class docstring of a sequence estimator: ``summary``, then its parameters (the shared ones, then
    ``params``; ``defaults`` maps a shared parameter to the entry that replaces it), its attributes (the shared
    ones, then ``attrs``) and the notes (the shared ones, then ``notes``)."""
    shared = _PARAMS_DOC.format(architectures=architectures, architecture_doc=architecture_doc, extra=params)
    return (
        f"{summary}\n\n    Parameters\n    ----------"
        + _replace_entries(shared, defaults or {})
        + "\n    Attributes\n    ----------"
        + _ATTRS_DOC.format(modules=modules, n_outputs=n_outputs, history_extra=history_extra, attrs_extra=attrs)
        + "\n    Notes\n    -----"
        + _NOTES_DOC
        + notes
    )
