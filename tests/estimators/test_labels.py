"""What the sequence estimators accept as labels, weights, token ids and pandas' nullable data, and the
messages with which they refuse the rest (all from seqforecast, naming the parameter and the position)."""

import re

import numpy as np
import pandas as pd
import pytest

from seqforecast.estimators import RNNClassifier, RNNRegressor
from seqforecast.estimators.classifier import MAX_EMBEDDING_WEIGHTS

TINY = dict(hidden_size=2, max_epochs=1, batch_size=8, random_state=0)
RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 4, 2))
Y = np.array([0, 1] * 4)
TOKENS = RNG.integers(0, 5, size=(8, 4))

MISSING = (
    "RNNClassifier cannot train on samples without a label: drop them, and their sequences, before calling it "
    "(nothing is imputed silently)."
)
MISSING_X = (
    "{name} cannot train or predict on missing values: drop or impute them before calling it (nothing is "
    "imputed silently)."
)


def clf(**params):
    return RNNClassifier(**{**TINY, **params})


def reg(**params):
    return RNNRegressor(**{**TINY, **params})


def raises(exc, message):
    return pytest.raises(exc, match=re.escape(message))


# ------------------------------------------------------------------------------------------------ labels
@pytest.mark.parametrize(
    "y, first, second",
    [
        ([1, "a"] * 4, "y[0] = 1", "y[1] = 'a'"),  # numpy would make these ["1", "a"]
        (np.array(["a", 2] * 4, dtype=object), "y[0] = 'a'", "y[1] = 2"),
        ([True, 1] * 4, "y[0] = True", "y[1] = 1"),  # True == 1: the classes would merge
    ],
)
def test_labels_mixing_types_are_refused(y, first, second):
    kinds = {"y[0] = 1": "number and str", "y[0] = 'a'": "str and number", "y[0] = True": "bool and number"}
    with raises(
        TypeError,
        f"RNNClassifier expects class labels of one type in y (all numbers, all strings or all booleans); got "
        f"{kinds[first]} labels, e.g. {first} and {second}. Convert them to one type first, e.g. "
        "[str(label) for label in y].",
    ):
        clf().fit(X, y)


@pytest.mark.parametrize(
    "y, where",
    [
        ([0, 1, None, 1, 0, 1, 0, 1], "y[2] = None"),
        (["a", "b", "a", None, "a", "b", "a", "b"], "y[3] = None"),
        (["a", "b", np.nan, "b", "a", "b", "a", "b"], "y[2] = nan"),  # numpy would make it the class 'nan'
        (pd.Series([0, 1, 0, 1, pd.NA, 1, 0, 1], dtype="Int64"), "y[4] = <NA>"),
        (pd.Series([True, False, pd.NA, True] * 2, dtype="boolean"), "y[2] = <NA>"),
        (pd.Series(["a", "b", "a", pd.NA] * 2, dtype="string"), "y[3] = <NA>"),
    ],
)
def test_missing_labels_are_refused_with_their_position(y, where):
    n = 2 if isinstance(y, pd.Series) and y.dtype in ("boolean", "string") else 1
    with raises(
        ValueError, f"y contains {n} missing value(s) (None, NaN, NaT or pd.NA), the first at {where}. {MISSING}"
    ):
        clf().fit(X, y)


def test_nan_among_numeric_labels_is_reported_as_a_nan():
    with raises(ValueError, "y contains 1 NaN and 0 infinite value(s), the first at y[2] = nan. RNNClassifier"):
        clf().fit(X, [0, 1, np.nan, 1, 0, 1, 0, 1])


def test_continuous_labels_are_a_regression_target():
    with raises(
        ValueError,
        "RNNClassifier is a classifier and expects discrete class labels in y; got continuous values (non-integer "
        "floats), e.g. y[1] = 0.5. For a continuous target use RNNRegressor; for labels stored as floats, cast "
        "them (y.astype(int)).",
    ):
        clf().fit(X, [0.0, 0.5] * 4)


@pytest.mark.parametrize(
    "y, message",
    [
        (
            [(1, 2), (3, 4, 5)] * 4,
            "RNNClassifier expects class labels in y that are numbers, strings or booleans; got labels of type "
            "tuple, e.g. y[0] = (1, 2). Encode them as ints or strings first.",
        ),
        (
            np.array([1 + 1j, 2] * 4),
            "RNNClassifier expects class labels in y that are numbers, strings or booleans; got y of dtype "
            "complex128. Encode them as ints or strings first.",
        ),
    ],
)
def test_labels_of_other_types_are_refused(y, message):
    with raises(TypeError, message):
        clf().fit(X, y)


def test_a_scalar_y_is_refused():
    with raises(ValueError, "RNNClassifier expects y with one label per sequence; got a scalar y (1)."):
        clf().fit(X, 1)


