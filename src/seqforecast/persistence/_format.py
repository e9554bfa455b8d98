"""Model files that never unpickle: :func:`save` and :func:`load`.

A model file is a zip archive holding

* ``model.json``: the format and its version, the versions of the libraries that wrote it (seqforecast,
  python, torch, skorch, scikit-learn, numpy, pandas), and the model as a tree: each estimator as its class's
  dotted name, its constructor parameters and its fitted attributes;
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

Pickle and joblib keep working for every seqforecast model, but only unpickle files you trust; :func:`save`
and :func:`load` are the safe format for files that travel.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import os
import platform
import re
import zipfile
import zlib

import numpy as np
import pandas as pd
import sklearn
import skorch
import torch
from sklearn.base import BaseEstimator
from skorch.history import History

from .. import __version__, nets
from .._utils.time_index import TimeIndex
from ..estimators._training import _SequenceCrossEntropy, build_net
from ..estimators._rnn import _BaseRNN
from ..exceptions import ModelFileError

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


_UNSAFE_HINT = ("use pickle or joblib for this model instead, and unpickle only files you trust (unpickling "
                "runs code chosen by whoever wrote the file)")


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
        self.members[name := f"{folder}/{len(self.members)}{suffix}"] = data
        return name

    def _refuse(self, value, where, why=""):
        why = why or f"an object of type {_dotted(type(value))}, which the safe format does not store"
        raise TypeError(f"Cannot save {where}: it holds {why}; {_UNSAFE_HINT}.")

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
        inside = [type(x) for x in [v, *getattr(v, "__dict__", {}).values()]]  # e.g. a dataclass of results
        if any(cls.__module__.split(".")[0] == "statsmodels" for cls in inside):
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
        enc_state = {k: (self._net if k == "net_" and isinstance(est, _BaseRNN) else self.encode)(v, f"{where}.{k}")
                     for k, v in vars(est).items() if k not in params}
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
    >>> seqforecast.save(forecaster, "airline.zip")                     # doctest: +SKIP
    >>> seqforecast.load("airline.zip").forecast(12)                    # doctest: +SKIP
    """
    writer = _Writer()
    tree = writer.encode(model, type(model).__name__)
    doc = {"format": _FORMAT, "format_version": FORMAT_VERSION, "versions": _versions(), "model": tree}
    text = json.dumps(doc, allow_nan=False, indent=1)
    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.tmp"  # same folder: os.replace is atomic
    try:
        with open(tmp, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [(_JSON, text.encode("utf-8")), *writer.members.items()]:
                archive.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), data,
                                 compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ================================================================================================ load
_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, RuntimeError, OverflowError,
           zipfile.BadZipFile, zlib.error, EOFError, OSError)  # what a modified file can make decoders raise


