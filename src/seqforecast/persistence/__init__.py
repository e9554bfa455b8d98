"""Model files that never unpickle: :func:`save` and :func:`load`.

A model file is a zip archive holding

* ``model.json``: the format and its version, the versions of the libraries that wrote it (seqforecast,
  python, torch, skorch, scikit-learn, numpy, pandas), and the model as a tree: each estimator as its class's
  stable name (``"seqforecast.<ClassName>"``, ``"sklearn.linear_model.Ridge"``: see :mod:`._registry`), its
  constructor parameters and its fitted attributes;
* ``arrays/<n>.npy``: numpy arrays (``np.save``, without pickles);
* ``tensors/<n>.safetensors``: torch state dicts and tensors (safetensors: raw bytes and a JSON header).
  Files of formats 1 and 2 (seqforecast 0.1 and 0.2.0) hold ``tensors/<n>.pt`` (``torch.save``) instead;
  load reads them with torch's ``weights_only`` loader, with torch 2.6 or later only, and checks what they
  hold as it checks safetensors.

Files from others may be made to attack the reader. :func:`load` takes a file as data, never as code:

* it imports nothing and resolves no name a file gives: classes come from the registry of the classes a
  model file may hold (seqforecast's, a list of scikit-learn estimators whose state is plain arrays, torch's
  optimizers and the losses of the nets), and any other name is refused, dotted names into seqforecast
  itself included;
* it sets on an estimator only the parameters its class takes and fitted attributes (names ending in ``_``,
  and a few private names the registry lists), never a name the class defines (a file cannot replace
  ``predict``), and it rebuilds a net only from weights that have the keys, shapes and dtypes of the net its
  saved settings build (checked on torch's meta device, before any memory is allocated) and finite values;
* it refuses, from the zip directory and the members' headers and before it reads them, archives over the
  limits of :mod:`._limits` (sizes, compression ratio, number of members, JSON nesting, tensors per net),
  encrypted members, compression methods other than stored and deflated, duplicate or unexpected member
  names, and overlapping members; it reads a member in chunks up to its declared size only, and each once.

Anything else, a modified array, a truncated archive or a newer format raises
:class:`~seqforecast.exceptions.ModelFileError` (a ``ValueError``) that says what came and what was expected.
Predicting with a loaded model runs seqforecast's, scikit-learn's and torch's code on the values the file
gave, within the types and shapes above; a file can still make a model predict badly, or slowly (a fitted
horizon of a billion steps), so a model from a stranger deserves the checks any new model gets.

What can be stored: numbers, strings, None, lists, tuples and dicts of them, numpy arrays and scalars (object
arrays element by element), pandas Series and DataFrames with numpy dtypes on a RangeIndex, PeriodIndex,
DatetimeIndex (freq and time zone kept) or plain Index, Timestamps, Periods, offsets, seqforecast's
``TimeIndex`` and fitted-state records (``ThetaFit``), numpy ``RandomState``/``Generator`` objects, torch
tensors, the scikit-learn estimators of the registry (nested, as in ``Pipeline`` or ``MultiOutputRegressor``),
and the net of :class:`~seqforecast.RNNRegressor` / :class:`~seqforecast.RNNClassifier` (stored as the state
the estimator gives, and rebuilt by the estimator from its parameters, without training, with the saved
weights; see :mod:`._format`). Not stored, with an error saying so at ``save``: statsmodels results
(:class:`~seqforecast.ETSForecaster`, statsmodels-based ARIMA), custom skorch callbacks (the ``callbacks``
parameter), ``Pipeline(memory=...)``, scikit-learn estimators outside the registry (trees, neighbours, SVMs:
their state goes to compiled code that trusts it), and any other class. Use pickle or joblib for those, and
load such files only from sources you trust: unpickling runs code chosen by whoever wrote the file.

Pickle and joblib keep working for every seqforecast model, but only unpickle files you trust; :func:`save`
and :func:`load` are the safe format for files that travel.
"""

from __future__ import annotations

import json
import os
import zipfile

from .. import __version__
from .._utils.metadata import versions
from ..estimators import resolve_device
from ..exceptions import ModelFileError
from ._archive import MODIFIED, Archive, Problem, parse_json
from ._format import FORMAT, FORMAT_VERSION, JSON
from ._reader import Reader
from ._writer import Writer

