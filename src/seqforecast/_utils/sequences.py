"""Validation of sequence inputs: X as 3-D / 2-D arrays or lists of variable-length sequences, y targets.

Every function raises a specific exception whose message says what was expected, what came (shapes,
counts, positions) and how to fix it, naming the calling estimator (``name``). Nothing is dropped,
reordered or imputed. The sequence convention is tslearn's: ``(n_samples, n_timesteps, n_features)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .finite import check_finite as _check_finite

__all__ = ["Sequences", "check_sequences", "check_finite", "check_n_samples", "as_numeric_array"]


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


def as_numeric_array(data, *, what, name, dtype=np.float64):
    """Convert array-like ``data`` to a numeric ndarray of ``dtype``, rejecting sparse, complex, text.

    Raises
    ------
    TypeError
        Sparse input, or values that are not numbers (strings, objects).
    ValueError
        Complex values.
    """
    if sp.issparse(data):
        raise TypeError(
            f"{name} does not accept sparse {what} (got {type(data).__name__} of shape {data.shape}): "
            f"sequence models need dense arrays. Convert it with {what}.toarray()."
        )
    if hasattr(data, "to_numpy") and hasattr(data, "dtypes"):  # pandas: nullable dtypes -> NaN
        try:
            data = data.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            data = data.to_numpy()
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


def _as_token_array(arr, *, name, where):
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
            arr = np.asarray(seq)
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
            arr = np.asarray(X.to_numpy() if hasattr(X, "to_numpy") else X)
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