@pytest.mark.parametrize(
    "y, classes",
    [
        (pd.Series([0, 1] * 4, dtype="Int64"), np.array([0, 1])),
        (pd.Series([True, False] * 4, dtype="boolean"), np.array([False, True])),
        (pd.Series(["up", "down"] * 4, dtype="string"), np.array(["down", "up"])),
        (np.array([2, 7] * 4, dtype=object), np.array([2, 7])),  # scikit-learn's check_dtype_object
        ([0.0, 1.0] * 4, np.array([0.0, 1.0])),
        (["b", "a"] * 4, np.array(["a", "b"])),
    ],
)
def test_labels_of_one_type_keep_their_type(y, classes):
    fitted = clf().fit(X, y)
    np.testing.assert_array_equal(fitted.classes_, classes)
    assert fitted.classes_.dtype.kind == classes.dtype.kind
    assert set(fitted.predict(X)) <= set(classes.tolist())


def test_labels_per_step_may_come_as_a_list_of_lists():
    y = [[0, 1, 1, 0]] * 4 + [[1, 0, 0, 1]] * 4
    fitted = clf(architecture="many_to_many").fit(X, y)
    assert fitted.predict(X).shape == (8, 4)
    with raises(TypeError, "got number and str labels, e.g. y[0, 0] = 0 and y[0, 1] = 'a'."):
        clf(architecture="many_to_many").fit(X, [[0, "a", 1, 0]] * 8)


# ------------------------------------------------------------------------------------------ class_weight
FIX = "Give each class a finite weight >= 0, e.g. {0: 1.0, 1: 5.0}, or use class_weight='balanced'."


@pytest.mark.parametrize(
    "class_weight, exc, message",
    [
        (
            {0: -1.0, 1: 1.0},
            ValueError,
            f"The 'class_weight' parameter of RNNClassifier must map classes to weights >= 0; class_weight[0] = -1.0 "
            f"is negative. {FIX}",
        ),
        (
            {0: 1.0, 1: np.nan},
            ValueError,
            f"The 'class_weight' parameter of RNNClassifier must map classes to weights >= 0; class_weight[1] = nan "
            f"is not finite. {FIX}",
        ),
        (
            {0: np.inf},
            ValueError,
            f"The 'class_weight' parameter of RNNClassifier must map classes to weights >= 0; class_weight[0] = inf "
            f"is not finite. {FIX}",
        ),
        (
            {0: "2"},
            TypeError,
            f"The 'class_weight' parameter of RNNClassifier must map classes to numbers; class_weight[0] = '2'. {FIX}",
        ),
        (
            {0: True},
            TypeError,
            f"The 'class_weight' parameter of RNNClassifier must map classes to numbers; class_weight[0] = True. {FIX}",
        ),
        (
            {0: 1.0, 5: 2.0},
            ValueError,
            "The 'class_weight' parameter of RNNClassifier has key(s) [5] that are not classes of y; the classes are "
            "[0, 1]. Give weights to classes of y only (a class left out gets weight 1).",
        ),
        (
            {"0": 1.0},
            ValueError,
            "The 'class_weight' parameter of RNNClassifier has key(s) ['0'] that are not classes of y; the classes "
            "are [0, 1].",
        ),
        (
            {0: 0.0, 1: 0},
            ValueError,
            "The 'class_weight' parameter of RNNClassifier gives weight 0 to every class of y ({0: 0.0, 1: 0}), so "
            "the loss would be 0/0. Give at least one class a positive weight.",
        ),
        (
            [1.0, 2.0],
            ValueError,
            "The 'class_weight' parameter of RNNClassifier must be a str among {'balanced'}, an instance of 'dict' "
            "or None. Got [1.0, 2.0] instead.",
        ),
    ],
)
def test_bad_class_weights_are_refused_before_training(class_weight, exc, message):
    with raises(exc, message):
        clf(class_weight=class_weight).fit(X, Y)


def test_class_weights_reach_the_loss():
    fitted = clf(class_weight={1: 3.0}).fit(X, Y)  # a class left out gets weight 1, as in scikit-learn
    np.testing.assert_array_equal(fitted.net_.criterion_.weight.numpy(), [1.0, 3.0])
    y = np.array([0] * 6 + [1] * 2)
    balanced = clf(class_weight="balanced").fit(X, y)
    np.testing.assert_allclose(balanced.net_.criterion_.weight.numpy(), [8 / (2 * 6), 8 / (2 * 2)])


# ------------------------------------------------------------------------------------- token id limits
def test_a_token_id_too_large_for_an_embedding_table_is_refused_before_allocation():
    tokens = TOKENS.copy()
    tokens[3, 2] = 10**9  # 2e9 weights, 7.5 GiB: refused before any tensor is made
    distinct = len(np.unique(tokens))
    with raises(
        ValueError,
        "RNNClassifier: the largest token id is 1000000000 (at X[3, 2]), so the embedding table would need "
        "1,000,000,001 rows x embedding_dim=2 = 2,000,000,002 weights (7.5 GiB in float32, several times that in "
        "training), more than the limit of 268,435,456 (1 GiB). Token ids index the table's rows: map the "
        f"{distinct} distinct ids of X to 0..{distinct - 1} first (e.g. with np.unique(X, return_inverse=True)), "
        "or lower embedding_dim.",
    ):
        clf(embedding_dim=2).fit(tokens, Y)