__all__ = ["save", "load", "FORMAT_VERSION"]

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no wall-clock time: same model, same bytes
_VERSIONS = ("seqforecast", "python", "torch", "skorch", "sklearn", "numpy", "pandas")


def _versions():
    """The versions of the libraries that write the file, in a fixed order."""
    found = versions([name for name in _VERSIONS if name != "python"])
    return {name: found[name] for name in _VERSIONS}


def save(model, path):
    """Write a seqforecast model (fitted or not) to a model file that :func:`load` reads without unpickling.

    Parameters
    ----------
    model : estimator
        A seqforecast estimator or forecaster, or a scikit-learn estimator (e.g. a ``Pipeline``) made of
        seqforecast and scikit-learn parts.
    path : str or os.PathLike
        Where to write the file (a zip archive; any suffix). Written to a temporary file first and then
        moved into place, so a failed save never leaves a half-written file at ``path``.

    Raises
    ------
    TypeError
        The model holds something the safe format does not store (statsmodels results, skorch callbacks,
        a class outside the registry, an attribute a model file may not set); the message names where and
        what. Use pickle or joblib for such models, and unpickle only files you trust.
    ValueError
        A net's weights are not finite (load would refuse the file).

    Examples
    --------
    >>> seqforecast.save(forecaster, "airline.zip")                     # doctest: +SKIP
    >>> seqforecast.load("airline.zip").forecast(12)                    # doctest: +SKIP
    """
    writer = Writer()
    tree = writer.encode(model, type(model).__name__)
    doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "versions": _versions(), "model": tree}
    text = json.dumps(doc, allow_nan=False, indent=1)
    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.tmp"  # same folder: os.replace is atomic
    try:
        with open(tmp, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [(JSON, text.encode("utf-8")), *writer.members.items()]:
                archive.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load(path, *, device=None):
    """Read a model written by :func:`save`; nothing in the file is unpickled or executed.

    Parameters
    ----------
    path : str or os.PathLike
        A model file.
    device : str or None, default=None
        Torch device for the nets' weights (``"cpu"``, ``"cuda"``...). None keeps the device each net was
        trained on when it is available here, and falls back to ``"cpu"`` otherwise (a model trained on a
        GPU loads on a CPU-only machine; its ``device_`` then says ``"cpu"``, while its ``device``
        parameter, used by a refit, is kept as saved).

    Returns
    -------
    model : estimator
        The model, with its parameters and fitted attributes; predictions equal the saved model's.

    Raises
    ------
    ModelFileError
        The file is truncated or modified, names a class outside the registry, sets what its classes do not
        hold, holds weights that do not fit their net or are not finite, is over a limit of
        ``seqforecast.persistence._limits``, or was written in a newer format than this version reads
        (upgrade seqforecast then).
    """
    path = os.fspath(path)
    if device is not None:
        device = resolve_device(device, "load")
    with Archive(path) as archive:
        if JSON not in archive.names:
            raise ModelFileError(f"{path} has no {JSON}: it is not a seqforecast model file.")
        try:
            archive.check()
            doc = parse_json(archive.read(JSON))
        except Problem as problem:
            raise ModelFileError(f"{path}: {problem.what} (at {JSON}). {problem.fix}") from None
        doc = doc if isinstance(doc, dict) and "model" in doc else {}
        fmt, version, versions = doc.get("format"), doc.get("format_version"), doc.get("versions")
        if not (fmt == FORMAT and type(version) is int and version >= 1):
            raise ModelFileError(
                f"{path}: format {fmt!r} version {version!r}, expected {FORMAT!r} and a version >= 1 (at {JSON}). "
                f"{MODIFIED}"
            )
        if version > FORMAT_VERSION:
            writer = versions.get("seqforecast", "?") if isinstance(versions, dict) else "?"
            raise ModelFileError(
                f"{path} was written by seqforecast {writer} with model-file format {version}; this is "
                f"seqforecast {__version__}, which reads formats <= {FORMAT_VERSION}. Upgrade seqforecast "
                "(pip install --upgrade seqforecast) to load it."
            )
        try:
            archive.check_names()
        except Problem as problem:
            raise ModelFileError(f"{path}: {problem.what}. {problem.fix}") from None
        return Reader(archive, path, device, version).decode(doc["model"], "model")
