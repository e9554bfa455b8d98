"""Tests of RNNRegressor and RNNClassifier: sklearn tooling, reproducibility, inputs, errors, robustness."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback

from seqforecast.estimators import RNNClassifier, RNNRegressor, tail_split
from seqforecast.exceptions import TrainingDivergedError
from seqforecast.nets import RecurrentNet, Seq2SeqNet

FAST = dict(hidden_size=4, max_epochs=3, batch_size=16, random_state=0)


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 2))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


def _state(est):
    return {k: v.clone() for k, v in est.net_.module_.state_dict().items()}


def _same_state(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _halve(X):
    return X / 2.0  # a row-preserving step that keeps the 3-D shape


# ---------------------------------------------------------------------------- scikit-learn tooling
def test_grid_search_over_cell_hidden_size_and_lr_in_a_pipeline(data):
    X, y = data
    pipe = make_pipeline(FunctionTransformer(_halve), RNNRegressor(**FAST))
    grid = {
        "rnnregressor__cell": ["gru", "lstm"],
        "rnnregressor__hidden_size": [2, 4],
        "rnnregressor__lr": [1e-3, 1e-2],
    }
    search = GridSearchCV(pipe, grid, cv=2, scoring="neg_mean_absolute_error").fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_[-1]
    assert (best.cell, best.hidden_size, best.lr) == tuple(
        search.best_params_[f"rnnregressor__{k}"] for k in ("cell", "hidden_size", "lr")
    )
    assert search.predict(X).shape == (40,)


def test_pickle_round_trip_gives_identical_predictions(data):
    X, y = data
    for est in (RNNRegressor(**FAST).fit(X, y), RNNClassifier(**FAST).fit(X, y > 0)):
        again = pickle.loads(pickle.dumps(est))
        np.testing.assert_array_equal(again.predict(X), est.predict(X))


def test_same_random_state_gives_bit_identical_fits_and_different_seeds_differ(data):
    X, y = data
    a, b = RNNRegressor(**FAST).fit(X, y), RNNRegressor(**FAST).fit(X, y)
    assert _same_state(_state(a), _state(b))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert [h["train_loss"] for h in a.history_] == [h["train_loss"] for h in b.history_]
    c = RNNRegressor(**{**FAST, "random_state": 1}).fit(X, y)
    assert not np.allclose(c.predict(X), a.predict(X))


def test_seeded_fit_leaves_the_global_torch_rng_untouched(data):
    X, y = data
    before = torch.get_rng_state()
    RNNRegressor(**{**FAST, "dropout": 0.5, "num_layers": 2}).fit(X, y)
    assert torch.equal(torch.get_rng_state(), before)


def test_unseeded_fit_uses_but_never_reseeds_the_global_torch_rng(data):
    X, y = data
    torch.manual_seed(1234)
    before = torch.get_rng_state()
    a = RNNRegressor(**{**FAST, "random_state": None}).fit(X, y)
    assert torch.initial_seed() == 1234  # no manual_seed inside fit
    assert not torch.equal(torch.get_rng_state(), before)  # drawn from, like any torch code
    b = RNNRegressor(**{**FAST, "random_state": None}).fit(X, y)
    assert not np.allclose(a.predict(X), b.predict(X))


def test_clone_keeps_parameters_and_drops_fitted_state(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    copy = clone(est)
    assert copy.get_params() == est.get_params() and not hasattr(copy, "net_")


# ---------------------------------------------------------------------------- early stopping and history
def test_tail_split_holds_out_the_last_rows():
    train, valid = tail_split(10, 0.25)  # ceil(2.5) = 3 rows, taken from the end
    np.testing.assert_array_equal(train, [0, 1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(valid, [7, 8, 9])
    train, valid = tail_split(30, 0.1)  # 0.1 * 30 = 3.0000000000000004 in floating point: still 3 rows
    np.testing.assert_array_equal(valid, [27, 28, 29])
    np.testing.assert_array_equal(tail_split(5, 0.01)[1], [4])  # at least one row


class _RecordValidRows(Callback):
    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        self.train_X_, self.valid_X_ = dataset_train.X.clone(), dataset_valid.X.clone()


def test_early_stopping_validates_on_the_last_rows_of_X(data):
    X, y = data
    est = RNNRegressor(**FAST, patience=2, validation_fraction=0.25, callbacks=[("rows", _RecordValidRows())])
    est.fit(X, y)
    recorder = dict(est.net_.callbacks_)["rows"]
    np.testing.assert_array_equal(recorder.valid_X_.numpy(), X[30:].astype(np.float32))
    np.testing.assert_array_equal(recorder.train_X_.numpy(), X[:30].astype(np.float32))
    assert not hasattr(est.callbacks[0][1], "valid_X_")  # the user's callback is cloned, not mutated


def test_early_stopping_stops_after_patience_epochs_without_improvement(data):
    X, y = data
    est = RNNRegressor(**{**FAST, "max_epochs": 50, "lr": 1e-9}, patience=2).fit(X, y)
    assert [h["epoch"] for h in est.history_] == [1, 2, 3]  # best at epoch 1, then 2 misses
    assert all(set(h) == {"epoch", "train_loss", "valid_loss", "dur"} for h in est.history_)


def test_history_has_one_entry_per_epoch(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    assert [h["epoch"] for h in est.history_] == [1, 2, 3]
    assert all(set(h) == {"epoch", "train_loss", "dur"} for h in est.history_)
    assert all(np.isfinite(h["train_loss"]) and h["dur"] >= 0 for h in est.history_)


def test_too_few_samples_for_a_validation_tail():
    msg = (
        "RNNRegressor cannot hold out a validation tail for early stopping: validation_fraction=0.1 of 1 "
        "sample(s) leaves no training sample. Provide more samples, or set patience=None to train without "
        "early stopping."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        RNNRegressor(**FAST, patience=1).fit(np.zeros((1, 3)), [1.0])


# ---------------------------------------------------------------------------- architectures and inputs
def test_shapes_of_predictions_follow_y(data):
    X, y = data
    assert RNNRegressor(**FAST).fit(X, y).predict(X).dtype == np.float64
    assert RNNRegressor(**FAST).fit(X, y).predict(X).shape == (40,)
    assert RNNRegressor(**FAST).fit(X, np.c_[y, -y, y]).predict(X).shape == (40, 3)
    m2m = RNNRegressor(**FAST, architecture="many_to_many").fit(X, X[:, :, 0])
    assert isinstance(m2m.net_.module_, RecurrentNet) and m2m.net_.module_.output == "sequence"
    assert m2m.predict(X).shape == (40, 5) and m2m.n_outputs_ == 1
    assert RNNRegressor(**FAST, architecture="many_to_many").fit(X, X).predict(X).shape == (40, 5, 2)


def test_two_dimensional_X_is_one_feature_per_step_and_dataframes_keep_names(data):
    X, y = data
    frame = pd.DataFrame(X[:, :, 0], columns=[f"lag_{i}" for i in range(5)])
    est = RNNRegressor(**FAST).fit(frame, y)
    assert (est.n_features_in_, est.n_timesteps_, est.n_features_per_step_) == (5, 5, 1)
    assert list(est.feature_names_in_) == list(frame.columns)
    np.testing.assert_array_equal(est.predict(frame), RNNRegressor(**FAST).fit(X[:, :, 0], y).predict(X[:, :, :1]))


def test_views_with_negative_strides_and_read_only_arrays_are_accepted(data):
    X, y = data
    X32 = X.astype(np.float32)[::-1]  # float32 needs no conversion, so the view itself reaches torch
    X32.flags.writeable = False
    est = RNNRegressor(**FAST).fit(X32, y[::-1])
    np.testing.assert_array_equal(est.predict(X32), est.predict(np.ascontiguousarray(X32)))


def test_seq2seq_uses_the_encoder_decoder_and_decays_teacher_forcing(data):
    X, y = data
    est = RNNRegressor(**FAST, architecture="seq2seq", teacher_forcing=0.8, teacher_forcing_decay=0.5)
    est.fit(X, X[:, -3:, 0])
    assert isinstance(est.net_.module_, Seq2SeqNet) and est.n_outputs_ == 3
    assert [h["teacher_forcing"] for h in est.history_] == [0.8, 0.4, 0.2]
    assert est.predict(X).shape == (40, 3)


def test_variable_length_lists_are_padded_and_packed(data):
    X, y = data
    seqs = [X[i, : 2 + i % 4] for i in range(40)]
    est = RNNRegressor(**FAST).fit(seqs, y)
    assert est.n_timesteps_ is None and not hasattr(est, "n_features_in_")
    together = est.predict(seqs[:6])
    alone = np.concatenate([est.predict([s]) for s in seqs[:6]])
    np.testing.assert_allclose(together, alone, atol=1e-6, rtol=0)
    assert est.predict([X[0, : 9 % 5], X[1]]).shape == (2,)  # other lengths are fine after such a fit


def test_a_list_of_equal_length_sequences_is_the_stacked_array(data):
    X, y = data
    np.testing.assert_array_equal(
        RNNRegressor(**FAST).fit(list(X), y).predict(X), RNNRegressor(**FAST).fit(X, y).predict(X)
    )


def test_classifier_with_string_labels_and_probabilities(data):
    X, y = data
    labels = np.where(y > 0.5, "up", np.where(y < -0.5, "down", "flat"))
    est = RNNClassifier(**FAST).fit(X, labels)
    assert list(est.classes_) == ["down", "flat", "up"] and est.n_classes_ == 3
    assert set(est.predict(X)) <= {"down", "flat", "up"}
    proba = est.predict_proba(X)
    assert proba.shape == (40, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12, rtol=0)
    np.testing.assert_array_equal(est.classes_[proba.argmax(axis=1)], est.predict(X))


def test_class_weight_sets_the_criterion_weight_and_changes_the_loss(data):
    X, _ = data
    y = np.array(["a"] * 30 + ["b"] * 10)
    plain = RNNClassifier(**FAST).fit(X, y)
    balanced = RNNClassifier(**FAST, class_weight="balanced").fit(X, y)
    # sklearn's "balanced": n_samples / (n_classes * count) = 40 / (2 * 30), 40 / (2 * 10)
    torch.testing.assert_close(balanced.net_.criterion_.weight, torch.tensor([2 / 3, 2.0]))
    assert plain.net_.criterion_.weight is None
    assert balanced.history_[0]["train_loss"] != plain.history_[0]["train_loss"]
    manual = RNNClassifier(**FAST, class_weight={"a": 1.0, "b": 3.0}).fit(X, y)
    torch.testing.assert_close(manual.net_.criterion_.weight, torch.tensor([1.0, 3.0]))


@pytest.mark.parametrize(
    "loss, criterion, expected",
    [
        ("squared_error", torch.nn.MSELoss, 4.0),  # the mean of 120 zeros and 80 tens
        ("absolute_error", torch.nn.L1Loss, 0.0),  # their median
        # Huber, c in (0, 1): the zeros pull with c each (squared part), the tens with 1 each (absolute part):
        # 120 c = 80, c = 2 / 3
        ("huber", torch.nn.HuberLoss, 2 / 3),
    ],
)
def test_regression_loss_sets_the_criterion_and_the_best_constant(loss, criterion, expected):
    # Every input is the same, so the net can only learn one constant: the minimiser of its loss.
    X = np.zeros((200, 3, 1))
    y = np.r_[np.zeros(120), np.full(80, 10.0)]
    est = RNNRegressor(hidden_size=4, max_epochs=150, batch_size=200, lr=0.05, loss=loss, random_state=0).fit(X, y)
    assert type(est.net_.criterion_) is criterion
    np.testing.assert_allclose(est.predict(X[:1]), [expected], atol=0.2)


def test_classifier_label_per_step(data):
    X, _ = data
    y = (X[:, :, 0] > 0).astype(int)
    est = RNNClassifier(**FAST, architecture="many_to_many").fit(X, y)
    assert est.predict(X).shape == (40, 5) and est.predict_proba(X).shape == (40, 5, 2)
    assert est.score(X, y) == np.mean(est.predict(X) == y)  # accuracy over every step


def test_token_sequences_go_through_an_embedding():
    rng = np.random.RandomState(0)
    tokens = [rng.randint(0, 7, size=n) for n in rng.randint(2, 8, size=30)]
    est = RNNClassifier(**FAST, embedding_dim=3).fit(tokens, np.arange(30) % 2)
    assert est.num_embeddings_ == int(max(t.max() for t in tokens)) + 1
    members = est.net_.module_.members  # ensemble_size="auto": three nets, each with its own embedding
    assert [m.embedding.weight.shape for m in members] == [(est.num_embeddings_, 3)] * 3
    assert est.predict([np.array([1, 2, 3]), np.array([0])]).shape == (2,)
    unseen = [np.array([1, 2]), np.array([3, 9, 12])]
    msg = (
        f"X holds 2 token id(s) unseen at fit, the first at X[1][1] = 9; RNNClassifier was fitted on ids "
        f"0..{est.num_embeddings_ - 1} (num_embeddings_={est.num_embeddings_}) and has no embedding for larger "
        "ids. Map unseen tokens to an id present in the training data (e.g. a reserved 'unknown' token) "
        "before predicting."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.predict(unseen)
    msg = (
        "RNNClassifier has embedding_dim set, so X must hold integer token ids; X has dtype float64. Cast "
        "with X.astype(int), or set embedding_dim=None for real-valued features."
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        est.predict(np.ones((2, 3)))


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", "rmsprop", torch.optim.Adagrad])
def test_optimizers(data, optimizer):
    X, y = data
    est = RNNRegressor(**FAST, optimizer=optimizer, weight_decay=0.01).fit(X, y)
    expected = {
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
        "sgd": torch.optim.SGD,
        "rmsprop": torch.optim.RMSprop,
    }.get(optimizer, optimizer)
    assert type(est.net_.optimizer_) is expected
    assert est.net_.optimizer_.param_groups[0]["weight_decay"] == 0.01


def test_device_auto_resolves(data):
    X, y = data
    est = RNNRegressor(**FAST, device="auto").fit(X, y)
    assert est.device_ == ("cuda" if torch.cuda.is_available() else "cpu")


def test_quiet_by_default_and_one_line_per_epoch_at_verbose_1(data, capsys):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RNNRegressor(**FAST).fit(X, y).predict(X)
    assert capsys.readouterr() == ("", "")
    RNNRegressor(**FAST, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 + 3 and lines[0].split() == ["epoch", "train_loss", "dur"]  # header, rule, 3 epochs
    RNNRegressor(**FAST, verbose=2).fit(X, y)
    assert "0/3 [" in capsys.readouterr().err  # tqdm bar over the 3 batches of an epoch


# ---------------------------------------------------------------------------- bad input, pinned messages
def _raises(exc, msg):
    return pytest.raises(exc, match=re.escape(msg))


def test_nan_or_inf_in_X_names_the_count_and_first_position(data):
    X, y = data
    X = X.copy()
    X[3, 1, 0], X[5, 2, 1] = np.nan, np.inf
    msg = (
        "X contains 1 NaN and 1 infinite value(s), the first at X[3, 1, 0] = nan. RNNRegressor cannot "
        "train or predict on missing or infinite values (values beyond float32's range count as infinite): "
        "drop or impute them before calling it (nothing is imputed silently)."
    )
    with _raises(ValueError, msg):
        RNNRegressor(**FAST).fit(X, y)
    # 1e300 overflows float32
    with _raises(ValueError, "0 NaN and 1 infinite value(s), the first at X[1][2, 0] = inf."):
        RNNRegressor(**FAST).fit([np.zeros((2, 1)), np.array([[0.0], [1.0], [1e300]])], [1.0, 2.0])


def test_nan_or_inf_in_y(data):
    X, y = data
    y = y.copy()
    y[7] = np.inf
    msg = (
        "y contains 0 NaN and 1 infinite value(s), the first at y[7] = inf. RNNRegressor cannot train "
        "or predict on missing or infinite values: drop or impute them before calling it (nothing is imputed "
        "silently)."
    )
    with _raises(ValueError, msg):
        RNNRegressor(**FAST).fit(X, y)
    with _raises(
        ValueError,
        "y contains 0 NaN and 1 infinite value(s), the first at y[7, 0] = inf. "
        "RNNRegressor cannot train or predict on missing or infinite values (values beyond "
        "float32's range count as infinite)",
    ):
        RNNRegressor(**FAST).fit(X, np.where(np.isinf(y), 1e39, y))  # finite in float64, not in float32
    with _raises(ValueError, "y contains 1 NaN and 0 infinite value(s), the first at y[7] = nan."):
        RNNClassifier(**FAST).fit(X, np.where(np.isinf(y), np.nan, y > 0))


def test_one_dimensional_and_four_dimensional_X(data):
    msg = (
        "RNNRegressor expects a 2-D or 3-D X; got a 1-D array of shape (5,). Reshape your data either using "
        "X.reshape(1, -1) if it is one sequence with one feature per step, or X.reshape(-1, 1) if it holds "
        "one-step sequences."
    )
    with _raises(ValueError, msg):
        RNNRegressor(**FAST).fit(np.arange(5.0), np.arange(5.0))
    msg = (
        "RNNRegressor expects X of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps); got a "
        "4-D array of shape (2, 3, 4, 5). Merge the extra axes into features, e.g. X.reshape(n_samples, "
        "n_timesteps, -1)."
    )
    with _raises(ValueError, msg):
        RNNRegressor(**FAST).fit(np.zeros((2, 3, 4, 5)), [1.0, 2.0])


def test_empty_X():
    with _raises(
        ValueError, "RNNRegressor got an empty X of shape (0, 5, 2) (0 samples); at least one sequence is required."
    ):
        RNNRegressor(**FAST).fit(np.zeros((0, 5, 2)), [])
    with _raises(
        ValueError,
        "X[1] is an empty sequence (0 time steps); RNNClassifier needs at least one step in "
        "every sequence. Remove it (and its target) before calling.",
    ):
        RNNClassifier(**FAST).fit([np.ones(3), np.ones(0)], [0, 1])


def test_X_and_y_of_different_lengths(data):
    X, y = data
    msg = (
        "X and y have different numbers of samples: X holds 40 sequences, y holds 39 rows. RNNClassifier needs "
        "one target row per sequence; check that both were cut from the same windows."
    )
    with _raises(ValueError, msg):
        RNNClassifier(**FAST).fit(X, y[:-1] > 0)


def test_non_numeric_complex_and_sparse_X(data):
    _, y = data
    msg = (
        "RNNRegressor expects numeric X; got an array of strings/bytes (dtype <U1). Convert it to numbers "
        "explicitly (e.g. token ids or one-hot features)."
    )
    with _raises(TypeError, msg):
        RNNRegressor(**FAST).fit(np.array([["a", "b"], ["c", "d"]]), [1.0, 2.0])
    X = np.zeros((2, 2), dtype=object)
    X[0, 0] = {"foo": "bar"}
    msg = (
        "RNNRegressor expects numeric X; got dtype object whose values cannot be read as numbers (float() "
        "argument must be a string or a real number, not 'dict'). Encode text or categories as numbers first "
        "(e.g. token ids, one-hot)."
    )
    with _raises(TypeError, msg):
        RNNRegressor(**FAST).fit(X, [1.0, 2.0])
    msg = (
        "Complex data not supported: RNNRegressor got complex X (dtype complex128). Pass real values, e.g. split "
        "real and imaginary parts into two features."
    )
    with _raises(ValueError, msg):
        RNNRegressor(**FAST).fit(np.ones((2, 3)) * 1j, [1.0, 2.0])
    import scipy.sparse as sp

    msg = (
        "RNNRegressor does not accept sparse X (got csr_matrix of shape (2, 3)): sequence models need dense "
        "arrays. Convert it with X.toarray()."
    )
    with _raises(TypeError, msg):
        RNNRegressor(**FAST).fit(sp.csr_matrix(np.ones((2, 3))), [1.0, 2.0])


def test_other_number_of_features_or_time_steps_at_predict(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    msg = (
        "X has 3 features per time step, but RNNRegressor was fitted on 2; got X of shape (40, 5, 3). Pass the "
        "same features, in the same order, as at fit."
    )
    with _raises(ValueError, msg):
        est.predict(np.concatenate([X, X[:, :, :1]], axis=2))
    msg = (
        "X has sequences of 4 time steps, but RNNRegressor was fitted on sequences of 5 time steps (X of shape "
        "(40, 4, 2)). Pass sequences of 5 time steps, or fit on a list of sequences of different lengths to "
        "predict on other lengths."
    )
    with _raises(ValueError, msg):
        est.predict(X[:, 1:])
    est2d = RNNRegressor(**FAST).fit(X[:, :, 0], y)
    msg = (
        "X has 4 features, but RNNRegressor is expecting 5 features as input: a 2-D X is read as (n_samples, "
        "n_timesteps) with one feature per step, so it holds sequences of 4 time steps where fit saw 5. Pass "
        "sequences of 5 time steps, or fit on a list of sequences of different lengths to predict on other "
        "lengths."
    )
    with _raises(ValueError, msg):
        est2d.predict(X[:, 1:, 0])
    m2m = RNNRegressor(**FAST, architecture="many_to_many").fit(X, X[:, :, 0])
    msg = (
        "X has sequences of 2 to 3 time steps, but RNNRegressor was fitted on sequences of 5 time steps (X of "
        "shape (2, 3, 2)). Pass sequences of 5 time steps: architecture='many_to_many' is tied to them."
    )
    with _raises(ValueError, msg):
        m2m.predict([X[0, :2], X[1, :3]])


def test_unknown_cell_nonlinearity_architecture():
    X, y = np.zeros((4, 3)), np.zeros(4)
    msg = "The 'cell' parameter of RNNRegressor must be a str among {'gru', 'lstm', 'rnn'}. Got 'lsmt' instead."
    with _raises(InvalidParameterError, msg):
        RNNRegressor(cell="lsmt").fit(X, y)
    msg = "The 'nonlinearity' parameter of RNNClassifier must be a str among {'relu', 'tanh'}. Got 'sigmoid' instead."
    with _raises(InvalidParameterError, msg):
        RNNClassifier(nonlinearity="sigmoid").fit(X, y)
    msg = (
        "The 'architecture' parameter of RNNClassifier must be a str among {'many_to_many', 'many_to_one'}. Got "
        "'seq2seq' instead."
    )
    with _raises(InvalidParameterError, msg):
        RNNClassifier(architecture="seq2seq").fit(X, y)
    msg = (
        "RNNRegressor: nonlinearity='relu' only applies to cell='rnn'; the LSTM cell has fixed tanh/sigmoid "
        "gates. Use nonlinearity='tanh' (the default) or cell='rnn'."
    )
    with _raises(ValueError, msg):
        RNNRegressor(nonlinearity="relu").fit(X, y)
    msg = (
        "RNNRegressor: architecture='seq2seq' forecasts forward in time and cannot be bidirectional; set "
        "bidirectional=False, or use architecture='many_to_one' with a 2-D y (a whole horizon)."
    )
    with _raises(ValueError, msg):
        RNNRegressor(architecture="seq2seq", bidirectional=True).fit(X, y)


def test_optimizer_is_a_name_or_an_optimizer_class():
    X, y = np.zeros((4, 3)), np.zeros(4)
    msg = (
        "The 'optimizer' parameter of RNNRegressor must be a str among {'adam', 'adamw', 'rmsprop', 'sgd'} or a "
        "torch.optim.Optimizer subclass. Got <class 'int'> instead."
    )
    with _raises(TypeError, msg):  # InvalidParameterError: a TypeError and a ValueError
        RNNRegressor(optimizer=int).fit(X, y)
    with _raises(ValueError, "Got 'lbfgs' instead."):
        RNNRegressor(optimizer="lbfgs").fit(X, y)


def test_shape_of_y_per_architecture(data):
    X, y = data
    msg = (
        "RNNRegressor with architecture='many_to_many' expects y of shape (n_samples, n_timesteps) or (n_samples, "
        "n_timesteps, n_targets) with n_timesteps=5; got y of shape (40,) for X of shape (40, 5, 2)."
    )
    with _raises(ValueError, msg):
        RNNRegressor(**FAST, architecture="many_to_many").fit(X, y)
    msg = (
        "RNNRegressor: architecture='many_to_many' needs sequences of one common length (a 2-D or 3-D array); "
        "variable-length lists are supported with architecture='many_to_one'."
    )
    with _raises(ValueError, msg):
        RNNRegressor(**FAST, architecture="many_to_many").fit([X[0, :2], X[1]], [[1.0, 2.0], [3.0, 4.0]])
    msg = (
        "RNNClassifier with architecture='many_to_one' predicts one label per sequence; got y of shape (40, 2). "
        "For a label per time step use architecture='many_to_many'; several labels per sequence (multi-output "
        "classification) are not supported."
    )
    with _raises(ValueError, msg):
        RNNClassifier(**FAST).fit(X, np.c_[y > 0, y > 1])


def test_classifier_with_one_class(data):
    X, _ = data
    msg = (
        "RNNClassifier needs at least 2 classes to train; y holds a single class ('a') in all 40 samples. Check "
        "the labels, or the split that produced them."
    )
    with _raises(ValueError, msg):
        RNNClassifier(**FAST).fit(X, ["a"] * 40)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
def test_predict_before_fit(data, method):
    X, y = data
    est = RNNClassifier(**FAST)
    args = (X, y > 0) if method == "score" else (X,)
    msg = (
        "This RNNClassifier instance is not fitted yet. Call 'fit' with appropriate arguments before using this "
        "estimator."
    )
    with _raises(NotFittedError, msg):
        getattr(est, method)(*args)


# ---------------------------------------------------------------------------- robustness of fit
def _snapshot(est):
    attrs = {k: v for k, v in vars(est).items() if k.endswith("_") and k != "net_"}
    return _state(est), attrs, est.predict(np.zeros((2, 5, 2)))


def _assert_unchanged(est, snap):
    state, attrs, pred = snap
    assert _same_state(_state(est), state)
    assert vars(est).keys() >= attrs.keys()
    assert {k: v for k, v in vars(est).items() if k in attrs}.keys() == attrs.keys()
    assert est.history_ == attrs["history_"] and est.n_timesteps_ == attrs["n_timesteps_"]
    np.testing.assert_array_equal(est.predict(np.zeros((2, 5, 2))), pred)


def test_a_failed_fit_keeps_the_previous_fitted_state(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    snap = _snapshot(est)
    bad = X[:, :3].copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape("X contains 1 NaN and 0 infinite value(s)")):
        est.fit(bad, y)
    with pytest.raises(ValueError, match="X and y have different numbers of samples"):
        est.set_params(max_epochs=1).fit([X[0, :2], X[1]], y)
    _assert_unchanged(est, snap)


def test_divergence_raises_and_keeps_the_previous_fitted_state(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    snap = _snapshot(est)
    est.set_params(optimizer="sgd", lr=1e6, gradient_clip=None, max_epochs=5)
    msg = (
        "RNNRegressor: the training loss became inf (batch 2) at epoch 1 of 5; training stopped and the "
        "estimator keeps its previous fitted state, if any. Lower the learning rate (lr=1000000.0), enable "
        "gradient clipping (gradient_clip=1.0), or scale X and y to values of order 1 (e.g. with "
        "StandardScaler)."
    )
    with _raises(TrainingDivergedError, msg):
        est.fit(X, y * 1e15)
    _assert_unchanged(est, snap)


class _PoisonWeights(Callback):
    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            with torch.no_grad():
                net.module_.head.bias.fill_(float("nan"))


def test_divergence_is_caught_at_the_first_non_finite_loss(data):
    X, y = data
    est = RNNRegressor(**FAST, callbacks=[_PoisonWeights()])
    msg = (
        "RNNRegressor: the training loss became nan (batch 1) at epoch 3 of 3; training stopped and the "
        "estimator keeps its previous fitted state, if any. Lower the learning rate (lr=0.001), or scale X and "
        "y to values of order 1 (e.g. with StandardScaler)."
    )
    with _raises(TrainingDivergedError, msg):
        est.fit(X, y)
    assert not hasattr(est, "net_")


# ---------------------------------------------------------------------------- batch invariance
BATCH_CASES = {
    "lstm": (RNNRegressor, {}, "last"),
    "gru-bidirectional-2-layers": (RNNRegressor, dict(cell="gru", bidirectional=True, num_layers=2), "last"),
    "rnn-many-to-many": (RNNRegressor, dict(cell="rnn", architecture="many_to_many"), "steps"),
    "seq2seq": (RNNRegressor, dict(architecture="seq2seq"), "horizon"),
    "classifier-conv-attention": (RNNClassifier, dict(pooling="attention", conv_channels=(4,)), "label"),
    "classifier-variable-length": (RNNClassifier, dict(pooling="mean"), "ragged"),
}


@pytest.mark.parametrize("case", list(BATCH_CASES))
def test_a_row_gets_the_same_prediction_whatever_rows_share_its_batch(case):
    """float32 products sum in another order for another number of rows (2.4e-7 on the default net, 1.3e-6
    in a 2-layer 128-unit RNN): predictions run in float64, where the orders differ by about 1e-16."""
    make, params, kind = BATCH_CASES[case]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(37, 6, 2))
    y = {
        "last": X[:, -1, 0],
        "steps": X[:, :, 0],
        "horizon": X[:, -2:, 0],
        "label": (X[:, -1, 0] > 0).astype(int),
        "ragged": (X[:, -1, 0] > 0).astype(int),
    }[kind]
    if kind == "ragged":
        X = [x[: 2 + i % 5] for i, x in enumerate(X)]
    est = make(hidden_size=32, max_epochs=1, batch_size=8, random_state=0, **params).fit(X, y)
    method = est.predict_proba if make is RNNClassifier else est.predict
    full = method(X)
    alone = np.concatenate([method(X[i : i + 1]) for i in range(37)])
    order = rng.permutation(37)
    shuffled = method([X[i] for i in order] if kind == "ragged" else X[order])
    np.testing.assert_allclose(alone, full, rtol=0, atol=1e-12)
    np.testing.assert_allclose(shuffled, full[order], rtol=0, atol=1e-12)


def test_predictions_run_in_float64_on_a_copy_of_the_fitted_net(data):
    X, y = data
    est = RNNRegressor(**FAST).fit(X, y)
    before = _state(est)
    module = est._inference_module()
    assert module is not est.net_.module_ and not module.training
    assert {p.dtype for p in module.parameters()} == {torch.float64}
    assert all(p.grad is None for p in module.parameters())  # the last training gradients are not copied
    est.predict(X)
    assert all(torch.equal(before[k], v) and v.dtype == torch.float32 for k, v in _state(est).items())
