"""The reader of model files: decodes the JSON tree, creating only the registry's classes, and checks what it
sets on them against what the classes define.

Nothing a file names is imported or looked up in a module: classes come from :mod:`._registry`, and a name
outside it is refused. An estimator gets the parameters its class takes and the fitted attributes that
:func:`~._registry.state_name_problem` allows (never a name the class defines: a file cannot replace
``predict``); a net gets weights only when they have the keys, shapes and dtypes of the net its saved settings
build, and finite values (:mod:`._nets`). Arrays and tensors are read by :mod:`._members` within the limits of
:mod:`._limits`.
"""

from __future__ import annotations

import math
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
from . import _limits
from ._archive import MODIFIED, Problem, limit_problem
from ._format import BIT_GENERATORS, INDEX_DTYPES, NET_ATTRIBUTE, NET_STATE_KIND, PICKLED_TENSORS_UP_TO
from ._members import npy_array, safetensors_tensors, torch_pickle
from ._nets import check_finite, check_tensors, expected_state
from ._registry import NONE_ONLY_PARAMS, class_named, state_name_problem

__all__ = ["Reader"]

_ARRAY_MEMBER = re.compile(r"arrays/[0-9]{1,9}\.npy")
_TENSOR_MEMBER = re.compile(r"tensors/[0-9]{1,9}\.(?:safetensors|pt)")
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", re.ASCII)
#: numpy scalars: booleans, integers, floats and str (what the writer stores), as ``dtype.str`` spells them.
_SCALAR_DTYPE = re.compile(r"[<>|=]?(?:b1|[iu][1248]|f(?:2|4|8|12|16)|U(?P<width>[0-9]{1,9}))")
#: Time zone names (IANA names, UTC offsets): never a path, and never pandas' "dateutil/..." file lookups.
_TIME_ZONE = re.compile(r"(?!dateutil)[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*|UTC[+-][0-9]{2}:[0-9]{2}")
_BIT_GENERATORS = {name: getattr(np.random, name) for name in BIT_GENERATORS}
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
#: What each kind of class must be, checked on the class the registry gives.
_CLASS_KINDS = {
    "estimator": (lambda cls: issubclass(cls, BaseEstimator), "an estimator class"),
    "record": (lambda cls: issubclass(cls, tuple) and hasattr(cls, "_fields"), "a record class"),
    "module": (
        lambda cls: issubclass(cls, torch.nn.Module) and not issubclass(cls, torch.nn.modules.loss._Loss),
        "a torch module",
    ),
    "loss": (lambda cls: issubclass(cls, torch.nn.modules.loss._Loss), "a torch.nn loss"),
    "optimizer": (lambda cls: issubclass(cls, torch.optim.Optimizer), "a torch.optim optimizer"),
}
_NOT_IMPORTED = (
    "Nothing was imported. Do not load this file; if you wrote it with a custom class, save that model with "
    "pickle or joblib and keep the file where only you can change it."
)


