"""TextTokenizer: hand-written vocabularies and id sequences, its messages, and raw text in a pipeline in front of
RNNClassifier (GridSearchCV, pickle, model files)."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks
from sklearn.utils._param_validation import InvalidParameterError

import seqforecast
from seqforecast.estimators import RNNClassifier
from seqforecast.persistence import load, save
from seqforecast.preprocessing import TextTokenizer
from seqforecast.preprocessing.text import TOKEN_PATTERN

# Counts (lower-cased): the 2, cat 2, sat 2, "." 2, dog 2, a 2, "!" 1, "," 1 -- 14 tokens; ties keep the order
# of first appearance: the, cat, sat, ".", dog, "!", a, ","
CORPUS = ["The cat sat.", "the dog sat!", "A cat, a dog."]
WORD_VOCABULARY = {"the": 2, "cat": 3, "sat": 4, ".": 5, "dog": 6, "a": 7, "!": 8, ",": 9}


def ids(seqs):
    return [s.tolist() for s in seqs]


def test_word_vocabulary_counts_down_then_first_appearance():
    tok = TextTokenizer().fit(CORPUS)
    assert tok.vocabulary_ == WORD_VOCABULARY
    assert list(tok.vocabulary_) == list(WORD_VOCABULARY)  # in id order
    assert tok.tokens_.dtype == object
    assert tok.tokens_.tolist() == ["<pad>", "<unk>", "the", "cat", "sat", ".", "dog", "a", "!", ","]
    assert tok.token_counts_.tolist() == [0, 0, 2, 2, 2, 2, 2, 2, 1, 1]
    assert ids(tok.transform(CORPUS)) == [[2, 3, 4, 5], [2, 6, 4, 8], [7, 3, 9, 7, 6, 5]]


def test_without_lowercase_case_variants_are_distinct_tokens():
    tok = TextTokenizer(lowercase=False).fit(CORPUS)
    # cat, sat, ".", dog occur twice; then the once-seen tokens in order of first appearance
    assert tok.vocabulary_ == {
        "cat": 2,
        "sat": 3,
        ".": 4,
        "dog": 5,
        "The": 6,
        "the": 7,
        "!": 8,
        "A": 9,
        ",": 10,
        "a": 11,
    }
    assert ids(tok.transform(["THE cat"])) == [[1, 2]]


def test_min_count_sends_rare_tokens_to_unknown():
    tok = TextTokenizer(min_count=2).fit(CORPUS)
    assert tok.vocabulary_ == {"the": 2, "cat": 3, "sat": 4, ".": 5, "dog": 6, "a": 7}
    assert tok.token_counts_.tolist() == [0, 2, 2, 2, 2, 2, 2, 2]  # "!" and "," are the 2 unknowns
    assert ids(tok.transform(CORPUS)) == [[2, 3, 4, 5], [2, 6, 4, 1], [7, 3, 1, 7, 6, 5]]


def test_max_vocabulary_keeps_the_most_frequent_besides_the_two_reserved_ids():
    tok = TextTokenizer(max_vocabulary=3).fit(CORPUS)
    assert tok.vocabulary_ == {"the": 2, "cat": 3, "sat": 4}
    assert len(tok.tokens_) == 5
    assert tok.token_counts_.tolist() == [0, 14 - 6, 2, 2, 2]
    assert ids(tok.transform(["a cat sat"])) == [[1, 3, 4]]


def test_max_vocabulary_applies_after_min_count():
    tok = TextTokenizer(min_count=2, max_vocabulary=100).fit(CORPUS)
    assert len(tok.vocabulary_) == 6


def test_char_level_keeps_every_character():
    tok = TextTokenizer(level="char").fit(["ab a", "Ba"])
    assert tok.vocabulary_ == {"a": 2, "b": 3, " ": 4}  # a 3, b 2, space 1
    assert ids(tok.transform(["ab a", "Ba", "c!"])) == [[2, 3, 4, 2], [3, 2], [1, 1]]
    assert tok.inverse_transform(tok.transform(["Ba b"])) == ["ba b"]
    assert TextTokenizer(level="char", lowercase=False).fit(["ab a", "Ba"]).vocabulary_ == {
        "a": 2,
        "b": 3,
        " ": 4,
        "B": 5,
    }


def test_unknown_tokens_and_texts_without_tokens():
    tok = TextTokenizer().fit(CORPUS)
    out = tok.transform(["The bird sat", "", "   ", "...", "¿"])
    assert ids(out) == [[2, 1, 4], [1], [1], [5, 5, 5], [1]]
    assert all(s.dtype == np.int64 and s.ndim == 1 for s in out)
    assert isinstance(out, list)


def test_default_pattern_keeps_apostrophes_inside_words_and_splits_punctuation():
    assert re.findall(TOKEN_PATTERN, "don't stop!! 10/10") == ["don't", "stop", "!", "!", "10", "/", "10"]
    tok = TextTokenizer(token_pattern=r"(\w)\w*").fit(["ab cd"])  # the whole match, not the group
    assert tok.vocabulary_ == {"ab": 2, "cd": 3}


def test_padding_id_never_occurs_inside_a_sequence():
    tok = TextTokenizer(min_count=2)
    out = tok.fit_transform(CORPUS + ["", "zzz", "!!"])
    assert all((s >= 1).all() and len(s) >= 1 for s in out)


def test_inverse_transform_joins_words_and_drops_padding():
    tok = TextTokenizer().fit(CORPUS)
    assert tok.inverse_transform(tok.transform(["A cat, the bird."])) == ["a cat , the <unk> ."]
    padded = np.array([[2, 3, 0, 0], [7, 1, 0, 0]])
    assert tok.inverse_transform(padded) == ["the cat", "a <unk>"]


def test_inputs_it_takes_give_the_same_ids():
    tok = TextTokenizer().fit(CORPUS)
    expected = ids(tok.transform(CORPUS))
    for X in (
        tuple(CORPUS),
        np.array(CORPUS),
        np.array(CORPUS, dtype=object),
        pd.Series(CORPUS, index=[5, 3, 9]),
        (t for t in CORPUS),
    ):
        assert ids(tok.transform(X)) == expected
    assert ids(TextTokenizer().fit_transform(t for t in CORPUS)) == expected  # a generator is read once


def test_a_failed_fit_leaves_the_fitted_state():
    tok = TextTokenizer().fit(CORPUS)
    with pytest.raises(ValueError, match="min_count=3 leaves no token"):
        tok.set_params(min_count=3).fit(CORPUS)
    assert tok.vocabulary_ == WORD_VOCABULARY


@pytest.mark.parametrize(
    "X, exc, message",
    [
        (
            "The cat sat.",
            TypeError,
            "TextTokenizer expects an iterable of texts (one str per document), got a single str ('The cat sat.'). "
            "Wrap it in a list: [text].",
        ),
        (
            ["a", np.nan],
            ValueError,
            "TextTokenizer expects every document to be a str; X[1] is nan, a missing value. Drop or fill missing "
            "texts before calling it (e.g. X.fillna('') makes them empty texts).",
        ),
        (pd.Series(["a", "b", None], index=[7, 8, 9], dtype=object), ValueError, "X[2] is None, a missing value."),
        (pd.Series(["a", pd.NA], dtype=object), ValueError, "X[1] is <NA>, a missing value."),
        (
            ["a", 3],
            TypeError,
            "TextTokenizer expects every document to be a str; X[1] is 3 of type int. Convert the documents to str "
            "first (bytes: decode them).",
        ),
        ([b"a"], TypeError, "X[0] is b'a' of type bytes."),
        (
            pd.DataFrame({"text": ["a"]}),
            TypeError,
            "TextTokenizer expects a 1-D iterable of texts, got a DataFrame of shape (1, 1). Pass the column that "
            "holds the texts, e.g. X['text']",
        ),
        (
            np.array([["a", "b"]]),
            ValueError,
            "TextTokenizer expects a 1-D iterable of texts, got an array of shape (1, 2).",
        ),
        (3, TypeError, "TextTokenizer expects an iterable of texts (one str per document), got int."),
        ([], ValueError, "TextTokenizer needs at least one text to learn a vocabulary from; got 0 texts."),
        (
            ["", " ?"],
            ValueError,
            "TextTokenizer found no token in the 2 training text(s)",
        ),
    ],
    ids=["str", "nan", "none", "pd-na", "int", "bytes", "dataframe", "2d", "not-iterable", "empty", "no-token"],
)
def test_bad_texts_are_refused_with_their_position(X, exc, message):
    tok = TextTokenizer(token_pattern=r"\w+")  # "?" is no token
    with pytest.raises(exc, match=re.escape(message)):
        tok.fit(X)
    fit_only = isinstance(X, list) and all(isinstance(x, str) for x in X)  # no vocabulary, not a bad text
    if not fit_only:
        fitted = TextTokenizer().fit(CORPUS)
        with pytest.raises(exc, match=re.escape(message)):
            fitted.transform(X)


@pytest.mark.parametrize(
    "params, exc, message",
    [
        (
            {"level": "words"},
            InvalidParameterError,
            "The 'level' parameter of TextTokenizer must be a str among {'char', 'word'}. Got 'words' instead.",
        ),
        (
            {"max_vocabulary": 0},
            InvalidParameterError,
            "The 'max_vocabulary' parameter of TextTokenizer must be an int in the range [1, inf) or None. "
            "Got 0 instead.",
        ),
        ({"min_count": True}, InvalidParameterError, "Got True instead."),
        ({"lowercase": "yes"}, InvalidParameterError, "The 'lowercase' parameter of TextTokenizer must be"),
        (
            {"token_pattern": "("},
            ValueError,
            "The 'token_pattern' parameter of TextTokenizer is not a valid regular expression: missing ), "
            "unterminated subpattern at position 0 (in '('). Fix the expression, or use the default TOKEN_PATTERN.",
        ),
        (
            {"min_count": 3},
            ValueError,
            "TextTokenizer: min_count=3 leaves no token in the vocabulary: the most frequent token, 'the', occurs 2 "
            "time(s) in the training texts. Lower min_count to at most 2.",
        ),
    ],
)
def test_bad_parameters(params, exc, message):
    with pytest.raises(exc, match=re.escape(message)):
        TextTokenizer(**params).fit(CORPUS)


def test_bad_ids_at_inverse_transform():
    tok = TextTokenizer().fit(CORPUS)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "TextTokenizer.inverse_transform: X[1][2] = 10 is not an id of this vocabulary, whose ids are 0..9."
        ),
    ):
        tok.inverse_transform([[2], [3, 4, 10]])
    with pytest.raises(TypeError, match=re.escape("X[0] has shape (1,) and dtype float64.")):
        tok.inverse_transform([[2.5]])
    with pytest.raises(TypeError, match=re.escape("got str")):
        tok.inverse_transform("the")


def test_not_fitted():
    with pytest.raises(NotFittedError, match="This TextTokenizer instance is not fitted yet"):
        TextTokenizer().transform(CORPUS)


@pytest.mark.parametrize(
    "check",
    [
        estimator_checks.check_no_attributes_set_in_init,
        estimator_checks.check_parameters_default_constructible,
        estimator_checks.check_get_params_invariance,
        estimator_checks.check_set_params,
        estimator_checks.check_estimator_repr,
        estimator_checks.check_estimator_cloneable,
        estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
        estimator_checks.check_valid_tag_types,
    ],
    ids=lambda check: check.__name__,
)
def test_the_scikit_learn_checks_that_do_not_need_two_d_input(check):
    # scikit-learn skips its data checks for text transformers (input_tags.two_d_array=False, as for
    # CountVectorizer); the checks of the API that need no data run here
    check("TextTokenizer", TextTokenizer())


def test_tags_say_text_input():
    tags = TextTokenizer().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert not hasattr(TextTokenizer(), "get_feature_names_out")


def test_exported():
    assert seqforecast.TextTokenizer is TextTokenizer
    assert "TextTokenizer" in seqforecast.__all__


# ---------------------------------------------------------------------------- raw text in a pipeline
POSITIVE = ["good", "very good", "good good food", "really good", "so good here", "good and nice", "nice", "good!"]
NEGATIVE = ["bad", "very bad", "bad bad food", "really bad", "so bad here", "bad and awful", "awful", "bad!"]
TEXTS = POSITIVE + NEGATIVE
LABELS = np.array(["pos"] * len(POSITIVE) + ["neg"] * len(NEGATIVE))
TINY = dict(hidden_size=4, embedding_dim=4, max_epochs=2, batch_size=4, random_state=0)


def pipeline(**params):
    return make_pipeline(TextTokenizer(), RNNClassifier(**{**TINY, **params}))


def test_a_pipeline_fits_on_raw_strings():
    pipe = pipeline().fit(TEXTS, LABELS)
    assert pipe[-1].num_embeddings_ == len(pipe[0].tokens_)  # every id of the vocabulary occurs in training
    assert pipe.predict(["good food", "", "never seen"]).shape == (3,)
    assert pipe.predict_proba(TEXTS).shape == (len(TEXTS), 2)


def test_texts_of_one_length_at_fit_predict_any_length():
    # two training texts of two tokens each: still texts, not a fixed-length array of 2 steps
    pipe = pipeline().fit(["good food", "bad food"], ["pos", "neg"])
    assert pipe[-1].n_timesteps_ is None and not hasattr(pipe[-1], "n_features_in_")
    assert pipe.predict(["good", "bad food here now"]).shape == (2,)
    # a 2-D array of token ids stays a fixed-length input
    fixed = RNNClassifier(**TINY).fit(np.array([[2, 3], [4, 3]]), ["pos", "neg"])
    assert fixed.n_timesteps_ == 2


@pytest.mark.slow  # 60 epochs of a tiny GRU
def test_the_pipeline_learns_the_words_that_decide():
    pipe = pipeline(cell="gru", hidden_size=8, max_epochs=60, lr=0.05).fit(TEXTS, LABELS)
    assert pipe.score(TEXTS, LABELS) == 1.0
    assert pipe.predict(["good food here", "awful food here"]).tolist() == ["pos", "neg"]


def test_grid_search_over_the_tokenizer_and_the_classifier():
    pipe = pipeline(max_epochs=1)
    grid = {"texttokenizer__min_count": [1, 2], "rnnclassifier__hidden_size": [2, 3]}
    search = GridSearchCV(pipe, grid, cv=2, error_score="raise").fit(TEXTS, LABELS)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_[0].min_count in (1, 2)


def test_pickle_round_trip_predicts_the_same():
    pipe = pipeline().fit(TEXTS, LABELS)
    again = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(
        again.predict_proba(TEXTS + ["unseen words"]), pipe.predict_proba(TEXTS + ["unseen words"])
    )


def test_model_file_round_trip_predicts_the_same(tmp_path):
    pipe = make_pipeline(TextTokenizer(min_count=2, max_vocabulary=5), RNNClassifier(**TINY)).fit(TEXTS, LABELS)
    save(pipe, tmp_path / "text.zip")
    again = load(tmp_path / "text.zip")
    assert again[0].vocabulary_ == pipe[0].vocabulary_
    assert again[0].tokens_.dtype == object and again[0].tokens_.tolist() == pipe[0].tokens_.tolist()
    np.testing.assert_array_equal(again[0].token_counts_, pipe[0].token_counts_)
    probe = TEXTS + ["", "unseen words"]
    np.testing.assert_array_equal(again.predict_proba(probe), pipe.predict_proba(probe))
    assert repr(again) == repr(pipe)


def test_model_file_of_a_char_tokenizer_alone(tmp_path):
    tok = TextTokenizer(level="char", lowercase=False).fit(["Ab é\t", "ü"])
    save(tok, tmp_path / "tok.zip")
    again = load(tmp_path / "tok.zip")
    assert again.vocabulary_ == tok.vocabulary_ == {"A": 2, "b": 3, " ": 4, "é": 5, "\t": 6, "ü": 7}
    assert ids(again.transform(["bAx"])) == [[3, 2, 1]]


def test_a_clone_is_unfitted():
    tok = TextTokenizer(min_count=2).fit(CORPUS)
    assert not hasattr(clone(tok), "vocabulary_") and clone(tok).min_count == 2
