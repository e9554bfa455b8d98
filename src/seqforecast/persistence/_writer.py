"""The writer of model files: a model as a JSON tree, with its arrays and tensors as archive members."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator

from .._utils.time_index import TimeIndex
from ._archive import Problem
from ._format import BIT_GENERATORS, INDEX_DTYPES, NET_ATTRIBUTE, NET_STATE_KIND
from ._members import npy_bytes, safetensors_bytes
from ._nets import check_finite
from ._registry import NONE_ONLY_PARAMS, name_of, state_name_problem

__all__ = ["Writer"]

_UNSAFE_HINT = (
    "use pickle or joblib for this model instead, and unpickle only files you trust (unpickling "
    "runs code chosen by whoever wrote the file)"
)


def _dotted(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def class_name(cls):
    """The name under which a model file stores an estimator class (see :mod:`._registry`): its stable name
    for seqforecast's, the public path for scikit-learn's; None for a class a model file may not hold."""
    return name_of(cls) if issubclass(cls, BaseEstimator) else None


class Writer:
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
            name = name_of(type(v))
            if name is None:
                self._refuse(v, where)
            fields = {k: self.encode(x, f"{where}.{k}") for k, x in zip(v._fields, v)}
            return {"__kind__": "record", "class": name, "fields": fields}
        if isinstance(v, tuple):
            return {"__kind__": "tuple", "items": [self.encode(x, f"{where}[{i}]") for i, x in enumerate(v)]}
        if type(v) is dict:
            items = [[self.encode(k, f"{where} key"), self.encode(x, f"{where}[{k!r}]")] for k, x in v.items()]
            return {"__kind__": "dict", "items": items}
        if isinstance(v, (pd.Series, pd.DataFrame, pd.Index)):
            return self._pandas(v, where)
        if isinstance(v, pd.Timestamp):
            return {
                "__kind__": "timestamp",
                "iso": v.isoformat(),
                "tz": None if v.tz is None else str(v.tz),
                "unit": v.unit,
            }
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
            if name not in BIT_GENERATORS:
                self._refuse(v, where, f"a numpy Generator over {name}")
            return {"__kind__": "generator", "bit_generator": name, "state": self.encode(v.bit_generator.state, where)}
        if isinstance(v, torch.Tensor):
            return {"__kind__": "tensor", "file": self._tensors({"tensor": v}, where)}
        if isinstance(v, type):
            if issubclass(v, torch.optim.Optimizer) and name_of(v) is not None:
                return {"__kind__": "class", "name": name_of(v)}
            self._refuse(v, where, f"the class {_dotted(v)} (only torch.optim optimizers can be stored)")
        if isinstance(v, BaseEstimator):
            return self._estimator(v, where)
        inside = [type(x) for x in [v, *getattr(v, "__dict__", {}).values()]]  # e.g. a dataclass of results
        if any(cls.__module__.split(".")[0] == "statsmodels" for cls in inside):
            self._refuse(v, where, f"statsmodels results ({type(v).__name__}), which the safe format does not store")
        return self._refuse(v, where)

    def _array(self, v, where):
        if v.dtype.fields is not None or v.dtype.kind not in "biufcUSmMO":
            self._refuse(v, where, f"an array of dtype {v.dtype}")
        if v.dtype.kind == "O":  # element by element: strings, numbers, None
            items = [self.encode(x, f"{where}[{i}]") for i, x in enumerate(v.ravel(order="C"))]
            return {"__kind__": "object_array", "shape": list(v.shape), "items": items}
        name = self._member("arrays", ".npy", npy_bytes(v))
        return {"__kind__": "ndarray", "file": name, "dtype": v.dtype.str, "shape": list(v.shape)}

    def _tensors(self, tensors, where):
        """A dict of tensors as a safetensors member (no pickle); a ValueError when one is not finite, as load
        would refuse it."""
        try:
            check_finite(tensors)
        except Problem as problem:
            raise ValueError(
                f"Cannot save {where}: {problem.what}. Load would refuse the file; refit the model on finite data."
            ) from None
        return self._member("tensors", ".safetensors", safetensors_bytes(tensors))

    def _pandas(self, v, where):
        if isinstance(v, pd.Index):
            return self._index(v, where)
        if isinstance(v, pd.Series):
            dtype = self._column_dtype(v.dtype, v, where, "a Series")
            return {
                "__kind__": "series",
                "values": self._array(self._column_values(v), where),
                "index": self._index(v.index, f"{where}.index"),
                "name": self.encode(v.name, where),
                **({"dtype": dtype} if dtype else {}),
            }
        dtypes = [
            self._column_dtype(dtype, v, where, f"a DataFrame column {name!r}") for name, dtype in v.dtypes.items()
        ]
        data = [self._array(self._column_values(v.iloc[:, j]), f"{where}.iloc[:, {j}]") for j in range(v.shape[1])]
        return {
            "__kind__": "dataframe",
            "data": data,
            "index": self._index(v.index, f"{where}.index"),
            "columns": self._index(v.columns, f"{where}.columns"),
            **({"dtypes": dtypes} if any(dtypes) else {}),
        }

    def _column_dtype(self, dtype, v, where, what):
        """None for a numpy dtype; the name of a pandas string dtype ("str", pandas 3's default for text, or
        "string"), stored item by item and restored; any other extension dtype is refused."""
        if isinstance(dtype, np.dtype):
            return None
        if isinstance(dtype, pd.StringDtype) and str(dtype) in INDEX_DTYPES:
            return str(dtype)
        return self._refuse(v, where, f"{what} of extension dtype {dtype}; convert it to a numpy dtype")

    @staticmethod
    def _column_values(v):
        if isinstance(v.dtype, pd.StringDtype):
            return np.array([None if pd.isna(x) else str(x) for x in v], dtype=object)  # one str (or None) per row
        return v.to_numpy()

    def _index(self, v, where):
        name = self.encode(v.name, f"{where}.name")
        if isinstance(v, pd.MultiIndex):
            self._refuse(v, where, "a MultiIndex")
        if isinstance(v, pd.RangeIndex):
            return {
                "__kind__": "range_index",
                "start": int(v.start),
                "stop": int(v.stop),
                "step": int(v.step),
                "name": name,
            }
        if isinstance(v, pd.PeriodIndex):
            return {
                "__kind__": "period_index",
                "ordinals": self._array(v.asi8.copy(), where),
                "freq": v.freqstr,
                "name": name,
            }
        if isinstance(v, pd.DatetimeIndex):
            return {
                "__kind__": "datetime_index",
                "values": self._array(v.asi8.copy(), where),
                "unit": v.unit,
                "tz": None if v.tz is None else str(v.tz),
                "freq": v.freqstr,
                "name": name,
            }
        if isinstance(v.dtype, np.dtype) and v.dtype.kind in "biuf":
            return {"__kind__": "index", "values": self._array(v.to_numpy(), where), "name": name}
        if str(v.dtype) not in INDEX_DTYPES:
            self._refuse(v, where, f"an index of dtype {v.dtype}")
        items = [self.encode(x, f"{where}[{i}]") for i, x in enumerate(v.tolist())]
        return {"__kind__": "index", "items": items, "dtype": str(v.dtype), "name": name}

    def _estimator(self, est, where):
        cls = type(est)
        name = class_name(cls)
        if name is None and cls.__module__.split(".")[0] == "sklearn":
            self._refuse(
                est,
                where,
                f"an estimator of class {_dotted(cls)}, which is not among the scikit-learn estimators a model "
                "file may hold (SKLEARN_CLASSES in seqforecast/persistence/_registry.py: estimators whose fitted "
                "state is plain arrays that numpy code reads)",
            )
        if name is None:
            self._refuse(
                est,
                where,
                f"an estimator of class {_dotted(cls)}: only seqforecast classes and "
                "scikit-learn estimators (sklearn.*) can be stored",
            )
        params = est.get_params(deep=False)
        for key in NONE_ONLY_PARAMS.get(cls, ()):
            if params.get(key) is not None:
                self._refuse(
                    est,
                    f"{where}.{key}",
                    f"{key}={params[key]!r} (set_params({key}=None) before saving: a model file leaves it None, "
                    "since a refit would read and write files where it points)",
                )
        has_net = callable(getattr(est, "_get_net_state", None))  # the net-state protocol (see _format)
        if has_net and params.get("accelerator") is not None:
            # a resource of the running processes, as a device is: a model file leaves it out (the fitted net
            # keeps no reference to it), so the loaded model has accelerator=None
            params = {**params, "accelerator": None}
        if has_net and params.get("callbacks"):
            self._refuse(
                est,
                f"{where}.callbacks",
                "skorch callback objects (set_params(callbacks=None) before saving to store the model without them)",
            )
        state, constructed = {}, set(vars(cls(**params)))
        for key, value in vars(est).items():
            if key in params:
                continue
            problem = state_name_problem(cls, key, params, constructed)
            if problem is not None:
                self._refuse(est, f"{where}.{key}", f"an attribute that a model file may not set ({problem})")
            if has_net and key == NET_ATTRIBUTE:
                state[key] = self._net_state(est._get_net_state(), f"{where}.{key}")
            else:
                state[key] = self.encode(value, f"{where}.{key}")
        return {
            "__kind__": "estimator",
            "class": name,
            "params": {k: self.encode(v, f"{where}.{k}") for k, v in params.items()},
            "state": state,
        }

    def _net_state(self, state, where):
        """A net state (``_get_net_state()``): classes by name, state dicts as tensor members."""
        module, criterion = state["module"], state["criterion"]
        module_name = name_of(module)
        if module_name is None:
            self._refuse(
                module,
                f"{where}.module_",
                f"a torch module of class {_dotted(module)}, which the safe format does not store",
            )
        criterion_name = name_of(criterion)
        if criterion_name is None:
            self._refuse(
                criterion,
                f"{where}.criterion_",
                f"a loss of class {_dotted(criterion)}, which the safe format does not store",
            )
        return {
            "__kind__": NET_STATE_KIND,
            "module": module_name,
            "module_kwargs": self.encode(state["module_kwargs"], f"{where}.module_kwargs"),
            "module_state": self._tensors(state["module_state"], f"{where}.module_"),
            "criterion": criterion_name,
            "criterion_state": self._tensors(state["criterion_state"], f"{where}.criterion_"),
            "history": self.encode(list(state["history"]), f"{where}.history"),
        }
