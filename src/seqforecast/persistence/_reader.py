"""The reader of model files: decodes the JSON tree, resolving classes without importing what the file names."""

from __future__ import annotations

import importlib
import io
import re
import zipfile
import zlib

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator

from .. import __version__
from .._utils.time_index import TimeIndex
from ..exceptions import ModelFileError
from ._format import BIT_GENERATORS, INDEX_DTYPES, NET_ATTRIBUTE, NET_STATE_KIND
from ._registry import class_named

__all__ = ["Reader"]

_MEMBER = re.compile(r"(arrays/\d+\.npy|tensors/\d+\.pt)")
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
_ATTR = re.compile(r"_?[A-Za-z]\w*")
_ERRORS = (
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    RuntimeError,
    OverflowError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
)  # what a modified file can make decoders raise


class Reader:
    """Decodes the JSON tree of a model file, resolving classes only from the allow-list.

    A node that cannot be decoded raises :class:`ModelFileError` naming its place in the tree (``at``).
    """

    _KINDS = (
        "float",
        "scalar",
        "ndarray",
        "object_array",
        "tuple",
        "dict",
        "record",
        "tensor",
        "class",
        "random_state",
        "generator",
        "timestamp",
        "period",
        "offset",
        "time_index",
        "range_index",
        "period_index",
        "datetime_index",
        "index",
        "series",
        "dataframe",
        "estimator",
    )

    def __init__(self, archive, path, device):
        self.archive, self.path, self.device = archive, path, device

    def fail(self, where, what):
        raise ModelFileError(
            f"{self.path}: {what} (at {where}). The file is not a valid seqforecast model file: "
            "it was modified or is corrupt; save the model again."
        )

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
        """The class named ``dotted``: a seqforecast class through the registry, a scikit-learn class by
        importing its ``sklearn.*`` module; any other name is refused before anything is imported."""
        self.need(isinstance(dotted, str) and _DOTTED.fullmatch(dotted), where, f"invalid class name {dotted!r}")
        module_name, _, qualname = dotted.rpartition(".")
        root = module_name.split(".")[0]
        if root == "seqforecast":
            cls = class_named(dotted)
            if cls is None:
                raise ModelFileError(
                    f"{self.path}: the file names the class {dotted!r} (at {where}), which is not a class that "
                    f"seqforecast {__version__} stores in model files. Nothing was imported. The file was "
                    "modified, or written by a newer seqforecast: upgrade seqforecast (pip install --upgrade "
                    "seqforecast) to load it."
                )
            return cls
        if root != "sklearn":
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
        self.need(
            isinstance(cls, type) and issubclass(cls, BaseEstimator) and cls.__module__ == module_name,
            where,
            f"{dotted!r} is not a seqforecast or scikit-learn estimator class",
        )
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
        self.need(
            arr.dtype.str == dtype and list(arr.shape) == shape,
            where,
            f"the array {name!r} has dtype {arr.dtype.str} and shape {list(arr.shape)}, but the model "
            f"description records dtype {dtype} and shape {shape}",
        )
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
        self.need(
            issubclass(cls, tuple) and list(fields) == list(getattr(cls, "_fields", [])),
            where,
            f"{v['class']} expects fields {list(getattr(cls, '_fields', []))}",
        )
        return cls(**{k: self.decode(x, f"{where}.{k}") for k, x in fields.items()})

    def _tensor(self, v, where):
        tensor = self.tensors(v["file"], where)
        self.need(isinstance(tensor, torch.Tensor), where, f"{v['file']!r} does not hold a tensor")
        return tensor

    def _class(self, v, where):
        prefix, _, name = v["name"].rpartition(".")
        cls = getattr(torch.optim, name, None) if prefix == "torch.optim" else None
        self.need(
            isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer),
            where,
            f"{v['name']!r} is not a torch.optim optimizer",
        )
        return cls

    def _random_state(self, v, where):
        rng = np.random.RandomState()
        rng.set_state(self.decode(v["state"], where))
        return rng

    def _generator(self, v, where):
        self.need(v["bit_generator"] in BIT_GENERATORS, where, f"unknown bit generator {v['bit_generator']!r}")
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
        self.need(
            isinstance(values, np.ndarray) and values.dtype == np.int64 and values.ndim == 1,
            where,
            "expected a 1-D int64 array",
        )
        return values

    def _period_index(self, v, where):
        return pd.PeriodIndex.from_ordinals(
            self._int64s(v["ordinals"], where), freq=v["freq"], name=self.decode(v["name"], where)
        )

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
            self.need(
                isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "biuf",
                where,
                "a numeric Index needs a 1-D numeric array",
            )
            return pd.Index(values, name=name)
        self.need(v["dtype"] in INDEX_DTYPES, where, f"invalid Index dtype {v['dtype']!r}")
        return pd.Index(
            [self.decode(x, f"{where}[{i}]") for i, x in enumerate(v["items"])], dtype=v["dtype"], name=name
        )

    def _series(self, v, where):
        values, index = self.decode(v["values"], where), self.decode(v["index"], f"{where}.index")
        self.need(
            isinstance(values, np.ndarray) and isinstance(index, pd.Index) and values.shape == (len(index),),
            where,
            "a Series needs 1-D values as long as its index",
        )
        series = pd.Series(values, index=index, name=self.decode(v["name"], where), copy=False)
        return series if "dtype" not in v else series.astype(self._string_dtype(v["dtype"], where))

    def _dataframe(self, v, where):
        index, columns = self.decode(v["index"], f"{where}.index"), self.decode(v["columns"], f"{where}.columns")
        arrays = [self.decode(col, f"{where}.iloc[:, {j}]") for j, col in enumerate(v["data"])]
        self.need(
            isinstance(index, pd.Index)
            and isinstance(columns, pd.Index)
            and len(columns) == len(arrays)
            and all(isinstance(a, np.ndarray) and a.shape == (len(index),) for a in arrays),
            where,
            f"a DataFrame needs one 1-D array of {len(index)} rows per column",
        )
        frame = pd.DataFrame(dict(enumerate(arrays)), index=index)
        for j, dtype in enumerate(v.get("dtypes") or []):
            if dtype is not None:
                frame[j] = frame[j].astype(self._string_dtype(dtype, where))
        frame.columns = columns
        return frame

    def _string_dtype(self, name, where):
        self.need(name in ("str", "string"), where, f"invalid column dtype {name!r} (only 'str' and 'string')")
        return name

    # ----------------------------------------------------------------------------------- estimators
    def _estimator(self, v, where):
        cls, params, state = self.resolve(v["class"], where), v["params"], v["state"]
        self.need(issubclass(cls, BaseEstimator), where, f"{v['class']} is not an estimator class")
        known = set(cls._get_param_names())
        unknown = sorted(set(params) - known)
        self.need(not unknown, where, f"{cls.__name__} has no parameter(s) {unknown}; it takes {sorted(known)}")
        est = cls(**{k: self.decode(x, f"{where}.{k}") for k, x in params.items()})
        has_net = callable(getattr(est, "_set_net_state", None))  # the net-state protocol (see _format)
        for key, node in state.items():
            self.need(_ATTR.fullmatch(key) and key not in known, where, f"invalid fitted attribute name {key!r}")
            if not (has_net and key == NET_ATTRIBUTE):
                setattr(est, key, self.decode(node, f"{where}.{key}"))
        if has_net and NET_ATTRIBUTE in state:  # last: the estimator's other fitted attributes (device_) are set
            where = f"{where}.{NET_ATTRIBUTE}"
            net_state = self._net_state(state[NET_ATTRIBUTE], where)
            try:
                est._set_net_state(net_state, self.device)
            except _ERRORS as exc:
                self.fail(where, f"the saved net does not fit {cls.__name__} ({type(exc).__name__}: {exc})")
        return est

    def _net_state(self, v, where):
        """A net-state node as the state that ``_set_net_state`` takes (classes, plain values, tensors)."""
        self.need(
            isinstance(v, dict) and v.get("__kind__") == NET_STATE_KIND,
            where,
            f"a net state must be a {NET_STATE_KIND} node",
        )
        try:
            module = self.resolve(v["module"], f"{where}.module")
            self.need(issubclass(module, torch.nn.Module), where, f"{v['module']!r} is not a torch module")
            criterion = self._loss(v["criterion"], f"{where}.criterion")
            state = {
                "module": module,
                "module_kwargs": self.decode(v["module_kwargs"], f"{where}.module_kwargs"),
                "module_state": self.tensors(v["module_state"], where),
                "criterion": criterion,
                "criterion_state": self.tensors(v["criterion_state"], where),
                "history": self.decode(v["history"], f"{where}.history"),
            }
        except ModelFileError:
            raise
        except _ERRORS as exc:
            self.fail(where, f"invalid {NET_STATE_KIND} node ({type(exc).__name__}: {exc})")
        self.need(
            isinstance(state["module_kwargs"], dict)
            and isinstance(state["module_state"], dict)
            and isinstance(state["criterion_state"], dict)
            and isinstance(state["history"], list),
            where,
            "expected module kwargs, two state dicts and a history",
        )
        return state

    def _loss(self, name, where):
        """A torch loss class: ``torch.nn.<Name>`` looked up in torch.nn, or one of seqforecast's by name."""
        if isinstance(name, str) and name.startswith("torch.nn."):
            cls = getattr(torch.nn, name.removeprefix("torch.nn."), None)
        else:
            cls = self.resolve(name, where)
        self.need(
            isinstance(cls, type) and issubclass(cls, torch.nn.modules.loss._Loss),
            where,
            f"{name!r} is not a torch.nn loss",
        )
        return cls
