"""Validation of sequence inputs: X as 3-D / 2-D arrays or lists of variable-length sequences, y targets.

Every function raises a specific exception whose message says what was expected, what came (shapes,
counts, positions) and how to fix it, naming the calling estimator (``name``). Nothing is dropped,
reordered or imputed. The sequence convention is tslearn's: ``(n_samples, n_timesteps, n_features)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from .finite import check_finite as _check_finite
from .finite import check_missing as _check_missing

__all__ = ["Sequences", "check_sequences", "check_finite", "check_labels", "check_n_samples", "as_numeric_array"]


@dataclass(frozen=True)
class Sequences:
    """Validated sequences, padded to a common length.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_features), float32; or int64 of shape
        (n_samples, n_timesteps) for token ids. Zero past each length.
    lengths : ndarray of shape (n_samples,), int64, or None
        Real length of every sequence when X was a list of sequences of different lengths (variable-length
        input); None for arrays and for lists whose sequences all have the same length (read exactly as
        the stacked array, so ``X.tolist()`` behaves like ``X``).
    layout : {"2d", "3d", "list"}
        How X came: a 2-D array (one feature per step), a 3-D array, or a list of sequences.
    shape : tuple of int
        ``X.shape`` as given (the padded shape for a list), for messages.
    """

    values: np.ndarray
    lengths: np.ndarray | None
    layout: str
    shape: tuple

    @property
    def n_samples(self):
        return self.values.shape[0]

    @property
    def n_timesteps(self):
        return self.values.shape[1]

    @property
    def n_features(self):
        return 1 if self.values.ndim == 2 else self.values.shape[2]


def _position(index, layout, what="X"):
    """Format a position: ``X[i, t, f]`` in an array, ``X[i][t, f]`` in a list of sequences."""
    index = [str(int(i)) for i in index]
    if layout == "list":
        return f"{what}[{index[0]}][{', '.join(index[1:])}]"
    return f"{what}[{', '.join(index)}]"


def _is_pandas(data):
    return hasattr(data, "to_numpy") and hasattr(data, "dtypes")


def _check_no_missing(arr, *, what, name, fix=None):
    """Refuse missing-value markers (None, pd.NA, NaT, NaN) in an object array, naming ``what[i, ...]``."""
    _check_missing(
        arr,
        what,
        position=lambda index: f"{what}[{', '.join(str(i) for i in index)}]",
        fix=fix
        or f"{name} cannot train or predict on missing values: drop or impute them before calling it (nothing "
        "is imputed silently).",
    )


def _from_pandas(data, *, what, name, fix=None):
    """A pandas Series or DataFrame as an ndarray, nullable columns (``Int64``, ``Float64``, ``boolean``)
    converted exactly to their numpy dtypes; a missing value in them (``pd.NA``) is refused with its position.

    Columns of numpy dtypes are converted as they are (a float NaN is left to :func:`check_finite`).
    """
    dtypes = [data.dtype] if data.ndim == 1 else list(data.dtypes)
    if all(isinstance(dt, np.dtype) and dt.kind != "O" for dt in dtypes):
        return data.to_numpy()
    values = data.to_numpy(dtype=object)  # missing markers kept as they are: [n] or [n, c]
    _check_no_missing(values, what=what, name=name, fix=fix)
    kinds = [getattr(dt, "numpy_dtype", dt) for dt in dtypes]  # Int64 -> int64, Float64 -> float64, ...
    if all(isinstance(dt, np.dtype) and dt.kind in "biuf" for dt in kinds):
        return data.to_numpy(dtype=np.result_type(*kinds))  # no NA left: exact
    return values


def as_numeric_array(data, *, what, name, dtype=np.float64):
    """Convert array-like ``data`` to a numeric ndarray of ``dtype``, rejecting sparse, complex, text and
    missing-value markers (None, ``pd.NA``: pandas' nullable columns are read exactly when they hold none).

    Raises
    ------
    TypeError
        Sparse input, or values that are not numbers (strings, objects).
    ValueError
        Complex values; None or ``pd.NA`` among the values (named with the position of the first).
    """
    if sp.issparse(data):
        raise TypeError(
            f"{name} does not accept sparse {what} (got {type(data).__name__} of shape {data.shape}): "
            f"sequence models need dense arrays. Convert it with {what}.toarray()."
        )
    if _is_pandas(data):
        data = _from_pandas(data, what=what, name=name)
    arr = np.asarray(data)
    if np.iscomplexobj(arr):
        raise ValueError(
            f"Complex data not supported: {name} got complex {what} (dtype {arr.dtype}). Pass real "
            f"values, e.g. split real and imaginary parts into two features."
        )
    if arr.dtype.kind in "USV":
        raise TypeError(
            f"{name} expects numeric {what}; got an array of strings/bytes (dtype {arr.dtype}). "
            "Convert it to numbers explicitly (e.g. token ids or one-hot features)."
        )
    if arr.dtype == object:
        _check_no_missing(arr, what=what, name=name)
    try:
        with np.errstate(all="ignore"):  # float64 -> float32 overflow becomes inf, reported later
            return arr.astype(dtype, copy=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} expects numeric {what}; got dtype {arr.dtype} whose values cannot be read as "
            f"numbers ({exc}). Encode text or categories as numbers first (e.g. token ids, one-hot)."
        ) from exc


def check_finite(arr, *, what, name, layout="3d", hint=""):
    """:func:`seqforecast._utils.finite.check_finite` for an estimator ``name``'s inputs: positions read
    ``X[i, t, f]`` (``X[i][t, f]`` in a list of sequences), and the fix names the estimator."""
    _check_finite(
        arr,
        what,
        position=lambda index: _position(index, layout, what),
        fix=f"{name} cannot train or predict on missing or infinite values{hint}: drop or impute them before "
        "calling it (nothing is imputed silently).",
    )


def check_n_samples(n_X, n_y, *, name):
    """Raise ValueError when X and y hold different numbers of samples."""
    if n_X != n_y:
        raise ValueError(
            f"X and y have different numbers of samples: X holds {n_X} sequences, y holds {n_y} rows. "
            f"{name} needs one target row per sequence; check that both were cut from the same windows."
        )


def _reshape_hint(shape):
    return (
        f"got a 1-D array of shape {shape}. Reshape your data either using X.reshape(1, -1) if it is "
        "one sequence with one feature per step, or X.reshape(-1, 1) if it holds one-step sequences"
    )


def _token_values(seq, *, name, where):
    """Token ids as given (a pandas nullable ``Int64`` column read exactly), missing markers refused."""
    arr = _from_pandas(seq, what=where, name=name) if _is_pandas(seq) else np.asarray(seq)
    if arr.dtype == object:
        _check_no_missing(arr, what=where, name=name)
    return arr


def _as_token_array(arr, *, name, where):
    if arr.dtype.kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
        raise ValueError(
            f"{name}: {where} holds token id {arr.max()}, beyond the int64 range torch indexes with; token "
            "ids index rows of an embedding table: map them to 0..n_distinct - 1 first (e.g. with "
            "np.unique(X, return_inverse=True))."
        )
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name} has embedding_dim set, so X must hold integer token ids; {where} has dtype "
            f"{arr.dtype}. Cast with X.astype(int), or set embedding_dim=None for real-valued features."
        )
    return arr.astype(np.int64, copy=False)


def _check_tokens_nonnegative(values, lengths, *, name, layout):
    negative = values < 0
    if lengths is not None:
        negative &= np.arange(values.shape[1])[None, :] < lengths[:, None]
    if negative.any():
        bad = np.argwhere(negative)
        where = _position(bad[0], layout)
        raise ValueError(
            f"Token ids must be >= 0; X holds {len(bad)} negative id(s), the first at {where} = "
            f"{values[tuple(bad[0])]}. {name} looks token ids up in an embedding table of rows 0..max id."
        )


def _is_sequence_list(X):
    if isinstance(X, (list, tuple)):
        return True
    return (
        isinstance(X, np.ndarray)
        and X.dtype == object
        and X.ndim == 1
        and X.size > 0
        and all(isinstance(x, (np.ndarray, list, tuple)) or hasattr(x, "to_numpy") for x in X)
    )


def _check_list(X, *, name, tokens):
    if len(X) == 0:
        raise ValueError(
            f"{name} got an empty list of sequences (0 samples); expected at least one sequence of "
            "shape (n_timesteps,) or (n_timesteps, n_features)."
        )
    seqs = []
    for i, seq in enumerate(X):
        if tokens:
            arr = _token_values(seq, name=name, where=f"X[{i}]")
            arr = _as_token_array(arr, name=name, where=f"X[{i}]")
            if arr.ndim != 1:
                raise ValueError(
                    f"{name} expects each token sequence to be 1-D (n_timesteps,); X[{i}] has shape {arr.shape}."
                )
        else:
            arr = as_numeric_array(seq, what=f"X[{i}]", name=name, dtype=np.float32)
            if arr.ndim == 0:
                raise ValueError(
                    f"{name} expects X to be a 2-D or 3-D array or a list of sequences; {_reshape_hint((len(X),))}."
                )
            if arr.ndim == 1:
                arr = arr[:, None]  # [T_i] -> [T_i, 1]
            if arr.ndim != 2:
                raise ValueError(
                    f"{name} expects each sequence of a list to have shape (n_timesteps,) or "
                    f"(n_timesteps, n_features); X[{i}] has shape {arr.shape}."
                )
            if seqs and arr.shape[1] != seqs[0].shape[1]:
                raise ValueError(
                    f"All sequences must have the same number of features per step: X[0] has "
                    f"{seqs[0].shape[1]}, X[{i}] has {arr.shape[1]}. Only the number of time steps may vary."
                )
            if arr.shape[1] == 0:
                raise ValueError(f"X[{i}] has 0 feature(s) per step; {name} needs at least 1.")
        if arr.shape[0] == 0:
            raise ValueError(
                f"X[{i}] is an empty sequence (0 time steps); {name} needs at least one step in every "
                "sequence. Remove it (and its target) before calling."
            )
        seqs.append(arr)
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    if (lengths == lengths[0]).all():  # same length: exactly the stacked array, X.tolist() == X
        return np.stack(seqs), None
    n_features = None if tokens else seqs[0].shape[1]
    shape = (len(seqs), int(lengths.max())) + (() if tokens else (n_features,))
    values = np.zeros(shape, dtype=np.int64 if tokens else np.float32)
    for i, s in enumerate(seqs):
        values[i, : len(s)] = s  # [T_i, F] -> padded row [T, F]
    return values, lengths


def check_sequences(X, *, name, tokens=False):
    """Validate sequence input and return it padded, as float32 values (or int64 token ids).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), or list
        A 3-D array; a 2-D array (or DataFrame) read as one feature per step; or a list of arrays of
        shape (n_timesteps_i, n_features) / (n_timesteps_i,) of different lengths (variable length).
    name : str
        The calling estimator's class name, for messages.
    tokens : bool, default=False
        Expect integer token ids: a 2-D integer array (n_samples, n_timesteps) or a list of 1-D ones.

    Returns
    -------
    Sequences
    """
    if _is_sequence_list(X):
        values, lengths = _check_list(X, name=name, tokens=tokens)
        layout, shape = "list", values.shape
    else:
        lengths = None
        if tokens:
            if sp.issparse(X):
                as_numeric_array(X, what="X", name=name)  # raises the sparse message
            arr = _token_values(X, name=name, where="X")
            if arr.ndim != 2:
                raise ValueError(
                    f"{name} has embedding_dim set, so X must hold token ids of shape (n_samples, "
                    f"n_timesteps) or be a list of 1-D token sequences; got an array of shape {arr.shape}."
                )
            values = _as_token_array(arr, name=name, where="X")
        else:
            values = as_numeric_array(X, what="X", name=name, dtype=np.float32)
        shape = values.shape
        if values.ndim not in (2, 3):
            if values.ndim == 1:
                raise ValueError(f"{name} expects a 2-D or 3-D X; {_reshape_hint(shape)}.")
            raise ValueError(
                f"{name} expects X of shape (n_samples, n_timesteps, n_features) or (n_samples, "
                f"n_timesteps); got a {values.ndim}-D array of shape {shape}. Merge the extra axes into "
                "features, e.g. X.reshape(n_samples, n_timesteps, -1)."
            )
        layout = "2d" if values.ndim == 2 else "3d"
        if shape[0] == 0:
            raise ValueError(f"{name} got an empty X of shape {shape} (0 samples); at least one sequence is required.")
        if shape[1] == 0:
            raise ValueError(
                f"{name} got an X with 0 feature(s) (shape={shape}) while a minimum of 1 is required: "
                "axis 1 holds the time steps, and every sequence needs at least one."
            )
        if values.ndim == 3 and shape[2] == 0:
            raise ValueError(f"{name} got an X with 0 features per step (shape={shape}); at least 1 is required.")
        if not tokens and values.ndim == 2:
            values = values[:, :, None]  # [n, T] -> [n, T, 1]
    if tokens:
        _check_tokens_nonnegative(values, lengths, name=name, layout=layout)
    else:
        pos_layout = "list" if layout == "list" else "3d"
        check_finite(
            values if layout != "2d" else values[:, :, 0],
            what="X",
            name=name,
            layout=pos_layout,
            hint=" (values beyond float32's range count as infinite)",
        )
    if not values.flags.writeable:  # read-only memmaps: torch.from_numpy would warn
        values = values.copy()
    values = np.ascontiguousarray(values)  # torch.from_numpy refuses negative strides (X[::-1])
    return Sequences(values=values, lengths=lengths, layout=layout, shape=tuple(shape))


_UNLABELLED = (
    "{name} cannot train on samples without a label: drop them, and their sequences, before calling it "
    "(nothing is imputed silently)."
)


def _label_kind(value):
    """The kind of one label: "number", "bool", "str", "bytes", or the name of another type."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (Integral, Real)):
        return "number"
    if isinstance(value, str):
        return "str"
    return "bytes" if isinstance(value, bytes) else type(value).__name__