def test_the_limit_counts_weights_and_real_steps_only():
    assert MAX_EMBEDDING_WEIGHTS == 2**28
    ragged = [np.array([0, 1, 2**27]), np.array([3])] * 4  # padding zeros are no token: 4 distinct ids
    with raises(ValueError, "(at X[0][2]), so the embedding table would need 134,217,729 rows x embedding_dim=4"):
        clf(embedding_dim=4).fit(ragged, Y)
    with raises(ValueError, "map the 4 distinct ids of X to 0..3 first"):
        clf(embedding_dim=4).fit(ragged, Y)


def test_token_ids_beyond_int64_are_refused():
    fitted = clf(embedding_dim=2).fit(TOKENS, Y)
    huge = TOKENS.astype(np.uint64)
    huge[1, 1] = 2**64 - 1
    with raises(
        ValueError,
        "RNNClassifier: X holds token id 18446744073709551615, beyond the int64 range torch indexes with; token ids "
        "index rows of an embedding table: map them to 0..n_distinct - 1 first (e.g. with "
        "np.unique(X, return_inverse=True)).",
    ):
        fitted.predict(huge)


def test_nullable_token_ids_are_read_exactly_and_pd_na_is_refused():
    frame = pd.DataFrame(TOKENS).astype("Int64")
    fitted = clf(embedding_dim=2).fit(frame, Y)
    assert fitted.num_embeddings_ == TOKENS.max() + 1
    np.testing.assert_array_equal(fitted.predict_proba(frame), fitted.predict_proba(TOKENS))
    frame.iloc[5, 3] = pd.NA
    with raises(
        ValueError,
        "X contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at X[5, 3] = <NA>. "
        + MISSING_X.format(name="RNNClassifier"),
    ):
        fitted.predict(frame)


# ------------------------------------------------------------------------------- nullable data (pd.NA)
@pytest.mark.parametrize("dtype", ["Float64", "Int64"])
def test_nullable_X_without_missing_values_gives_the_numpy_results(dtype):
    values = np.round(X[:, :, 0] * 10)  # integers, so that Int64 holds them exactly
    frame = pd.DataFrame(values).astype(dtype)
    a, b = reg().fit(frame, Y.astype(float)), reg().fit(values, Y.astype(float))
    np.testing.assert_array_equal(a.predict(frame), b.predict(values))


@pytest.mark.parametrize(
    "make, y, X_bad, where",
    [
        (reg, pd.Series(Y, dtype="Float64"), None, None),
        (clf, Y, "Int64", "X[6, 1]"),
        (reg, Y.astype(float), "Float64", "X[6, 1]"),
    ],
)
def test_nullable_data_with_pd_na_names_the_parameter_and_the_position(make, y, X_bad, where):
    name = make().__class__.__name__
    if X_bad is None:
        y = y.copy()
        y.iloc[3] = pd.NA
        message = (
            "y contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at y[3] = <NA>. "
            + MISSING_X.format(name=name)
        )
        with raises(ValueError, message):
            make().fit(X, y)
        return
    frame = pd.DataFrame(np.round(X[:, :, 0] * 10)).astype(X_bad)
    frame.iloc[6, 1] = pd.NA
    message = (
        f"X contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at {where} = <NA>. "
        + MISSING_X.format(name=name)
    )
    with raises(ValueError, message):
        make().fit(frame, y)


def test_none_in_a_regression_target_or_in_object_X_is_a_missing_value():
    with raises(ValueError, "y contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at y[5] = None."):
        reg().fit(X, [0.5, 1.0, 2.0, 1.0, 0.0, None, 0.0, 1.0])
    objects = X.astype(object)
    objects[2, 3, 1] = pd.NA
    with raises(ValueError, "X contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at X[2, 3, 1] = <NA>."):
        reg().fit(objects, Y.astype(float))
    ragged = [pd.Series([1.0, 2.0, 3.0], dtype="Float64"), pd.Series([1.0, pd.NA], dtype="Float64")] * 4
    with raises(ValueError, "X[1] contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at X[1][1] = <NA>."):
        reg().fit(ragged, Y.astype(float))


def test_score_checks_its_targets_as_fit_does():
    fitted_reg = reg().fit(X, Y.astype(float))
    with raises(ValueError, "y contains 1 missing value(s) (None, NaN, NaT or pd.NA), the first at y[1] = <NA>."):
        fitted_reg.score(X, pd.Series([0.0, pd.NA, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0], dtype="Float64"))
    fitted_clf = clf().fit(X, Y)
    with raises(TypeError, "got number and str labels, e.g. y[0] = 0 and y[1] = 'a'."):
        fitted_clf.score(X, [0, "a"] * 4)
    assert fitted_clf.score(X, np.full(8, 5)) == 0.0  # labels unseen at fit are misclassified, not refused
