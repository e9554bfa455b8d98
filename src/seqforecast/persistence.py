"""Model files that never unpickle: :func:`save` and :func:`load`.

A model file is a zip archive holding

* ``model.json``: the format name and version, the versions of seqforecast, python, torch, skorch,
  scikit-learn, numpy and pandas that wrote it, and the model as a tree: each estimator as its class's dotted
  name, its constructor parameters and its fitted attributes;
* ``arrays/<n>.npy``: numpy arrays (``np.save``; read with ``allow_pickle=False``);
* ``tensors/<n>.pt``: torch state dicts and tensors (``torch.save``; read with ``weights_only=True``).

Loading imports nothing a file names except seqforecast's own classes and scikit-learn estimators (classes
from ``sklearn.*`` modules); torch optimizers are looked up in ``torch.optim`` and losses in ``torch.nn``.
Any other class, a modified array, a truncated archive or a newer format raises
:class:`~seqforecast.exceptions.ModelFileError` (a ``ValueError``).

What can be stored: numbers, strings, None, lists, tuples and dicts of them, numpy arrays and scalars (object
arrays element by element), pandas Series and DataFrames with numpy dtypes on a RangeIndex, PeriodIndex,
DatetimeIndex (freq and time zone kept) or plain Index, Timestamps, Periods, offsets, seqforecast's
``TimeIndex`` and fitted-state records (``ThetaFit``), numpy ``RandomState``/``Generator`` objects, torch
tensors, scikit-learn estimators (nested, as in ``Pipeline`` or ``MultiOutputRegressor``), and the skorch net
of :class:`~seqforecast.RNNRegressor` / :class:`~seqforecast.RNNClassifier` (rebuilt from the parameters
without training, then given its saved weights). Not stored, with an error saying so at ``save``: statsmodels
results (:class:`~seqforecast.ETSForecaster`, statsmodels-based ARIMA), custom skorch callbacks (the
``callbacks`` parameter), and any class outside seqforecast and scikit-learn. Use pickle or joblib for those,
and load such files only from sources you trust: unpickling runs code chosen by whoever wrote the file.

Pickle and joblib keep working for every seqforecast model; :func:`save` / :func:`load` is the safe format
for files you did not write yourself.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import os
import platform
import re
import tempfile
import zipfile

import numpy as np
import pandas as pd
import sklearn
import skorch
import torch
from sklearn.base import BaseEstimator
from skorch.history import History

from . import __version__
from ._index import TimeIndex
from ._training import _SequenceCrossEntropy, build_net
from .estimators import _BaseRNN
from .exceptions import ModelFileError

__all__ = ["save", "load", "FORMAT_VERSION"]

#: Version of the model-file layout written by :func:`save`; :func:`load` reads this one and older ones.
FORMAT_VERSION = 1
_FORMAT = "seqforecast-model"
_JSON = "model.json"
_MEMBER = re.compile(r"(arrays/\d+\.npy|tensors/\d+\.pt)")
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
_ATTR = re.compile(r"_?[A-Za-z]\w*")
_INDEX_DTYPES = {"object", "str", "string", "bool"}
_BIT_GENERATORS = ("MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no wall-clock time: same model, same bytes


def _versions():
    return {"seqforecast": __version__, "python": platform.python_version(), "torch": torch.__version__,
            "skorch": skorch.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__,
            "pandas": pd.__version__}


def _unsafe_hint():
    return ("use pickle or joblib for this model instead, and unpickle only files you trust (unpickling runs "
            "code chosen by whoever wrote the file)")


def _cpu(state_dict):
    return {key: tensor.detach().cpu() for key, tensor in state_dict.items()}


def _dotted(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _allowed_class(cls):
    """Whether ``load`` may resolve ``cls``: seqforecast estimators and records, scikit-learn estimators."""
    if not isinstance(cls, type):
        return False
    root = cls.__module__.split(".")[0]
    if root == "sklearn":
        return issubclass(cls, BaseEstimator)
    if root == "seqforecast":
        return issubclass(cls, BaseEstimator) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))
    return False


# ================================================================================================ save
class _Writer:
    """Encodes a model as a JSON tree, collecting arrays and tensors as archive members."""

    def __init__(self):
        self.members = {}

    def _member(self, folder, suffix, data):
        name = f"{folder}/{len(self.members)}{suffix}"
        self.members[name] = data
        return name

    def _refuse(self, value, where, why=""):
        kind = type(value)
        why = why or f"an object of type {_dotted(kind)}, which the safe format does not store"
        raise TypeError(f"Cannot save {where}: it holds {why}; {_unsafe_hint()}.")

    def encode(self, v, where):
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int) and not isinstance(v, np.generic):
            return int(v)
        if isinstance(v, float) and not isinstance(v, np.generic):
            return float(v) if math.isfinite(v) else {"__kind__": "float", "value": repr(float(v))}
        if isinstance(v, np.generic):
            if v.dtype.kind not in "biufU":
                self._refuse(v, where, f"a numpy scalar of dtype {v.dtype}")
            return {"__kind__": "scalar", "dtype": v.dtype.str, "value": self.encode(v.item(), where)}
        if isinstance(v, np.ndarray):
            return self._array(v, where)
        if isinstance(v, list):
            return [self.encode(x, f"{where}[{i}]") for i, x in enumerate(v)]
        if isinstance(v, tuple) and hasattr(type(v), "_fields"):
            if not _allowed_class(type(v)):
                self._refuse(v, where)
            fields = {k: self.encode(x, f"{where}.{k}") for k, x in zip(v._fields, v)}
            return {"__kind__": "record", "class": _dotted(type(v)), "fields": fields}
        if isinstance(v, tuple):
            return {"__kind__": "tuple", "items": [self.encode(x, f"{where}[{i}]") for i, x in enumerate(v)]}
        if type(v) is dict:
            items = [[self.encode(k, f"{where} key"), self.encode(x, f"{where}[{k!r}]")] for k, x in v.items()]
            return {"__kind__": "dict", "items": items}
        if isinstance(v, (pd.Series, pd.DataFrame, pd.Index)):
            return self._pandas(v, where)
        if isinstance(v, pd.Timestamp):
            return {"__kind__": "timestamp", "iso": v.isoformat(), "tz": None if v.tz is None else str(v.tz),
                    "unit": v.unit}
        if isinstance(v, pd.Period):
            return {"__kind__": "period", "ordinal": int(v.ordinal), "freq": v.freqstr}
        if isinstance(v, pd.offsets.BaseOffset):
            return {"__kind__": "offset", "freq": v.freqstr}
        if isinstance(v, TimeIndex):
            fields = {k: self.encode(getattr(v, k), f"{where}.{k}") for k in ("kind", "freq", "cutoff", "name")}
            return {"__kind__": "time_index", "fields": fields}
        if isinstance(v, np.random.RandomState):
            return {"__kind__": "random_state", "state": self.encode(v.get_state(legacy=False), where)}
        if isinstance(v, np.random.Generator):
            name = type(v.bit_generator).__name__
            if name not in _BIT_GENERATORS:
                self._refuse(v, where, f"a numpy Generator over {name}")
            return {"__kind__": "generator", "bit_generator": name,
                    "state": self.encode(v.bit_generator.state, where)}
        if isinstance(v, torch.Tensor):
            return {"__kind__": "tensor", "file": self._tensors(v.detach().cpu())}
        if isinstance(v, type):
            if issubclass(v, torch.optim.Optimizer) and getattr(torch.optim, v.__name__, None) is v:
                return {"__kind__": "class", "name": f"torch.optim.{v.__name__}"}
            self._refuse(v, where, f"the class {_dotted(v)} (only torch.optim optimizers can be stored)")
        if isinstance(v, BaseEstimator):
            return self._estimator(v, where)
        if type(v).__module__.split(".")[0] == "statsmodels":
            self._refuse(v, where, f"statsmodels results ({type(v).__name__}), which the safe format does not "
                                   "store")
        return self._refuse(v, where)

    def _array(self, v, where):
        if v.dtype.fields is not None or v.dtype.kind not in "biufcUSmMO":
            self._refuse(v, where, f"an array of dtype {v.dtype}")
        if v.dtype.kind == "O":  # element by element: strings, numbers, None
            items = [self.encode(x, f"{where}[{i}]") for i, x in enumerate(v.ravel(order="C"))]
            return {"__kind__": "object_array", "shape": list(v.shape), "items": items}
        buffer = io.BytesIO()
        np.save(buffer, v, allow_pickle=False)
        name = self._member("arrays", ".npy", buffer.getvalue())
        return {"__kind__": "ndarray", "file": name, "dtype": v.dtype.str, "shape": list(v.shape)}

    def _tensors(self, obj):
        buffer = io.BytesIO()
        torch.save(obj, buffer)
        return self._member("tensors", ".pt", buffer.getvalue())

    def _pandas(self, v, where):
        if isinstance(v, pd.Index):
            return self._index(v, where)
        if isinstance(v, pd.Series):
            if not isinstance(v.dtype, np.dtype):
                self._refuse(v, where, f"a Series of extension dtype {v.dtype}; convert it to a numpy dtype")
            return {"__kind__": "series", "values": self._array(v.to_numpy(), where),
                    "index": self._index(v.index, f"{where}.index"), "name": self.encode(v.name, where)}
        for name, dtype in v.dtypes.items():
            if not isinstance(dtype, np.dtype):
                self._refuse(v, where, f"a DataFrame column {name!r} of extension dtype {dtype}")
        data = [self._array(v.iloc[:, j].to_numpy(), f"{where}.iloc[:, {j}]") for j in range(v.shape[1])]
        return {"__kind__": "dataframe", "data": data, "index": self._index(v.index, f"{where}.index"),
                "columns": self._index(v.columns, f"{where}.columns")}

    def _index(self, v, where):
        name = self.encode(v.name, f"{where}.name")
        if isinstance(v, pd.MultiIndex):
            self._refuse(v, where, "a MultiIndex")
        if isinstance(v, pd.RangeIndex):
            return {"__kind__": "range_index", "start": int(v.start), "stop": int(v.stop), "step": int(v.step),
                    "name": name}
        if isinstance(v, pd.PeriodIndex):
            return {"__kind__": "period_index", "ordinals": self._array(v.asi8.copy(), where), "freq": v.freqstr,
                    "name": name}
        if isinstance(v, pd.DatetimeIndex):
            return {"__kind__": "datetime_index", "values": self._array(v.asi8.copy(), where), "unit": v.unit,
                    "tz": None if v.tz is None else str(v.tz), "freq": v.freqstr, "name": name}
        if isinstance(v.dtype, np.dtype) and v.dtype.kind in "biuf":
            return {"__kind__": "index", "values": self._array(v.to_numpy(), where), "name": name}
        if str(v.dtype) not in _INDEX_DTYPES:
            self._refuse(v, where, f"an index of dtype {v.dtype}")
        items = [self.encode(x, f"{where}[{i}]") for i, x in enumerate(v.tolist())]
        return {"__kind__": "index", "items": items, "dtype": str(v.dtype), "name": name}

    def _estimator(self, est, where):
        cls = type(est)
        if not _allowed_class(cls):
            self._refuse(est, where, f"an estimator of class {_dotted(cls)}: only seqforecast classes and "
                                     "scikit-learn estimators (sklearn.*) can be stored")
        params = est.get_params(deep=False)
        if isinstance(est, _BaseRNN) and params.get("callbacks"):
            self._refuse(est, f"{where}.callbacks", "skorch callback objects (set_params(callbacks=None) "
                                                    "before saving to store the model without them)")
        state = {k: v for k, v in vars(est).items() if k not in params}
        enc_state = {}
        for key, value in state.items():
            at = f"{where}.{key}"
            enc_state[key] = self._net(value, at) if key == "net_" and isinstance(est, _BaseRNN) else (
                self.encode(value, at))
        return {"__kind__": "estimator", "class": _dotted(cls),
                "params": {k: self.encode(v, f"{where}.{k}") for k, v in params.items()}, "state": enc_state}

    def _net(self, net, where):
        module, criterion = net.module_, net.criterion_
        if type(module).__module__ != "seqforecast.nets":
            self._refuse(module, f"{where}.module_")
        crit = type(criterion)
        if crit is _SequenceCrossEntropy:
            crit_name = _dotted(crit)
        elif getattr(torch.nn, crit.__name__, None) is crit:
            crit_name = f"torch.nn.{crit.__name__}"
        else:
            self._refuse(criterion, f"{where}.criterion_")
        return {"__kind__": "skorch_net", "module": _dotted(type(module)),
                "module_kwargs": self.encode(net.get_params_for("module"), f"{where}.module_kwargs"),
                "module_state": self._tensors(_cpu(module.state_dict())),
                "criterion": crit_name, "criterion_state": self._tensors(_cpu(criterion.state_dict())),
                "history": self.encode(list(net.history), f"{where}.history")}


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
    >>> import seqforecast                                              # doctest: +SKIP
    >>> seqforecast.save(forecaster, "airline.zip")                     # doctest: +SKIP
    >>> seqforecast.load("airline.zip").forecast(12)                    # doctest: +SKIP
    """
    writer = _Writer()
    tree = writer.encode(model, type(model).__name__)
    doc = {"format": _FORMAT, "format_version": FORMAT_VERSION, "versions": _versions(), "model": tree}
    text = json.dumps(doc, allow_nan=False, indent=1)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".seqforecast-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [(_JSON, text.encode("utf-8")), *writer.members.items()]:
                archive.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), data,
                                 compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ================================================================================================ load
