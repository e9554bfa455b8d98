"""Model files that never unpickle: :func:`save` and :func:`load`.

A model file is a zip archive holding

* ``model.json``: the format and its version, the versions of the libraries that wrote it (seqforecast,
  python, torch, skorch, scikit-learn, numpy, pandas), and the model as a tree: each estimator as its class's
  name (``"seqforecast.<ClassName>"`` for seqforecast's classes, see :mod:`._registry`; the dotted import
  path for scikit-learn's), its constructor parameters and its fitted attributes;
* ``arrays/<n>.npy``: numpy arrays (``np.save``; read with ``allow_pickle=False``);
* ``tensors/<n>.pt``: torch state dicts and tensors (``torch.save``; read with ``weights_only=True``).

Loading imports nothing a file names but scikit-learn's modules: seqforecast's classes are looked up in the
registry of the classes a model file may hold (which also knows the names that files written before the
split into subpackages use), scikit-learn estimators are imported from ``sklearn.*`` modules only, torch
optimizers looked up in ``torch.optim`` and losses in ``torch.nn``. Any other class, a modified array, a
truncated archive or a newer format raises :class:`~seqforecast.exceptions.ModelFileError` (a ``ValueError``).

What can be stored: numbers, strings, None, lists, tuples and dicts of them, numpy arrays and scalars (object
arrays element by element), pandas Series and DataFrames with numpy dtypes on a RangeIndex, PeriodIndex,
DatetimeIndex (freq and time zone kept) or plain Index, Timestamps, Periods, offsets, seqforecast's
``TimeIndex`` and fitted-state records (``ThetaFit``), numpy ``RandomState``/``Generator`` objects, torch
tensors, scikit-learn estimators (nested, as in ``Pipeline`` or ``MultiOutputRegressor``), and the net of
:class:`~seqforecast.RNNRegressor` / :class:`~seqforecast.RNNClassifier` (stored as the state the estimator
gives, and rebuilt by the estimator from its parameters, without training, with the saved weights; see
:mod:`._format`). Not stored, with an error saying so at ``save``: statsmodels results
(:class:`~seqforecast.ETSForecaster`, statsmodels-based ARIMA), custom skorch callbacks (the ``callbacks``
parameter), and any class outside seqforecast and scikit-learn. Use pickle or joblib for those, and load
such files only from sources you trust: unpickling runs code chosen by whoever wrote the file.

Pickle and joblib keep working for every seqforecast model, but only unpickle files you trust; :func:`save`
and :func:`load` are the safe format for files that travel.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib

from .. import __version__
from .._utils.metadata import versions
from ..estimators import resolve_device
from ..exceptions import ModelFileError
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
        a class outside seqforecast and scikit-learn); the message names where and what. Use pickle or
        joblib for such models, and unpickle only files you trust.

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
        The file is truncated or modified, names a class outside seqforecast and scikit-learn, or was
        written in a newer format than this version reads (upgrade seqforecast then).
    """
    path = os.fspath(path)
    if device is not None:
        device = resolve_device(device, "load")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ModelFileError(
            f"{path} is not a seqforecast model file, or it is truncated ({exc}); model files are zip "
            "archives written by seqforecast.save."
        ) from None
    with archive:
        reader = Reader(archive, path, device)
        try:
            text = archive.read(JSON).decode("utf-8")
            doc = json.loads(text)
        except KeyError:
            raise ModelFileError(f"{path} has no {JSON}: it is not a seqforecast model file.") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RecursionError) as exc:
            raise ModelFileError(f"{path}: cannot read {JSON} ({exc}); the file is corrupt.") from None
        doc = doc if isinstance(doc, dict) and "model" in doc else {}
        fmt, version, versions = doc.get("format"), doc.get("format_version"), doc.get("versions")
        reader.need(
            fmt == FORMAT and type(version) is int and version >= 1,
            JSON,
            f"format {fmt!r} version {version!r}, expected {FORMAT!r} and a version >= 1",
        )
        if version > FORMAT_VERSION:
            writer = versions.get("seqforecast", "?") if isinstance(versions, dict) else "?"
            raise ModelFileError(
                f"{path} was written by seqforecast {writer} with model-file format {version}; this is "
                f"seqforecast {__version__}, which reads formats <= {FORMAT_VERSION}. Upgrade seqforecast "
                "(pip install --upgrade seqforecast) to load it."
            )
        return reader.decode(doc["model"], "model")