class _Reader:
    """Decodes the JSON tree of a model file, resolving classes only from the allow-list.

    A node that cannot be decoded raises :class:`ModelFileError` naming its place in the tree (``at``).
    """

    _KINDS = ("float", "scalar", "ndarray", "object_array", "tuple", "dict", "record", "tensor", "class",
              "random_state", "generator", "timestamp", "period", "offset", "time_index", "range_index",
              "period_index", "datetime_index", "index", "series", "dataframe", "estimator")

    def __init__(self, archive, path, device):
        self.archive, self.path, self.device = archive, path, device

    def fail(self, where, what):
        raise ModelFileError(f"{self.path}: {what} (at {where}). The file is not a valid seqforecast model file: "
                             "it was modified or is corrupt; save the model again.")

    def need(self, ok, where, what):
        if not ok:
            self.fail(where, what)

    def decode(self, v, where):
        if v is None or isinstance(v, (bool, str, int, float)):
            return v
        if isinstance(v, list):
            return [self.decode(x, f"{where}[{i}]") for i, x in enumerate(v)]
        kind = v.get("__kind__") if isinstance(v, dict) else None
        self.need(kind in self._KINDS, where, f"unknown node kind {kind!r}")
        try:
            return getattr(self, f"_{kind}")(v, where)
        except ModelFileError:
            raise
        except _ERRORS as exc:
            self.fail(where, f"invalid {kind} node ({type(exc).__name__}: {exc})")

    def read(self, name, where):
        self.need(isinstance(name, str) and _MEMBER.fullmatch(name), where, f"invalid member name {name!r}")
        try:
            return self.archive.read(name)
        except KeyError:
            self.fail(where, f"the archive has no member {name!r}")

    def tensors(self, name, where):
        data = self.read(name, where)
        try:
            return torch.load(io.BytesIO(data), weights_only=True, map_location=self.device)
        except Exception as exc:  # noqa: BLE001 (weights_only's refusals and corrupt data raise many types)
            self.fail(where, f"cannot read the tensors in {name!r} ({type(exc).__name__}: {exc})")

    def resolve(self, dotted, where):
        """The class named ``dotted``, importing only seqforecast and sklearn modules."""
        self.need(isinstance(dotted, str) and _DOTTED.fullmatch(dotted), where, f"invalid class name {dotted!r}")
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

    # ----------------------------------------------------------------------------------- leaves
    def _float(self, v, where):
        self.need(v["value"] in ("nan", "inf", "-inf"), where, f"invalid float {v['value']!r}")
        return float(v["value"])

    def _scalar(self, v, where):
        dtype = np.dtype(v["dtype"])
        self.need(dtype.kind in "biufU", where, f"dtype {v['dtype']!r} is not allowed for a scalar")
        return np.array(self.decode(v["value"], where), dtype=dtype)[()]

    def _ndarray(self, v, where):
        name, dtype, shape = v["file"], v["dtype"], v["shape"]
        arr = np.load(io.BytesIO(self.read(name, where)), allow_pickle=False)
        self.need(isinstance(arr, np.ndarray), where, f"{name!r} is not a .npy array")
        self.need(arr.dtype.str == dtype and list(arr.shape) == shape, where,
                  f"the array {name!r} has dtype {arr.dtype.str} and shape {list(arr.shape)}, but the model "
                  f"description records dtype {dtype} and shape {shape}")
        return arr

    def _object_array(self, v, where):
        arr = np.empty(len(v["items"]), dtype=object)
        for i, item in enumerate(self.decode(v["items"], where)):
            arr[i] = item  # one by one: a sequence item stays one object
        return arr.reshape(v["shape"])

    def _tuple(self, v, where):
        return tuple(self.decode(v["items"], where))

    def _dict(self, v, where):
        pairs = [(self.decode(key, f"{where} key"), value) for key, value in v["items"]]
        return {key: self.decode(value, f"{where}[{key!r}]") for key, value in pairs}

    def _record(self, v, where):
        cls, fields = self.resolve(v["class"], where), v["fields"]
        self.need(issubclass(cls, tuple) and list(fields) == list(cls._fields), where,
                  f"{v['class']} expects fields {list(getattr(cls, '_fields', []))}")
        return cls(**{k: self.decode(x, f"{where}.{k}") for k, x in fields.items()})

    def _tensor(self, v, where):
        tensor = self.tensors(v["file"], where)
        self.need(isinstance(tensor, torch.Tensor), where, f"{v['file']!r} does not hold a tensor")
        return tensor

    def _class(self, v, where):
        prefix, _, name = v["name"].rpartition(".")
        cls = getattr(torch.optim, name, None) if prefix == "torch.optim" else None
        self.need(isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer), where,
                  f"{v['name']!r} is not a torch.optim optimizer")
        return cls

    def _random_state(self, v, where):
        rng = np.random.RandomState()
        rng.set_state(self.decode(v["state"], where))
        return rng

    def _generator(self, v, where):
        self.need(v["bit_generator"] in _BIT_GENERATORS, where, f"unknown bit generator {v['bit_generator']!r}")
        bit_generator = getattr(np.random, v["bit_generator"])()
        bit_generator.state = self.decode(v["state"], where)
        return np.random.Generator(bit_generator)

    # ----------------------------------------------------------------------------------- pandas
    def _timestamp(self, v, where):
        ts = pd.Timestamp(v["iso"])
        return (ts if v["tz"] is None else ts.tz_convert(v["tz"])).as_unit(v["unit"])

    def _period(self, v, where):
        return pd.Period(ordinal=int(v["ordinal"]), freq=v["freq"])

    def _offset(self, v, where):
        return pd.tseries.frequencies.to_offset(v["freq"])

    def _time_index(self, v, where):
        fields = {k: self.decode(v["fields"][k], f"{where}.{k}") for k in ("kind", "freq", "cutoff", "name")}
        self.need(fields["kind"] in ("integer", "period", "datetime"), where, f"invalid kind {fields['kind']!r}")
        return TimeIndex(**fields)

    def _range_index(self, v, where):
        bounds = [v["start"], v["stop"], v["step"]]
        self.need(all(type(n) is int for n in bounds), where, f"invalid RangeIndex bounds {bounds}")
        return pd.RangeIndex(*bounds, name=self.decode(v["name"], where))

    def _int64s(self, node, where):
        values = self.decode(node, where)
        self.need(isinstance(values, np.ndarray) and values.dtype == np.int64 and values.ndim == 1, where,
                  "expected a 1-D int64 array")
        return values

    def _period_index(self, v, where):
        return pd.PeriodIndex.from_ordinals(self._int64s(v["ordinals"], where), freq=v["freq"],
                                            name=self.decode(v["name"], where))

    def _datetime_index(self, v, where):
        self.need(v["unit"] in ("s", "ms", "us", "ns"), where, f"invalid unit {v['unit']!r}")
        values = self._int64s(v["values"], where).view(f"M8[{v['unit']}]")
        index = pd.DatetimeIndex(values, name=self.decode(v["name"], where))
        if v["tz"] is not None:  # the values are UTC instants
            index = index.tz_localize("UTC").tz_convert(v["tz"])
        return index if v["freq"] is None else pd.DatetimeIndex(index, freq=v["freq"])

    def _index(self, v, where):
        name = self.decode(v["name"], where)
        if "values" in v:
            values = self.decode(v["values"], where)
            self.need(isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "biuf", where,
                      "a numeric Index needs a 1-D numeric array")
            return pd.Index(values, name=name)
        self.need(v["dtype"] in _INDEX_DTYPES, where, f"invalid Index dtype {v['dtype']!r}")
        return pd.Index([self.decode(x, f"{where}[{i}]") for i, x in enumerate(v["items"])], dtype=v["dtype"],
                        name=name)

    def _series(self, v, where):
        values, index = self.decode(v["values"], where), self.decode(v["index"], f"{where}.index")
        self.need(isinstance(values, np.ndarray) and isinstance(index, pd.Index) and values.shape == (len(index),),
                  where, "a Series needs 1-D values as long as its index")
        return pd.Series(values, index=index, name=self.decode(v["name"], where), copy=False)

    def _dataframe(self, v, where):
        index, columns = self.decode(v["index"], f"{where}.index"), self.decode(v["columns"], f"{where}.columns")
        arrays = [self.decode(col, f"{where}.iloc[:, {j}]") for j, col in enumerate(v["data"])]
        self.need(isinstance(index, pd.Index) and isinstance(columns, pd.Index) and len(columns) == len(arrays)
                  and all(isinstance(a, np.ndarray) and a.shape == (len(index),) for a in arrays), where,
                  f"a DataFrame needs one 1-D array of {len(index)} rows per column")
        frame = pd.DataFrame(dict(enumerate(arrays)), index=index)
        frame.columns = columns
        return frame

    # ----------------------------------------------------------------------------------- estimators
    def _estimator(self, v, where):
        cls, params, state = self.resolve(v["class"], where), v["params"], v["state"]
        self.need(issubclass(cls, BaseEstimator), where, f"{v['class']} is not an estimator class")
        known = set(cls._get_param_names())
        unknown = sorted(set(params) - known)
        self.need(not unknown, where, f"{cls.__name__} has no parameter(s) {unknown}; it takes {sorted(known)}")
        est = cls(**{k: self.decode(x, f"{where}.{k}") for k, x in params.items()})
        for key, node in state.items():
            self.need(_ATTR.fullmatch(key) and key not in known, where, f"invalid fitted attribute name {key!r}")
            if key != "net_" or not isinstance(est, _BaseRNN):
                setattr(est, key, self.decode(node, f"{where}.{key}"))
        if "net_" in state and isinstance(est, _BaseRNN):  # after device_: rebuilt on the device resolved here
            recorded = str(getattr(est, "device_", "cpu"))
            cpu_only = recorded.startswith("cuda") and not torch.cuda.is_available()
            est.device_ = self.device or ("cpu" if cpu_only else recorded)
            try:
                est.net_ = self._net(state["net_"], est, f"{where}.net_")
            except ModelFileError:
                raise
            except _ERRORS as exc:
                self.fail(f"{where}.net_", f"invalid skorch_net node ({type(exc).__name__}: {exc})")
        return est

    def _net(self, v, est, where):
        self.need(v["__kind__"] == "skorch_net", where, "net_ must be a skorch_net node")
        module = getattr(nets, v["module"].removeprefix("seqforecast.nets."), None)
        self.need(v["module"].startswith("seqforecast.nets.") and isinstance(module, type)
                  and issubclass(module, torch.nn.Module) and module.__module__ == nets.__name__, where,
                  f"{v['module']!r} is not a torch module of seqforecast.nets")
        criterion = _SequenceCrossEntropy if v["criterion"] == _dotted(_SequenceCrossEntropy) else getattr(
            torch.nn, v["criterion"].removeprefix("torch.nn."), None)
        self.need(v["criterion"].startswith(("torch.nn.", "seqforecast.")) and isinstance(criterion, type)
                  and issubclass(criterion, torch.nn.modules.loss._Loss), where,
                  f"{v['criterion']!r} is not a torch.nn loss")
        kwargs = self.decode(v["module_kwargs"], f"{where}.module_kwargs")
        weights, crit_weights = self.tensors(v["module_state"], where), self.tensors(v["criterion_state"], where)
        rows = self.decode(v["history"], f"{where}.history")
        self.need(isinstance(kwargs, dict) and isinstance(weights, dict) and isinstance(crit_weights, dict)
                  and isinstance(rows, list), where, "expected module kwargs, two state dicts and a history")
        net = build_net(est, module=module, module_kwargs=kwargs, criterion=criterion,
                        criterion_kwargs=crit_weights, device=est.device_, name=type(est).__name__)
        try:
            with torch.random.fork_rng(devices=[]):  # random initial weights, replaced below: no RNG drawn
                net.initialize()
            net.module_.load_state_dict(weights)
            net.criterion_.load_state_dict(crit_weights)
            net.module_.eval()  # as fit leaves it
        except _ERRORS as exc:
            self.fail(where, f"the saved weights do not fit the net ({type(exc).__name__}: {exc})")
        net.history = History(rows)
        return net


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
        from ..estimators._training import _resolve_device

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
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RecursionError) as exc:
            raise ModelFileError(f"{path}: cannot read {_JSON} ({exc}); the file is corrupt.") from None
        doc = doc if isinstance(doc, dict) and "model" in doc else {}
        fmt, version, versions = doc.get("format"), doc.get("format_version"), doc.get("versions")
        reader.need(fmt == _FORMAT and type(version) is int and version >= 1, _JSON,
                    f"format {fmt!r} version {version!r}, expected {_FORMAT!r} and a version >= 1")
        if version > FORMAT_VERSION:
            writer = versions.get("seqforecast", "?") if isinstance(versions, dict) else "?"
            raise ModelFileError(
                f"{path} was written by seqforecast {writer} with model-file format {version}; this is "
                f"seqforecast {__version__}, which reads formats <= {FORMAT_VERSION}. Upgrade seqforecast "
                "(pip install --upgrade seqforecast) to load it."
            )
        return reader.decode(doc["model"], "model")