class _Reader:
    """Decodes the JSON tree of a model file, resolving classes only from the allow-list."""

    def __init__(self, archive, path, device):
        self.archive, self.path, self.device = archive, path, device

    def fail(self, where, what):
        raise ModelFileError(
            f"{self.path}: {what} (at {where}). The file is not a valid seqforecast model file: it was "
            "modified or is corrupt; save the model again."
        )

    def need(self, ok, where, what):
        if not ok:
            self.fail(where, what)

    def node(self, v, where, *keys):
        self.need(isinstance(v, dict) and all(k in v for k in keys), where,
                  f"expected an object with keys {list(keys)}")
        return [v[k] for k in keys]

    def read(self, name, where):
        self.need(isinstance(name, str) and _MEMBER.fullmatch(name) is not None, where,
                  f"invalid archive member name {name!r}")
        try:
            return self.archive.read(name)
        except KeyError:
            self.fail(where, f"the archive has no member {name!r}")
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            self.fail(where, f"cannot read member {name!r} ({exc})")

    def tensors(self, name, where):
        data = self.read(name, where)
        try:
            return torch.load(io.BytesIO(data), weights_only=True, map_location=self.device)
        except Exception as exc:  # noqa: BLE001 (weights_only's refusals and corrupt data raise many types)
            self.fail(where, f"cannot read the tensors in {name!r} ({type(exc).__name__}: {exc})")

    def resolve(self, dotted, where):
        """The class named ``dotted``, importing only seqforecast and sklearn modules."""
        self.need(isinstance(dotted, str) and _DOTTED.fullmatch(dotted) is not None, where,
                  f"invalid class name {dotted!r}")
        module_name, _, qualname = dotted.rpartition(".")
        if module_name.split(".")[0] not in ("seqforecast", "sklearn"):
            raise ModelFileError(
                f"{self.path}: the file names the class {dotted!r} (at {where}), which a model file may not "
                "load: only seqforecast classes and scikit-learn estimators (sklearn.*) are allowed. Nothing "
                "was imported. Do not load this file; if you wrote it with a custom class, save that model "
                "with pickle or joblib and keep the file where only you can change it."
            )
        try:
            cls = getattr(importlib.import_module(module_name), qualname, None)
        except ImportError as exc:
            self.fail(where, f"cannot import {module_name!r} for class {dotted!r} ({exc})")
        self.need(_allowed_class(cls) and cls.__module__ == module_name, where,
                  f"{dotted!r} is not a seqforecast or scikit-learn estimator class")
        return cls

    def decode(self, v, where):
        if v is None or isinstance(v, (bool, str, int, float)):
            return v
        if isinstance(v, list):
            return [self.decode(x, f"{where}[{i}]") for i, x in enumerate(v)]
        (kind,) = self.node(v, where, "__kind__")
        method = getattr(self, f"_{kind}", None) if isinstance(kind, str) and kind.isidentifier() else None
        self.need(method is not None, where, f"unknown node kind {kind!r}")
        return method(v, where)

    # ----------------------------------------------------------------------------------- leaves
    def _float(self, v, where):
        (value,) = self.node(v, where, "value")
        self.need(value in ("nan", "inf", "-inf"), where, f"invalid float {value!r}")
        return float(value)

    def _scalar(self, v, where):
        dtype, value = self.node(v, where, "dtype", "value")
        dtype = self.dtype(dtype, where, "biufU")
        try:
            return np.array(self.decode(value, where), dtype=dtype)[()]
        except (TypeError, ValueError, OverflowError) as exc:
            self.fail(where, f"invalid {dtype} scalar ({exc})")

    def dtype(self, text, where, kinds):
        try:
            dtype = np.dtype(text)
        except TypeError:
            self.fail(where, f"invalid dtype {text!r}")
        self.need(dtype.fields is None and dtype.kind in kinds, where, f"dtype {text!r} is not allowed here")
        return dtype

    def _ndarray(self, v, where):
        name, dtype, shape = self.node(v, where, "file", "dtype", "shape")
        data = self.read(name, where)
        try:
            arr = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            self.fail(where, f"cannot read the array {name!r} ({exc})")
        self.need(isinstance(arr, np.ndarray), where, f"{name!r} is not a .npy array")
        self.need(arr.dtype.str == dtype and list(arr.shape) == shape, where,
                  f"the array {name!r} has dtype {arr.dtype.str} and shape {list(arr.shape)}, but the model "
                  f"description records dtype {dtype} and shape {shape}")
        return arr

    def _object_array(self, v, where):
        shape, items = self.node(v, where, "shape", "items")
        self.need(isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)
                  and isinstance(items, list) and len(items) == math.prod(shape), where,
                  f"an object array of shape {shape} needs {math.prod(shape) if isinstance(shape, list) else '?'} "
                  f"items, the file has {len(items) if isinstance(items, list) else items!r}")
        arr = np.empty(len(items), dtype=object)
        for i, x in enumerate(items):
            arr[i] = self.decode(x, f"{where}[{i}]")
        return arr.reshape(shape)

    def _tuple(self, v, where):
        (items,) = self.node(v, where, "items")
        self.need(isinstance(items, list), where, "tuple items must be a list")
        return tuple(self.decode(x, f"{where}[{i}]") for i, x in enumerate(items))

    def _dict(self, v, where):
        (items,) = self.node(v, where, "items")
        self.need(isinstance(items, list) and all(isinstance(p, list) and len(p) == 2 for p in items), where,
                  "dict items must be [key, value] pairs")
        out = {}
        for key, value in items:
            key = self.decode(key, f"{where} key")
            self.need(isinstance(key, (str, int, float, bool, tuple, np.generic)) or key is None, where,
                      f"invalid dict key {key!r}")
            out[key] = self.decode(value, f"{where}[{key!r}]")
        return out

    def _record(self, v, where):
        name, fields = self.node(v, where, "class", "fields")
        cls = self.resolve(name, where)
        self.need(issubclass(cls, tuple) and isinstance(fields, dict) and list(fields) == list(cls._fields),
                  where, f"{name} expects fields {list(getattr(cls, '_fields', []))}")
        return cls(**{k: self.decode(x, f"{where}.{k}") for k, x in fields.items()})

    def _tensor(self, v, where):
        (name,) = self.node(v, where, "file")
        tensor = self.tensors(name, where)
        self.need(isinstance(tensor, torch.Tensor), where, f"{name!r} does not hold a tensor")
        return tensor

    def _class(self, v, where):
        (name,) = self.node(v, where, "name")
        cls = getattr(torch.optim, name[len("torch.optim."):], None) if isinstance(name, str) and name.startswith(
            "torch.optim.") else None
        self.need(isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer), where,
                  f"{name!r} is not a torch.optim optimizer")
        return cls

    def _random_state(self, v, where):
        (state,) = self.node(v, where, "state")
        rng = np.random.RandomState()
        try:
            rng.set_state(self.decode(state, where))
        except (TypeError, ValueError, KeyError) as exc:
            self.fail(where, f"invalid RandomState state ({exc})")
        return rng

    def _generator(self, v, where):
        name, state = self.node(v, where, "bit_generator", "state")
        self.need(name in _BIT_GENERATORS, where, f"unknown bit generator {name!r}")
        bit_generator = getattr(np.random, name)()
        try:
            bit_generator.state = self.decode(state, where)
        except (TypeError, ValueError, KeyError) as exc:
            self.fail(where, f"invalid {name} state ({exc})")
        return np.random.Generator(bit_generator)

    # ----------------------------------------------------------------------------------- pandas
    def _pandas_call(self, where, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (TypeError, ValueError, OverflowError, KeyError) as exc:
            self.fail(where, f"invalid pandas data ({exc})")

    def _timestamp(self, v, where):
        iso, tz, unit = self.node(v, where, "iso", "tz", "unit")
        ts = self._pandas_call(where, pd.Timestamp, iso)
        if tz is not None:
            ts = self._pandas_call(where, ts.tz_convert, tz)
        return self._pandas_call(where, ts.as_unit, unit)

    def _period(self, v, where):
        ordinal, freq = self.node(v, where, "ordinal", "freq")
        self.need(isinstance(ordinal, int) and isinstance(freq, str), where, "invalid Period")
        return self._pandas_call(where, pd.Period, ordinal=ordinal, freq=freq)

    def _offset(self, v, where):
        (freq,) = self.node(v, where, "freq")
        self.need(isinstance(freq, str), where, "invalid offset")
        return self._pandas_call(where, pd.tseries.frequencies.to_offset, freq)

    def _time_index(self, v, where):
        (fields,) = self.node(v, where, "fields")
        kind, freq, cutoff, name = self.node(fields, where, "kind", "freq", "cutoff", "name")
        self.need(kind in ("integer", "period", "datetime"), where, f"invalid TimeIndex kind {kind!r}")
        return TimeIndex(kind, self.decode(freq, where), self.decode(cutoff, where), self.decode(name, where))

    def _range_index(self, v, where):
        start, stop, step, name = self.node(v, where, "start", "stop", "step", "name")
        self.need(all(isinstance(n, int) for n in (start, stop, step)) and step != 0, where, "invalid RangeIndex")
        return pd.RangeIndex(start, stop, step, name=self.decode(name, where))

    def _period_index(self, v, where):
        ordinals, freq, name = self.node(v, where, "ordinals", "freq", "name")
        values = self.decode(ordinals, where)
        self.need(isinstance(values, np.ndarray) and values.dtype == np.int64 and values.ndim == 1, where,
                  "PeriodIndex ordinals must be a 1-D int64 array")
        return self._pandas_call(where, pd.PeriodIndex.from_ordinals, values, freq=freq,
                                 name=self.decode(name, where))

    def _datetime_index(self, v, where):
        values, unit, tz, freq, name = self.node(v, where, "values", "unit", "tz", "freq", "name")
        values = self.decode(values, where)
        self.need(isinstance(values, np.ndarray) and values.dtype == np.int64 and values.ndim == 1
                  and unit in ("s", "ms", "us", "ns"), where, "DatetimeIndex values must be 1-D int64")
        index = pd.DatetimeIndex(values.view(f"M8[{unit}]"), name=self.decode(name, where))
        if tz is not None:  # the values are UTC instants
            index = self._pandas_call(where, lambda: index.tz_localize("UTC").tz_convert(tz))
        return index if freq is None else self._pandas_call(where, pd.DatetimeIndex, index, freq=freq)

    def _index(self, v, where):
        (name,) = self.node(v, where, "name")
        if "values" in v:
            values = self.decode(v["values"], where)
            self.need(isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "biuf", where,
                      "a numeric Index needs a 1-D numeric array")
            return pd.Index(values, name=self.decode(name, where))
        items, dtype = self.node(v, where, "items", "dtype")
        self.need(isinstance(items, list) and dtype in _INDEX_DTYPES, where, f"invalid Index dtype {dtype!r}")
        values = [self.decode(x, f"{where}[{i}]") for i, x in enumerate(items)]
        return self._pandas_call(where, pd.Index, values, dtype=dtype, name=self.decode(name, where))

    def _series(self, v, where):
        values, index, name = self.node(v, where, "values", "index", "name")
        values, index = self.decode(values, where), self.decode(index, f"{where}.index")
        self.need(isinstance(values, np.ndarray) and values.ndim == 1 and isinstance(index, pd.Index)
                  and len(index) == len(values), where, "a Series needs 1-D values as long as its index")
        return pd.Series(values, index=index, name=self.decode(name, where), copy=False)

    def _dataframe(self, v, where):
        data, index, columns = self.node(v, where, "data", "index", "columns")
        index, columns = self.decode(index, f"{where}.index"), self.decode(columns, f"{where}.columns")
        self.need(isinstance(data, list) and isinstance(index, pd.Index) and isinstance(columns, pd.Index)
                  and len(columns) == len(data), where, "a DataFrame needs one array per column")
        arrays = [self.decode(col, f"{where}.iloc[:, {j}]") for j, col in enumerate(data)]
        self.need(all(isinstance(a, np.ndarray) and a.shape == (len(index),) for a in arrays), where,
                  f"every column of a DataFrame must be a 1-D array of {len(index)} rows")
        frame = pd.DataFrame(dict(enumerate(arrays)), index=index)
        frame.columns = columns
        return frame

    # ----------------------------------------------------------------------------------- estimators
    def _estimator(self, v, where):
        name, params, state = self.node(v, where, "class", "params", "state")
        cls = self.resolve(name, where)
        self.need(issubclass(cls, BaseEstimator) and isinstance(params, dict) and isinstance(state, dict),
                  where, f"{name} is not an estimator class")
        known = set(cls._get_param_names())
        unknown = sorted(set(params) - known)
        self.need(not unknown, where, f"{cls.__name__} has no parameter(s) {unknown}; it takes {sorted(known)}")
        est = cls(**{k: self.decode(x, f"{where}.{k}") for k, x in params.items()})
        net_node = None
        for key, node in state.items():
            self.need(_ATTR.fullmatch(key) is not None and key not in known, where,
                      f"invalid fitted attribute name {key!r}")
            if key == "net_" and isinstance(est, _BaseRNN):
                net_node = node
                continue
            setattr(est, key, self.decode(node, f"{where}.{key}"))
        if net_node is not None:  # after device_: the net is rebuilt on the device loading resolves
            recorded = getattr(est, "device_", "cpu")
            self.need(isinstance(recorded, str), where, "device_ must be a string")
            est.device_ = self._device_for(recorded)
            est.net_ = self._net(net_node, est, f"{where}.net_")
        return est

    def _device_for(self, recorded):
        if self.device is not None:
            return self.device
        if recorded.startswith("cuda") and not torch.cuda.is_available():
            return "cpu"
        return recorded

    def _net(self, v, est, where):
        if self.node(v, where, "__kind__")[0] != "skorch_net":
            self.fail(where, "net_ must be a skorch_net node")
        module_name, kwargs, module_state, crit_name, crit_state, history = self.node(
            v, where, "module", "module_kwargs", "module_state", "criterion", "criterion_state", "history")
        module = self.resolve_module(module_name, where)
        if crit_name == _dotted(_SequenceCrossEntropy):
            criterion = _SequenceCrossEntropy
        else:
            short = crit_name[len("torch.nn."):] if isinstance(crit_name, str) and crit_name.startswith(
                "torch.nn.") else ""
            criterion = getattr(torch.nn, short, None) if short.endswith("Loss") else None
            self.need(isinstance(criterion, type) and issubclass(criterion, torch.nn.Module), where,
                      f"{crit_name!r} is not a torch.nn loss")
        kwargs = self.decode(kwargs, f"{where}.module_kwargs")
        self.need(isinstance(kwargs, dict) and all(isinstance(k, str) for k in kwargs), where,
                  "module_kwargs must be a dict")
        weights, crit_weights = self.tensors(module_state, where), self.tensors(crit_state, where)
        self.need(isinstance(weights, dict) and isinstance(crit_weights, dict), where, "state dicts expected")
        rows = self.decode(history, f"{where}.history")
        self.need(isinstance(rows, list) and all(isinstance(r, dict) for r in rows), where,
                  "history must be a list of dicts")
        net = build_net(est, module=module, module_kwargs=kwargs, criterion=criterion,
                        criterion_kwargs=crit_weights, device=est.device_, name=type(est).__name__)
        try:
            with torch.random.fork_rng(devices=[]):  # random initial weights, replaced below: no RNG drawn
                net.initialize()
            net.module_.load_state_dict(weights)
            net.criterion_.load_state_dict(crit_weights)
        except (TypeError, ValueError, RuntimeError) as exc:
            self.fail(where, f"the saved weights do not fit the net ({type(exc).__name__}: {exc})")
        net.history = History(rows)
        return net

    def resolve_module(self, dotted, where):
        from . import nets

        prefix = "seqforecast.nets."
        name = dotted[len(prefix):] if isinstance(dotted, str) and dotted.startswith(prefix) else ""
        cls = getattr(nets, name, None) if name.isidentifier() else None
        self.need(isinstance(cls, type) and issubclass(cls, torch.nn.Module) and cls.__module__ == nets.__name__,
                  where, f"{dotted!r} is not a torch module of seqforecast.nets")
        return cls


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
        from ._training import _resolve_device

        device = _resolve_device(device, "load")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ModelFileError(
            f"{path} is not a seqforecast model file, or it is truncated ({exc}); model files are zip "
            "archives written by seqforecast.save."
        ) from None
    with archive:
        reader = _Reader(archive, path, device)
        try:
            text = archive.read(_JSON).decode("utf-8")
            doc = json.loads(text)
        except KeyError:
            raise ModelFileError(f"{path} has no {_JSON}: it is not a seqforecast model file.") from None
        except (zipfile.BadZipFile, EOFError, OSError, UnicodeDecodeError, ValueError) as exc:
            raise ModelFileError(f"{path}: cannot read {_JSON} ({exc}); the file is corrupt.") from None
        fmt, version, versions, tree = reader.node(doc, _JSON, "format", "format_version", "versions", "model")
        reader.need(fmt == _FORMAT, _JSON, f"format is {fmt!r}, expected {_FORMAT!r}")
        reader.need(isinstance(version, int) and not isinstance(version, bool) and version >= 1, _JSON,
                    f"invalid format_version {version!r}")
        if version > FORMAT_VERSION:
            writer = versions.get("seqforecast", "?") if isinstance(versions, dict) else "?"
            raise ModelFileError(
                f"{path} was written by seqforecast {writer} with model-file format {version}; this is "
                f"seqforecast {__version__}, which reads formats <= {FORMAT_VERSION}. Upgrade seqforecast "
                "(pip install --upgrade seqforecast) to load it."
            )
        try:
            return reader.decode(tree, "model")
        except ModelFileError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, RuntimeError, OverflowError,
                zipfile.BadZipFile, EOFError, OSError) as exc:  # anything a modified file could still cause
            raise ModelFileError(
                f"{path}: the model cannot be rebuilt from the file ({type(exc).__name__}: {exc}); it was "
                "modified or is corrupt. Save the model again."
            ) from exc
