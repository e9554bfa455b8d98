"""Helpers of the persistence tests: fitted models saved once, and ways to take their files apart."""

import json
import shutil
import struct
import zipfile

import numpy as np
import pandas as pd

from seqforecast.estimators import RNNClassifier, RNNRegressor
from seqforecast.forecasting import RecursiveForecaster
from seqforecast.persistence import save

TINY = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0)
#: The classifier's net is one RecurrentNet (the default ensemble of 3 is saved and loaded in tests/nets).
ONE_NET = dict(ensemble_size=1)


def windows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 5, 2))
    return X, X[:, -1, 0] + 0.5 * X[:, -2, 1]


def saved_models(folder):
    """Fit and save the models the tests take apart: {name: (model, path)}."""
    X, y = windows()
    models = {
        "forecaster": RecursiveForecaster(RNNRegressor(**TINY), window_length=5).fit(None, pd.Series(y)),
        "classifier": RNNClassifier(**TINY, **ONE_NET, class_weight="balanced").fit(X, y > 0.3),
    }
    out = {}
    for name, model in models.items():
        save(model, folder / f"{name}.zip")
        out[name] = (model, folder / f"{name}.zip")
    return out


def copy(source, folder, name="model.zip"):
    shutil.copy(source, folder / name)
    return folder / name


def contents(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def description(path):
    return json.loads(contents(path)["model.json"])


def write(path, members, compression=zipfile.ZIP_DEFLATED):
    """A zip archive at ``path`` holding ``members`` ((name, bytes) pairs, or a dict), in that order."""
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return path


def rewrite(path, edit_json=None, members=None, drop=()):
    """Rewrite the archive at ``path`` with its JSON edited (in place by ``edit_json``) and members replaced,
    added or dropped."""
    found = contents(path)
    doc = json.loads(found["model.json"])
    if edit_json is not None:
        edit_json(doc)
    found["model.json"] = json.dumps(doc).encode()
    found.update(members or {})
    return write(path, {name: data for name, data in found.items() if name not in drop})


def net_node(doc):
    """The net-state node of the forecaster's (or the classifier's) RNN in a model description."""
    model = doc["model"]
    estimator = model["state"].get("estimator_", model)
    return estimator["state"]["net_"]


def set_kwarg(net, key, value):
    """Set (or add) the module argument ``key`` of a net-state node."""
    items = net["module_kwargs"]["items"]
    for item in items:
        if item[0] == key:
            item[1] = value
            return
    items.append([key, value])


_CENTRAL = {"flags": (8, "<H"), "method": (10, "<H"), "csize": (20, "<L"), "usize": (24, "<L"), "offset": (42, "<L")}
_LOCAL = {"flags": 6, "method": 8, "csize": 18, "usize": 22}


def patch_entry(path, name, **fields):
    """Overwrite fields of the zip entry ``name`` in place: its central directory record and, but for
    ``offset``, its local header (flags, method, csize, usize, offset)."""
    data = bytearray(path.read_bytes())
    encoded, pos = name.encode(), data.find(b"PK\x01\x02")
    while pos >= 0:
        length = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + length]) == encoded:
            local = struct.unpack_from("<L", data, pos + 42)[0]
            for key, value in fields.items():
                offset, fmt = _CENTRAL[key]
                struct.pack_into(fmt, data, pos + offset, value)
                if key in _LOCAL:
                    struct.pack_into(fmt, data, local + _LOCAL[key], value)
            path.write_bytes(bytes(data))
            return path
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise KeyError(name)


def npy(header, data=b"", version=(1, 0)):
    """The bytes of an ``.npy`` file with the header dict ``header`` (a Python literal) and ``data``."""
    text = header.encode("latin1")
    start = 10 if version == (1, 0) else 12
    text += b" " * (-(start + len(text) + 1) % 64) + b"\n"
    size = len(text).to_bytes(start - 8, "little")
    return b"\x93NUMPY" + bytes(version) + size + text + data


def find(node, key, value):
    """The first dict in the JSON tree ``node`` holding ``key: value`` (depth first)."""
    if isinstance(node, dict):
        if node.get(key) == value:
            return node
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            found = find(item, key, value)
            if found is not None:
                return found
    return None