class Reader:
    """Decodes the JSON tree of a model file, creating classes only from the registry.

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

    def __init__(self, archive, path, device, version):
        self.archive, self.path, self.device, self.version = archive, path, device, version

    def fail(self, where, what, fix=MODIFIED):
        raise ModelFileError(f"{self.path}: {what} (at {where}). {fix}")

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
        except Problem as problem:
            self.fail(where, problem.what, problem.fix)
        except _ERRORS as exc:
            self.fail(where, f"invalid {kind} node ({type(exc).__name__}: {exc})")

    # ----------------------------------------------------------------------------------- members
    def member(self, name, where, pattern):
        """The bytes of the member ``name`` (which ``pattern`` must match), read once."""
        self.need(isinstance(name, str) and pattern.fullmatch(name), where, f"invalid member name {name!r}")
        try:
            return self.archive.read(name)
        except Problem as problem:
            self.fail(where, problem.what, problem.fix)

    def tensors(self, name, where):
        """What a tensor member holds: a dict of tensors (safetensors), or what a ``torch.save`` file of
        formats 1 and 2 holds (read with ``weights_only``); raises :class:`Problem`."""
        data = self.member(name, where, _TENSOR_MEMBER)
        if name.endswith(".safetensors"):
            return safetensors_tensors(data, name)
        if self.version > PICKLED_TENSORS_UP_TO:
            raise Problem(
                f"{name!r} is a torch.save file, which a file of format {self.version} does not hold (only "
                f"formats <= {PICKLED_TENSORS_UP_TO} stored tensors that way)"
            )
        return torch_pickle(data, name)

    # ----------------------------------------------------------------------------------- classes
    def resolve(self, name, where, kind):
        """The registry's class named ``name``, which must be of ``kind`` (a key of ``_CLASS_KINDS``); any other
        name is refused, and nothing is imported."""
        self.need(isinstance(name, str) and _DOTTED.fullmatch(name), where, f"invalid class name {name!r}")
        cls = class_named(name)
        root = name.split(".")[0]
        if cls is None and root == "seqforecast":
            raise ModelFileError(
                f"{self.path}: the file names the class {name!r} (at {where}), which is not a class that "
                f"seqforecast {__version__} stores in model files. Nothing was imported. The file was modified, "
                "or written by a newer seqforecast: upgrade seqforecast (pip install --upgrade seqforecast) to "
                "load it."
            )
        if cls is None and root in ("sklearn", "torch"):
            allowed = (
                "the scikit-learn estimators of seqforecast.persistence._registry.SKLEARN_CLASSES (linear "
                "models, scalers, pipelines, multi-output wrappers)"
                if root == "sklearn"
                else "the torch optimizers and losses of seqforecast.persistence._registry.TORCH_CLASSES"
            )
            what = "scikit-learn estimator" if root == "sklearn" else "torch optimizer or loss"
            self.fail(
                where,
                f"{name!r} is not a seqforecast or {what} class",
                f"A model file may hold only {allowed}. {_NOT_IMPORTED}",
            )
        if cls is None:
            raise ModelFileError(
                f"{self.path}: the file names the class {name!r} (at {where}), which a model file may not load: "
                f"only seqforecast classes and scikit-learn estimators (sklearn.*) are allowed. {_NOT_IMPORTED}"
            )
        check, described = _CLASS_KINDS[kind]
        self.need(check(cls), where, f"{name} is not {described}")
        return cls

    # ----------------------------------------------------------------------------------- leaves
    def _float(self, v, where):
        self.need(v["value"] in ("nan", "inf", "-inf"), where, f"invalid float {v['value']!r}")
        return float(v["value"])

    def _scalar(self, v, where):
        name, value = v["dtype"], self.decode(v["value"], where)
        found = isinstance(name, str) and _SCALAR_DTYPE.fullmatch(name)
        self.need(found, where, f"dtype {name!r} is not allowed for a scalar")
        if found.group("width") is not None:  # a str scalar is as wide as its text: no wider buffer than the file holds
            self.need(
                isinstance(value, str) and int(found.group("width")) <= len(value),
                where,
                f"a {name} scalar of {value!r}",
            )
        return np.array(value, dtype=np.dtype(name))[()]

    def _ndarray(self, v, where):
        name, dtype, shape = v["file"], v["dtype"], v["shape"]
        arr = npy_array(self.member(name, where, _ARRAY_MEMBER), name)
        self.need(
            arr.dtype.str == dtype and list(arr.shape) == shape,
            where,
            f"the array {name!r} has dtype {arr.dtype.str} and shape {list(arr.shape)}, but the model "
            f"description records dtype {dtype} and shape {shape}",
        )
        return arr

    def _object_array(self, v, where):
        shape, items = v["shape"], v["items"]
        self.need(
            isinstance(shape, list)
            and all(type(n) is int and n >= 0 for n in shape)
            and isinstance(items, list)
            and math.prod(shape) == len(items),
            where,
            f"an object array of shape {shape} with {len(items)} items",
        )
        arr = np.empty(len(items), dtype=object)
        for i, item in enumerate(self.decode(items, where)):
            arr[i] = item  # one by one: a sequence item stays one object
        return arr.reshape(shape)

    def _tuple(self, v, where):
        return tuple(self.decode(v["items"], where))

    def _dict(self, v, where):
        pairs = [(self.decode(key, f"{where} key"), value) for key, value in v["items"]]
        return {key: self.decode(value, f"{where}[{key!r}]") for key, value in pairs}

    def _record(self, v, where):
        cls, fields = self.resolve(v["class"], where, "record"), v["fields"]
        self.need(
            isinstance(fields, dict) and list(fields) == list(cls._fields),
            where,
            f"{v['class']} expects fields {list(cls._fields)}",
        )
        return cls(**{k: self.decode(x, f"{where}.{k}") for k, x in fields.items()})

    def _tensor(self, v, where):
        value = self.tensors(v["file"], where)
        if isinstance(value, dict) and list(value) == ["tensor"]:
            value = value["tensor"]  # safetensors holds dicts: a single tensor under the key "tensor"
        self.need(isinstance(value, torch.Tensor), where, f"{v['file']!r} does not hold a tensor")
        check_finite({v["file"]: value})
        return value if self.device is None else value.to(self.device)

    def _class(self, v, where):
        return self.resolve(v["name"], where, "optimizer")

    def _random_state(self, v, where):
        rng = np.random.RandomState()
        rng.set_state(self.decode(v["state"], where))
        return rng

    def _generator(self, v, where):
        self.need(v["bit_generator"] in _BIT_GENERATORS, where, f"unknown bit generator {v['bit_generator']!r}")
        bit_generator = _BIT_GENERATORS[v["bit_generator"]]()
        bit_generator.state = self.decode(v["state"], where)
        return np.random.Generator(bit_generator)

    # ----------------------------------------------------------------------------------- pandas
    def _time_zone(self, name, where):
        self.need(
            name is None or (isinstance(name, str) and _TIME_ZONE.fullmatch(name)), where, f"invalid time zone {name!r}"
        )
        return name

    def _timestamp(self, v, where):
        ts, tz = pd.Timestamp(v["iso"]), self._time_zone(v["tz"], where)
        return (ts if tz is None else ts.tz_convert(tz)).as_unit(v["unit"])

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
        tz = self._time_zone(v["tz"], where)
        values = self._int64s(v["values"], where).view(f"M8[{v['unit']}]")
        index = pd.DatetimeIndex(values, name=self.decode(v["name"], where))
        if tz is not None:  # the values are UTC instants
            index = index.tz_localize("UTC").tz_convert(tz)
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
        cls, params, state = self.resolve(v["class"], where, "estimator"), v["params"], v["state"]
        self.need(isinstance(params, dict) and isinstance(state, dict), where, "expected params and state objects")
        known = set(cls._get_param_names())
        unknown = sorted(set(params) - known)
        self.need(not unknown, where, f"{cls.__name__} has no parameter(s) {unknown}; it takes {sorted(known)}")
        values = {k: self.decode(x, f"{where}.{k}") for k, x in params.items()}
        for key in NONE_ONLY_PARAMS.get(cls, ()):
            self.need(
                values.get(key) is None,
                f"{where}.{key}",
                f"{cls.__name__}'s {key} is {values.get(key)!r}; a model file leaves it None (a refit would read "
                "and write files where it points)",
            )
        est = cls(**values)
        constructed = set(vars(est))  # what the constructor sets: the parameters, and a few others
        has_net = callable(getattr(est, "_set_net_state", None))  # the net-state protocol (see _format)
        for key in state:
            problem = state_name_problem(cls, key, known, constructed)
            if problem is not None:
                self.fail(
                    where,
                    f"the file sets the attribute {key!r} of a {cls.__name__}, which a model file may not: {problem}",
                    f"{MODIFIED} A file that sets such names means to change what the class does: do not load it.",
                )
        for key, node in state.items():
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
        """A net-state node as the state that ``_set_net_state`` takes (classes, plain values, tensors), its
        weights checked against the module and loss that its saved settings build."""
        self.need(
            isinstance(v, dict) and v.get("__kind__") == NET_STATE_KIND,
            where,
            f"a net state must be a {NET_STATE_KIND} node",
        )
        try:
            module = self.resolve(v["module"], f"{where}.module", "module")
            criterion = self.resolve(v["criterion"], f"{where}.criterion", "loss")
            state = {
                "module": module,
                "module_kwargs": self.decode(v["module_kwargs"], f"{where}.module_kwargs"),
                "module_state": self.tensors(v["module_state"], where),
                "criterion": criterion,
                "criterion_state": self.tensors(v["criterion_state"], where),
                "history": self.decode(v["history"], f"{where}.history"),
            }
            self.need(
                isinstance(state["module_kwargs"], dict)
                and all(isinstance(key, str) for key in state["module_kwargs"])
                and isinstance(state["module_state"], dict)
                and isinstance(state["criterion_state"], dict)
                and isinstance(state["history"], list),
                where,
                "expected module kwargs, two state dicts and a history",
            )
            for kind, cls, kwargs in (("module", module, "module_kwargs"), ("criterion", criterion, "criterion_state")):
                saved = state[f"{kind}_state"]
                if len(saved) > _limits.MAX_TENSORS:
                    raise limit_problem(f"the {kind} state holds {len(saved):,} tensors", "MAX_TENSORS")
                expected = expected_state(cls, state[kwargs], len(saved), f"the {cls.__name__}")
                check_tensors(saved, expected, f"the {cls.__name__} built from the saved settings")
        except ModelFileError:
            raise
        except Problem as problem:
            self.fail(where, problem.what, problem.fix)
        except _ERRORS as exc:
            self.fail(where, f"invalid {NET_STATE_KIND} node ({type(exc).__name__}: {exc})")
        return state
