"""Raw text to token-id sequences: :class:`TextTokenizer`, the first step of a pipeline in front of
``RNNClassifier(embedding_dim=...)``.

A text becomes a 1-D array of token ids; texts give arrays of different lengths, which the sequence
estimators take as a list (padded and packed inside the net)::

    "Not good. Not good at all!"
      -> tokens   not  good  .  not  good  at  all  !
      -> ids       2     3   4    2     3   1    1  5      (a vocabulary without "at" and "all": unknown, 1)
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._utils.validation import options, positive_int, validate_params

__all__ = ["PAD_ID", "UNKNOWN_ID", "PAD_TOKEN", "UNKNOWN_TOKEN", "TOKEN_PATTERN", "TextTokenizer"]

#: The id of padding: no token gets it, so an id sequence padded with it reads back unchanged.
PAD_ID = 0
#: The id of every token that is not in the vocabulary (and of a text with no tokens at all).
UNKNOWN_ID = 1
#: How :attr:`TextTokenizer.tokens_` names the two reserved ids.
PAD_TOKEN, UNKNOWN_TOKEN = "<pad>", "<unk>"

#: The default word pattern: runs of letters and digits with inner apostrophes ("don't" is one token), and
#: every other non-space character on its own ("!", ".", ":" are tokens: they carry sentiment and sentence
#: ends). The underscore counts as a letter, as in Python's ``\w``.
TOKEN_PATTERN = r"\w+(?:'\w+)*|[^\w\s]"


def _documents(X, name):
    """``X`` as a list of str, refusing what is not an iterable of str (with the position of the first
    item that is not one)."""
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} expects an iterable of texts (one str per document), got a single {type(X).__name__} "
            f"({X[:40]!r}). Wrap it in a list: [text]."
        )
    if hasattr(X, "columns") and hasattr(X, "iloc"):  # a DataFrame: iterating it would give its column names
        raise TypeError(
            f"{name} expects a 1-D iterable of texts, got a DataFrame of shape {X.shape}. Pass the column "
            "that holds the texts, e.g. X['text'] (in a ColumnTransformer give the column as a name, "
            "'text', not a list ['text'])."
        )
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(
            f"{name} expects a 1-D iterable of texts, got an array of shape {X.shape}. Pass one text per "
            "element, e.g. X.ravel() for a single column."
        )
    try:
        docs = list(X.to_numpy() if hasattr(X, "to_numpy") else X)  # a Series by position, not by label
    except TypeError:
        raise TypeError(
            f"{name} expects an iterable of texts (one str per document), got {type(X).__name__}."
        ) from None
    for i, doc in enumerate(docs):
        if isinstance(doc, str):
            continue
        if doc is None or (isinstance(doc, float) and doc != doc) or type(doc).__name__ in ("NAType", "NaTType"):
            raise ValueError(
                f"{name} expects every document to be a str; X[{i}] is {doc!r}, a missing value. Drop or fill "
                "missing texts before calling it (e.g. X.fillna('') makes them empty texts)."
            )
        raise TypeError(
            f"{name} expects every document to be a str; X[{i}] is {doc!r} of type {type(doc).__name__}. "
            "Convert the documents to str first (bytes: decode them)."
        )
    return docs


class TextTokenizer(TransformerMixin, BaseEstimator):
    """Raw texts to sequences of token ids, with a vocabulary learnt in ``fit``.

    Each text becomes a 1-D ``int64`` array of its tokens' ids, so texts of different lengths give arrays of
    different lengths: the list that ``RNNClassifier(embedding_dim=...)`` (and ``RNNRegressor``) take as
    variable-length input. Two ids are reserved: ``0`` for padding (no token ever gets it, so it never occurs
    inside a sequence) and ``1`` for an unknown token (one not in the vocabulary: unseen in ``fit``, or
    dropped by ``min_count`` / ``max_vocabulary``). The vocabulary's tokens get ids from 2 in order of
    decreasing count in the training texts; tokens of equal count in order of first appearance. So the
    ids, and an embedding table indexed by them, are the same whenever the training texts are.

    Parameters
    ----------
    level : {"word", "char"}, default="word"
        ``"word"``: the tokens are the matches of ``token_pattern``. ``"char"``: every character is a token,
        spaces and punctuation included (``token_pattern`` is not used).
    lowercase : bool, default=True
        Lower-case the texts (``str.lower``) before splitting them, in ``fit`` and ``transform``.
    max_vocabulary : int >= 1 or None, default=None
        Keep only this many tokens, the most frequent (after ``min_count``), in addition to the two
        reserved ids: an embedding table then has at most ``max_vocabulary + 2`` rows. None keeps all.
    min_count : int >= 1, default=1
        Keep only tokens that occur at least this many times in the training texts.
    token_pattern : str, default=TOKEN_PATTERN
        The regular expression whose matches (the whole match, whatever groups it has) are the tokens at
        ``level="word"``. The default, ``r"\\w+(?:'\\w+)*|[^\\w\\s]"``, takes words with their inner
        apostrophes ("don't") and every punctuation mark as a token of its own; whitespace separates tokens
        and is dropped.

    Attributes
    ----------
    vocabulary_ : dict of str -> int
        Token -> id, ids from 2; in id order.
    tokens_ : ndarray of str (object) of shape (n_tokens + 2,)
        Id -> token: ``tokens_[0] == "<pad>"``, ``tokens_[1] == "<unk>"``, then the vocabulary in id order.
    token_counts_ : ndarray of int64 of shape (n_tokens + 2,)
        How often each id's token occurs in the training texts; for id 1, how many tokens of the training
        texts were mapped to unknown (dropped by ``min_count`` or ``max_vocabulary``); 0 for padding.

    Notes
    -----
    **A text with no token** (an empty text, or only spaces, or only characters the pattern skips) becomes
    ``[1]``, one unknown token, not an empty array: a recurrent net needs at least one step per sequence,
    and "nothing known" is what such a text says. ``inverse_transform`` reads it back as ``"<unk>"``.

    **Training texts of one length.** ``RNNClassifier`` (``many_to_one``) reads a list of token sequences as
    texts of any length, even when the training texts all have the same number of tokens (a toy corpus), so
    its ``predict`` takes texts of other lengths.

    **No** ``get_feature_names_out``: the output is a list of sequences, not columns of features; the name
    of each id is ``tokens_[id]``. ``set_output`` therefore leaves the output as it is.

    Examples
    --------
    >>> from seqforecast.preprocessing import TextTokenizer
    >>> tok = TextTokenizer().fit(["Not good.", "Good, good food!"])
    >>> tok.vocabulary_
    {'good': 2, 'not': 3, '.': 4, ',': 5, 'food': 6, '!': 7}
    >>> [ids.tolist() for ids in tok.transform(["not bad", ""])]
    [[3, 1], [1]]
    >>> tok.inverse_transform([[3, 2, 4]])
    ['not good .']
    """

    _parameter_constraints = {
        "level": [options({"word", "char"})],
        "lowercase": ["boolean"],
        "max_vocabulary": [positive_int(), None],
        "min_count": [positive_int()],
        "token_pattern": [str],
    }

    def __init__(self, *, level="word", lowercase=True, max_vocabulary=None, min_count=1, token_pattern=TOKEN_PATTERN):
        self.level = level
        self.lowercase = lowercase
        self.max_vocabulary = max_vocabulary
        self.min_count = min_count
        self.token_pattern = token_pattern

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _splitter(self):
        """A function text -> list of tokens, as the parameters say (checked here)."""
        name = type(self).__name__
        validate_params(self)
        lower = str.lower if self.lowercase else str
        if self.level == "char":
            return lambda text: list(lower(text))
        try:
            pattern = re.compile(self.token_pattern)
        except re.error as error:
            raise ValueError(
                f"The 'token_pattern' parameter of {name} is not a valid regular expression: {error} (in "
                f"{self.token_pattern!r}). Fix the expression, or use the default TOKEN_PATTERN."
            ) from None
        return lambda text: [match.group(0) for match in pattern.finditer(lower(text)) if match.group(0)]

    def fit(self, X, y=None):
        """Learn the vocabulary of the texts ``X``.

        Parameters
        ----------
        X : iterable of str of length n_samples
            The training texts: a list, a 1-D array or a pandas Series of str (a generator is read once).
            A bare string, a DataFrame, missing values and items that are not str are refused.
        y : None
            Ignored; here for the pipeline.

        Returns
        -------
        self : TextTokenizer
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``, reading ``X`` once (so a generator works too).

        Returns
        -------
        ids : list of n_samples ndarrays of int64 of shape (n_tokens_i,)
        """
        docs, split = self._fit(X)
        return self._ids(docs, split)

    def _fit(self, X):
        name = type(self).__name__
        split = self._splitter()
        docs = _documents(X, name)
        if not docs:
            raise ValueError(f"{name} needs at least one text to learn a vocabulary from; got 0 texts.")
        counts = Counter()  # insertion order = order of first appearance, kept by most_common's stable sort
        for doc in docs:
            counts.update(split(doc))
        ranked = sorted(counts.items(), key=lambda item: -item[1])  # stable: ties keep first appearance
        kept = [(token, count) for token, count in ranked if count >= self.min_count]
        if self.max_vocabulary is not None:
            kept = kept[: self.max_vocabulary]
        if not kept:
            if not counts:
                raise ValueError(
                    f"{name} found no token in the {len(docs)} training text(s) (all empty, or no match of "
                    f"token_pattern={self.token_pattern!r}), so it has no vocabulary. Check the texts, or use "
                    "level='char' or another token_pattern."
                )
            top, top_count = ranked[0]
            raise ValueError(
                f"{name}: min_count={self.min_count} leaves no token in the vocabulary: the most frequent "
                f"token, {top!r}, occurs {top_count} time(s) in the training texts. Lower min_count to at "
                f"most {top_count}."
            )
        # Every check passed: only now touch self.
        n_unknown = sum(counts.values()) - sum(count for _, count in kept)
        self.vocabulary_ = {token: i for i, (token, _) in enumerate(kept, start=2)}
        self.tokens_ = np.array([PAD_TOKEN, UNKNOWN_TOKEN] + [token for token, _ in kept], dtype=object)
        self.token_counts_ = np.array([0, n_unknown] + [count for _, count in kept], dtype=np.int64)
        return docs, split

    def _ids(self, docs, split):
        vocabulary = self.vocabulary_
        out = []
        for doc in docs:
            ids = [vocabulary.get(token, UNKNOWN_ID) for token in split(doc)]
            out.append(np.array(ids or [UNKNOWN_ID], dtype=np.int64))
        return out

    def transform(self, X):
        """The token ids of each text.

        Parameters
        ----------
        X : iterable of str of length n_samples

        Returns
        -------
        ids : list of n_samples ndarrays of int64 of shape (n_tokens_i,)
            Ids of the vocabulary (from 2), or 1 for a token not in it; ``[1]`` for a text with no token. A
            list even when all texts have the same number of tokens.
        """
        check_is_fitted(self)
        split = self._splitter()
        return self._ids(_documents(X, type(self).__name__), split)

    def inverse_transform(self, X):
        """The texts of id sequences: tokens joined by a space (``level="word"``) or by nothing (``"char"``).

        Not the original texts: the case, and the spaces around punctuation, are as the tokens have them;
        unknown tokens read ``"<unk>"``. Padding ids (0) are left out, so a padded 2-D array of ids reads
        back as its unpadded sequences.

        Parameters
        ----------
        X : list of 1-D arrays (or lists) of int, or a 2-D array of int of shape (n_samples, n_timesteps)

        Returns
        -------
        texts : list of n_samples str
        """
        check_is_fitted(self)
        name = type(self).__name__
        tokens = self.tokens_
        sep = "" if self.level == "char" else " "
        if isinstance(X, (str, bytes)) or (isinstance(X, np.ndarray) and X.ndim not in (1, 2)):
            raise TypeError(
                f"{name}.inverse_transform expects a list of 1-D id arrays (or a 2-D array of ids, one row per "
                f"text), got {type(X).__name__}{getattr(X, 'shape', '')}."
            )
        texts = []
        for i, seq in enumerate(X):
            ids = np.asarray(seq)
            if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
                ok = ids.ndim == 1 and ids.dtype.kind == "f" and np.array_equal(ids, np.round(ids))
                if not ok:
                    raise TypeError(
                        f"{name}.inverse_transform expects each sequence to be a 1-D array of integer ids; X[{i}] "
                        f"has shape {ids.shape} and dtype {ids.dtype}."
                    )
            ids = ids.astype(np.int64)
            bad = np.flatnonzero((ids < 0) | (ids >= len(tokens)))
            if bad.size:
                raise ValueError(
                    f"{name}.inverse_transform: X[{i}][{bad[0]}] = {ids[bad[0]]} is not an id of this "
                    f"vocabulary, whose ids are 0..{len(tokens) - 1}."
                )
            texts.append(sep.join(tokens[ids[ids != PAD_ID]].tolist()))
        return texts