def _shown(value):
    """A label as Python shows it: ``1``, not ``np.int64(1)``."""
    return value.item() if isinstance(value, np.generic) else value


def _mixed_labels(arr, *, name):
    """Raise TypeError when the labels of object array ``arr`` mix kinds or are of a kind that is no label."""
    flat = arr.ravel()
    kinds = [_label_kind(v) for v in flat]
    first = kinds[0]
    other = next((i for i, kind in enumerate(kinds) if kind != first), None)
    where = lambda i: _position(np.unravel_index(i, arr.shape), "3d", "y")  # noqa: E731
    if other is not None:
        raise TypeError(
            f"{name} expects class labels of one type in y (all numbers, all strings or all booleans); got "
            f"{first} and {kinds[other]} labels, e.g. {where(0)} = {_shown(flat[0])!r} and {where(other)} = "
            f"{_shown(flat[other])!r}. Convert them to one type first, e.g. [str(label) for label in y]."
        )
    if first not in ("number", "bool", "str", "bytes"):
        raise TypeError(
            f"{name} expects class labels in y that are numbers, strings or booleans; got labels of type "
            f"{first}, e.g. {where(0)} = {_shown(flat[0])!r}. Encode them as ints or strings first."
        )


def check_labels(y, *, name):
    """Validate class labels and return them as an ndarray of one type (numbers, strings or booleans).

    pandas' nullable columns (``Int64``, ``boolean``, ``string``) are read exactly; a list mixing types is
    refused rather than turned into strings by numpy (``[1, "a"]`` would become ``["1", "a"]``).

    Raises
    ------
    ValueError
        A scalar ``y``; missing labels (None, NaN, ``pd.NA``) or infinite ones; continuous values
        (non-integer floats), which are a regression target.
    TypeError
        Sparse ``y``, labels mixing types, labels of a type that is no label (complex, dates, containers).
    """
    if sp.issparse(y):
        raise TypeError(
            f"{name} does not accept sparse y (got {type(y).__name__} of shape {y.shape}); pass the labels as a "
            "dense 1-D array (y.toarray().ravel())."
        )
    if _is_pandas(y):
        arr = _from_pandas(y, what="y", name=name, fix=_UNLABELLED.format(name=name))
    elif isinstance(y, (list, tuple)):
        arr = np.asarray(y, dtype=object)  # each label keeps its type ([n], or [n, T] for labels per step)
    else:
        arr = np.asarray(y)
    if arr.ndim == 0:
        raise ValueError(f"{name} expects y with one label per sequence; got a scalar y ({arr.item()!r}).")
    if arr.dtype == object and arr.size:
        if any(_label_kind(v) != "number" for v in arr.flat):  # numbers alone: a float NaN is checked below
            _check_no_missing(arr, what="y", name=name, fix=_UNLABELLED.format(name=name))
            _mixed_labels(arr, name=name)
        arr = np.asarray(arr.tolist())  # one kind: ints, floats, bools or strings
    if arr.dtype.kind == "f":
        check_finite(arr, what="y", name=name)
        fractional = arr != np.round(arr)
        if fractional.any():
            first = tuple(int(i) for i in np.argwhere(fractional)[0])
            raise ValueError(
                f"{name} is a classifier and expects discrete class labels in y; got continuous values "
                f"(non-integer floats), e.g. {_position(first, '3d', 'y')} = {arr[first]}. For a continuous "
                "target use RNNRegressor; for labels stored as floats, cast them (y.astype(int))."
            )
    elif arr.dtype.kind not in "biuUSO":
        raise TypeError(
            f"{name} expects class labels in y that are numbers, strings or booleans; got y of dtype "
            f"{arr.dtype}. Encode them as ints or strings first."
        )
    return arr
