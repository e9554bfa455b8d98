"""Model files from strangers: load creates only the registry's classes, sets only what those classes hold,
and takes weights and arrays only with the keys, shapes, dtypes and finite values their models define."""

import io
import json
import re
import sys
import time

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from seqforecast.estimators import RNNRegressor
from seqforecast.exceptions import ModelFileError
from seqforecast.forecasting import DirectForecaster, RecursiveForecaster
from seqforecast.persistence import load, save
from seqforecast.persistence._registry import SKLEARN_CLASSES, SKLEARN_FORMER_NAMES

from ._files import (
    TINY,
    contents,
    copy,
    description,
    find,
    net_node,
    npy,
    rewrite,
    set_kwarg,
    windows,
    write,
)


@pytest.fixture
def saved(models, tmp_path):
    return copy(models["forecaster"][1], tmp_path)


def _refused(path, *fragments):
    """Load ``path``, which must be refused quickly with a message holding every fragment."""
    start = time.perf_counter()
    with pytest.raises(ModelFileError) as info:
        load(path)
    elapsed = time.perf_counter() - start
    for fragment in fragments:
        if fragment not in str(info.value):
            pytest.fail(f"{fragment!r} is not in the message: {info.value}")
    # quickly: a file asking for a net of 2**40 units must be refused before anything is built (seconds, not
    # the minutes or the memory such a build would take); a generous bound, as the machine may be busy
    assert elapsed < 10.0, elapsed
    return str(info.value)


# ---------------------------------------------------------------------------- class names
def _at_model(name):
    return lambda doc: doc["model"].update({"class": name})


def _at_nested(name):
    return lambda doc: doc["model"]["state"]["estimator_"].update({"class": name})


def _at_module(name):
    return lambda doc: net_node(doc).update({"module": name})


def _at_loss(name):
    return lambda doc: net_node(doc).update({"criterion": name})


def _as_param(kind, key, name):
    return lambda doc: doc["model"]["params"].update({"window_length": {"__kind__": kind, key: name, "fields": {}}})


UNKNOWN_NAMES = [
    "seqforecast.__main__.main",  # importing it would run the command line
    "seqforecast.forecasting.window.DirectForecaster",  # a module path into seqforecast, not a stable name
    "seqforecast._utils.validation.validate_params",
    "seqforecast.persistence.load",
    "seqforecast.evil.RecursiveForecaster",
    "__main__.Evil",
    "builtins.eval",
    "os.system",
    "numpy.load",
    "sklearn.svm.SVR",  # a scikit-learn estimator outside the registry (its state goes to libsvm)
    "sklearn.experimental.enable_iterative_imputer.IterativeImputer",  # importing it changes sklearn
    "sklearn.utils._show_versions.show_versions",
    "torch.nn.Linear",
    "torch.optim.Optimizer",
    "torch.optim.lr_scheduler.StepLR",
    "torch.nn.functional.mse_loss",
]


@pytest.mark.parametrize("place", [_at_model, _at_nested, _at_module, _at_loss])
@pytest.mark.parametrize("name", UNKNOWN_NAMES)
def test_class_names_outside_the_registry_are_refused_and_nothing_is_imported(saved, models, place, name):
    load(models["forecaster"][1])  # what a load imports, imported
    rewrite(saved, place(name))
    before = set(sys.modules)
    message = _refused(saved, repr(name))
    assert "Nothing was imported" in message
    assert set(sys.modules) == before


@pytest.mark.parametrize(
    "edit",
    [
        _as_param("class", "name", "builtins.object"),  # an optimizer node
        _as_param("class", "name", "os.system"),
        _as_param("record", "class", "subprocess.Popen"),
        _as_param("record", "class", "seqforecast._naive.Evil"),
    ],
)
def test_class_and_record_nodes_resolve_through_the_registry_too(saved, edit):
    rewrite(saved, edit)
    before = set(sys.modules)
    assert "Nothing was imported" in _refused(saved)
    assert set(sys.modules) == before


@pytest.mark.parametrize(
    "edit, message",
    [
        (_at_model("seqforecast.RecurrentNet"), "seqforecast.RecurrentNet is not an estimator class (at model)"),
        (_at_model("seqforecast.ThetaFit"), "seqforecast.ThetaFit is not an estimator class (at model)"),
        (_at_model("torch.nn.MSELoss"), "torch.nn.MSELoss is not an estimator class (at model)"),
        (_at_module("seqforecast.RNNRegressor"), "seqforecast.RNNRegressor is not a torch module"),
        (_at_module("seqforecast.SequenceCrossEntropy"), "seqforecast.SequenceCrossEntropy is not a torch module"),
        (_at_loss("seqforecast.RecurrentNet"), "seqforecast.RecurrentNet is not a torch.nn loss"),
        (_at_loss("torch.optim.Adam"), "torch.optim.Adam is not a torch.nn loss"),
        (_as_param("class", "name", "torch.nn.MSELoss"), "torch.nn.MSELoss is not a torch.optim optimizer"),
        (
            _as_param("record", "class", "sklearn.linear_model.Ridge"),
            "sklearn.linear_model.Ridge is not a record class",
        ),
        (_at_model(""), "invalid class name ''"),
        (_at_model("RNNRegressor"), "invalid class name 'RNNRegressor'"),
        (_at_model(42), "invalid class name 42"),
        (_at_model(None), "invalid class name None"),
        (_at_model("seqforecast.RNN Regressor"), "invalid class name 'seqforecast.RNN Regressor'"),
    ],
)
def test_a_registry_class_of_another_kind_or_a_malformed_name_is_refused(saved, edit, message):
    rewrite(saved, edit)
    _refused(saved, message)


# ---------------------------------------------------------------------------- fitted attributes
def _a_property(cls):
    return next(name for klass in cls.__mro__ for name, value in vars(klass).items() if isinstance(value, property))


ATTRIBUTES = [
    ("predict", "is defined by the class RecursiveForecaster (a method, property or class attribute)"),
    ("forecast", "is defined by the class RecursiveForecaster"),
    ("fit", "is defined by the class RecursiveForecaster"),
    ("get_params", "is defined by the class RecursiveForecaster"),
    (_a_property(RecursiveForecaster), "is defined by the class RecursiveForecaster"),  # a property
    ("_parameter_constraints", "is defined by the class RecursiveForecaster"),  # a class attribute
    ("__class__", "is a dunder name"),
    ("__dict__", "is a dunder name"),
    ("__init__", "is a dunder name"),
    ("1abc_", "is not a Python identifier"),
    ("a-b_", "is not a Python identifier"),
    ("a b_", "is not a Python identifier"),
    ("", "is not a Python identifier"),
    ("é_", "is not a Python identifier"),
    ("class", "is not a Python identifier"),
    ("window_length", "is a parameter of RecursiveForecaster, not a fitted attribute"),
    ("evil", "is not a fitted attribute of RecursiveForecaster: fitted attributes end in '_'"),
    ("_evil", "is not a fitted attribute of RecursiveForecaster: fitted attributes end in '_'"),
]


@pytest.mark.parametrize("name, problem", ATTRIBUTES)
def test_attributes_that_the_class_defines_or_does_not_hold_are_refused(saved, name, problem):
    rewrite(saved, lambda doc: doc["model"]["state"].update({name: 1}))
    _refused(saved, f"the file sets the attribute {name!r} of a RecursiveForecaster", problem, "(at model)")


@pytest.mark.parametrize(
    "name, problem",
    [
        ("predict", "is defined by the class RNNRegressor"),
        ("_forward", "is defined by the class RNNRegressor"),
        ("_set_net_state", "is defined by the class RNNRegressor"),
        ("predict_recursive", "is defined by the class RNNRegressor"),
        ("_evil", "fitted attributes end in '_' or are one of ['_architecture', '_y_shape_tail']"),
        ("hidden_size", "is a parameter of RNNRegressor"),
    ],
)
def test_attributes_of_nested_estimators_are_checked_too(saved, name, problem):
    rewrite(saved, lambda doc: doc["model"]["state"]["estimator_"]["state"].update({name: 1}))
    _refused(saved, f"the file sets the attribute {name!r} of a RNNRegressor", problem, "(at model.estimator_)")


def test_attributes_of_scikit_learn_estimators_are_checked_too(tmp_path):
    y = pd.Series(np.sin(np.arange(40) / 3))
    path = tmp_path / "m.zip"
    save(DirectForecaster(make_pipeline(StandardScaler(), Ridge()), window_length=4, horizon=2).fit(None, y), path)

    rewrite(path, lambda doc: find(doc, "class", "sklearn.linear_model.Ridge")["state"].update({"predict": 1}))
    _refused(path, "the file sets the attribute 'predict' of a Ridge", "is defined by the class Ridge")


def test_parameters_must_be_those_of_the_class(saved, tmp_path):
    for name in ("colour", "__class__", "predict", "window_length_"):
        rewrite(copy(saved, tmp_path, "p.zip"), lambda doc, name=name: doc["model"]["params"].update({name: 1}))
        _refused(tmp_path / "p.zip", f"RecursiveForecaster has no parameter(s) [{name!r}]")


def test_a_pipeline_with_a_cache_folder_is_neither_saved_nor_loaded(tmp_path):
    X, y = np.random.RandomState(0).normal(size=(20, 3)), np.arange(20.0)
    pipe = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())]).fit(X, y)
    save(pipe, tmp_path / "p.zip")
    rewrite(tmp_path / "p.zip", lambda doc: doc["model"]["params"].update({"memory": str(tmp_path)}))
    _refused(
        tmp_path / "p.zip", f"Pipeline's memory is {str(tmp_path)!r}; a model file leaves it None", "(at model.memory)"
    )
    with pytest.raises(TypeError, match=re.escape("Cannot save Pipeline.memory: it holds memory=")):
        save(pipe.set_params(memory=str(tmp_path)), tmp_path / "q.zip")


def test_save_refuses_what_load_would_refuse(tmp_path):
    X, y = windows()
    est = Ridge().fit(X[:, -1], y)
    est.predict_ = 1  # allowed: a fitted attribute
    est.__dict__["predict"] = lambda X: X  # shadows the method
    msg = (
        "Cannot save Ridge.predict: it holds an attribute that a model file may not set ('predict' is defined by "
        "the class Ridge (a method, property or class attribute))"
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        save(est, tmp_path / "r.zip")
    msg = (
        "Cannot save RecursiveForecaster.estimator: it holds an estimator of class sklearn.svm._classes.SVR, which "
        "is not among the scikit-learn estimators a model file may hold"
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        save(RecursiveForecaster(SVR()), tmp_path / "s.zip")
    est = RNNRegressor(**TINY).fit(X, y)
    with torch.no_grad():
        est.net_.module_.head.bias.fill_(float("nan"))
    msg = "Cannot save RNNRegressor.net_.module_: the tensor 'head.bias' holds 1 NaN or infinite value(s) among 1"
    with pytest.raises(ValueError, match=re.escape(msg)):
        save(est, tmp_path / "n.zip")
    assert not (tmp_path / "n.zip").exists()


# ---------------------------------------------------------------------------- weights
def _edit_weights(edit, member_key="module_state"):
    """A rewrite of the saved file whose net's state dict is passed through ``edit`` (a dict of tensors)."""

    def apply(path):
        member = net_node(description(path))[member_key]
        tensors = load_tensors(contents(path)[member])
        edit(tensors)
        rewrite(path, members={member: save_tensors(tensors)})

    return apply


def _fill(key, value):
    return _edit_weights(lambda t: t[key].view(-1).__setitem__(0, value))


WEIGHTS = [
    (_fill("head.weight", float("nan")), "the tensor 'head.weight' holds 1 NaN or infinite value(s) among 4"),
    (_fill("rnn.weight_hh_l0", float("inf")), "the tensor 'rnn.weight_hh_l0' holds 1 NaN or infinite value(s)"),
    (_fill("head.bias", float("-inf")), "the tensor 'head.bias' holds 1 NaN or infinite value(s) among 1"),
    (
        _edit_weights(lambda t: t.update({k: torch.full_like(v, float("nan")) for k, v in t.items()})),
        "NaN or infinite value(s)",
    ),
    (
        _edit_weights(lambda t: t.update({"head.weight": torch.zeros(1, 5)})),
        "the saved weight 'head.weight' has shape [1, 5] and dtype torch.float32, but the RecurrentNet built from "
        "the saved settings has shape [1, 4] and dtype torch.float32 there",
    ),
    (
        _edit_weights(lambda t: t.update({"head.bias": t["head.bias"].double()})),
        "the saved weight 'head.bias' has shape [1] and dtype torch.float64, but the RecurrentNet built from the "
        "saved settings has shape [1] and dtype torch.float32 there",
    ),
    (
        _edit_weights(lambda t: t.update({"head.bias": t["head.bias"].to(torch.int32)})),
        "has shape [1] and dtype torch.int32",
    ),
    (
        _edit_weights(lambda t: t.pop("head.bias")),
        "it has 6 tensor(s), the file 5; missing ['head.bias'], unexpected []",
    ),
    (
        _edit_weights(lambda t: t.update({"evil.weight": torch.zeros(2)})),
        "it has 6 tensor(s), the file 7; missing [], unexpected ['evil.weight']",
    ),
    (_edit_weights(lambda t: t.clear()), "it has 6 tensor(s), the file 0"),
]


@pytest.mark.parametrize("edit, message", WEIGHTS)
def test_weights_must_match_the_net_of_the_saved_settings_and_be_finite(saved, edit, message):
    edit(saved)
    _refused(saved, message, "(at model.estimator_.net_)")


def _kwarg(key, value):
    return lambda doc: set_kwarg(net_node(doc), key, value)


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            _kwarg("hidden_size", 5),
            "the saved weight 'rnn.weight_ih_l0' has shape [16, 1] and dtype torch.float32, but the RecurrentNet "
            "built from the saved settings has shape [20, 1] and dtype torch.float32 there",
        ),
        (_kwarg("hidden_size", 2**20), "but the RecurrentNet built from the saved settings has shape [4194304, 1]"),
        (_kwarg("hidden_size", 2**40), "the saved settings of the RecurrentNet do not build one (RuntimeError"),
        (_kwarg("num_layers", 100_000), "build a module far larger than its 6 saved tensor(s)"),
        (_kwarg("conv_channels", [1] * 100_000), "build a module far larger than its 6 saved tensor(s)"),
        (_kwarg("evil", 1), "the RecurrentNet takes no argument(s) ['evil']; RecurrentNet takes ['bidirectional',"),
        (_kwarg("cell", "transformer"), "the saved settings of the RecurrentNet do not build one"),
        (_kwarg("dropout", 5.0), "do not build one"),
        (_kwarg("hidden_size", {"__kind__": "offset", "freq": "D"}), "hold objects for ['hidden_size']"),
    ],
)
def test_the_saved_settings_of_a_net_are_checked_on_the_meta_device(saved, edit, message):
    rng_before = torch.get_rng_state()
    rewrite(saved, edit)
    _refused(saved, message, "(at model.estimator_.net_")
    assert torch.equal(torch.get_rng_state(), rng_before)


def test_the_loss_weights_of_a_classifier_are_checked_too(models, tmp_path):
    path = copy(models["classifier"][1], tmp_path)
    _edit_weights(lambda t: t["weight"].__setitem__(1, float("nan")), "criterion_state")(path)
    _refused(path, "the tensor 'weight' holds 1 NaN or infinite value(s) among 2", "(at model.net_)")
    path = copy(models["classifier"][1], tmp_path)
    _edit_weights(lambda t: t.update({"pos_weight": torch.ones(2)}), "criterion_state")(path)
    _refused(path, "the SequenceCrossEntropy takes no argument(s) ['pos_weight']", "(at model.net_)")


def test_a_tensor_value_with_nan_is_refused(saved):
    member = "tensors/99.safetensors"
    node = {"__kind__": "tensor", "file": member}
    rewrite(
        saved,
        lambda doc: doc["model"]["params"].update({"window_step": node}),
        members={member: save_tensors({"tensor": torch.tensor([1.0, float("nan")])})},
    )
    _refused(saved, f"the tensor '{member}' holds 1 NaN or infinite value(s) among 2", "(at model.window_step)")


# ---------------------------------------------------------------------------- arrays
def _array_member(doc):
    return doc["model"]["state"]["scale_"]["file"]  # a float64 array of shape (1,)


ARRAYS = [
    (npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", b"\x80\x04N."), "declares the dtype object"),
    (npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", bytes(8)), "(no objects, records"),
    (npy("{'descr': '|V8', 'fortran_order': False, 'shape': (1,), }", bytes(8)), "declares the dtype |V8"),
    (npy("{'descr': '<U0', 'fortran_order': False, 'shape': (1,), }"), "whose elements take no bytes"),
    (
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }", bytes(8)),
        "declares 1,099,511,627,776 values of dtype <f8 (shape [1099511627776], 8,796,093,022,208 bytes), but the "
        "member holds 8 bytes of data",
    ),
    (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", bytes(16)), "but the member holds 16 bytes"),
    (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", bytes(4)), "but the member holds 4 bytes"),
    (
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", bytes(8)),
        "declares the shape [-1], with a negative length",
    ),
    (npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", bytes(8), version=(9, 9)), "version 9.9"),
    (b"\x93NUMPY\x01\x00" + (60_000).to_bytes(2, "little") + b" " * 60_000, "MAX_NPY_HEADER_BYTES = 10,000 bytes"),
    (b"\x93NUMPY\x02\x00" + (2**32 - 1).to_bytes(4, "little"), "declares 4,294,967,295 bytes, but the member ends"),
    (b"PK\x03\x04 not numpy", "is not an .npy array (no numpy header)"),
    (b"", "is not an .npy array"),
]


@pytest.mark.parametrize("data, message", ARRAYS)
def test_array_members_are_checked_against_their_size_before_any_array_is_made(saved, data, message):
    rewrite(saved, members={_array_member(description(saved)): data})
    _refused(saved, message, "(at model.scale_)")


@pytest.mark.parametrize(
    "node, message",
    [
        ({"__kind__": "scalar", "dtype": "|O", "value": 1}, "dtype '|O' is not allowed for a scalar"),
        ({"__kind__": "scalar", "dtype": "<U999999999", "value": "a"}, "a <U999999999 scalar of 'a'"),
        ({"__kind__": "scalar", "dtype": "|V8", "value": 1}, "dtype '|V8' is not allowed"),
        ({"__kind__": "scalar", "dtype": "i4, f8", "value": 1}, "dtype 'i4, f8' is not allowed"),
        ({"__kind__": "object_array", "shape": [10**12], "items": [1]}, "an object array of shape [1000000000000]"),
        ({"__kind__": "timestamp", "iso": "2020", "tz": "dateutil//dev/zero", "unit": "ns"}, "invalid time zone"),
        ({"__kind__": "timestamp", "iso": "2020", "tz": "/etc/localtime", "unit": "ns"}, "invalid time zone"),
        ({"__kind__": "timestamp", "iso": "2020", "tz": "Europe/../../etc", "unit": "ns"}, "invalid time zone"),
        ({"__kind__": "generator", "bit_generator": "__class__", "state": {}}, "unknown bit generator '__class__'"),
        ({"__kind__": "ndarray", "file": "arrays/1.npy/../../x", "dtype": "<f8", "shape": [1]}, "invalid member name"),
        ({"__kind__": "tensor", "file": "arrays/1.npy"}, "invalid member name 'arrays/1.npy'"),
    ],
)
def test_values_are_checked_before_they_are_made(saved, node, message):
    rewrite(saved, lambda doc: doc["model"]["params"].update({"window_step": node}))
    _refused(saved, message, "(at model.window_step)")


def test_a_member_named_twice_is_refused(saved):
    rewrite(saved, lambda doc: doc["model"]["state"].update({"other_": doc["model"]["state"]["scale_"]}))
    _refused(saved, "refers to the member 'arrays/1.npy' twice; each member holds one value")


# ---------------------------------------------------------------------------- files of format 2
def _as_format_2(path):
    """Rewrite a file of format 3 as seqforecast 0.2.0 wrote it: tensors as torch.save pickles, scikit-learn's
    classes by their module paths."""
    found, former = contents(path), {v: k for k, v in SKLEARN_FORMER_NAMES.items()}
    doc = json.loads(found.pop("model.json"))

    def rename(node):
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if isinstance(value, str) and value.endswith(".safetensors"):
                    node[key] = value.replace(".safetensors", ".pt")
                    buffer = io.BytesIO()
                    torch.save(load_tensors(found.pop(value)), buffer)
                    found[node[key]] = buffer.getvalue()
                elif key == "class" and value in former:
                    node[key] = former[value]
                else:
                    rename(value)
        elif isinstance(node, list):
            for item in node:
                rename(item)

    doc["format_version"] = 2
    rename(doc)
    write(path, {"model.json": json.dumps(doc).encode(), **found})


def test_files_of_format_2_with_pickled_tensors_still_load_and_are_checked_the_same(models, tmp_path, monkeypatch):
    X, _ = windows()
    classifier, source = models["classifier"]
    path = copy(source, tmp_path)
    _as_format_2(path)
    assert sorted(name.rpartition(".")[2] for name in contents(path) if name.startswith("tensors/")) == ["pt", "pt"]
    np.testing.assert_array_equal(load(path).predict_proba(X), classifier.predict_proba(X))

    y = pd.Series(np.sin(np.arange(40) / 3))
    forecaster = DirectForecaster(make_pipeline(StandardScaler(), Ridge()), window_length=4, horizon=2).fit(None, y)
    save(forecaster, tmp_path / "d.zip")
    _as_format_2(tmp_path / "d.zip")
    assert "sklearn.linear_model._ridge.Ridge" in contents(tmp_path / "d.zip")["model.json"].decode()
    pd.testing.assert_series_equal(load(tmp_path / "d.zip").forecast(2), forecaster.forecast(2), check_exact=True)

    member = net_node(description(path))["module_state"]
    weights = torch.load(io.BytesIO(contents(path)[member]), weights_only=True)
    weights["head.weight"][0, 0] = float("nan")
    buffer = io.BytesIO()
    torch.save(weights, buffer)
    rewrite(path, members={member: buffer.getvalue()})
    _refused(path, "the tensor 'head.weight' holds 1 NaN or infinite value(s)")

    monkeypatch.setattr(torch, "__version__", "2.5.1")
    _refused(path, "holds tensors pickled by torch.save (model-file formats 1 and 2), which torch 2.5.1 cannot read")


def test_a_file_of_format_3_holds_no_pickles(saved):
    doc = description(saved)
    member = net_node(doc)["module_state"]
    buffer = io.BytesIO()
    torch.save(load_tensors(contents(saved)[member]), buffer)
    pt = member.replace(".safetensors", ".pt")
    rewrite(
        saved, lambda doc: net_node(doc).update({"module_state": pt}), members={pt: buffer.getvalue()}, drop=[member]
    )
    _refused(saved, f"'{pt}' is a torch.save file, which a file of format 3 does not hold")


# ---------------------------------------------------------------------------- what the registry allows
def test_every_scikit_learn_class_of_the_registry_is_named_by_its_public_path():
    import importlib

    for name, cls in SKLEARN_CLASSES.items():
        module, _, attr = name.rpartition(".")
        assert getattr(importlib.import_module(module), attr) is cls, name
        assert module.count(".") == 1 and not module.split(".")[1].startswith("_"), name


def _sklearn_model(name, cls):
    """A small fitted instance of the registry's scikit-learn class ``cls`` and the method to compare."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 3))
    y = X @ [1.0, 2.0, 3.0] + 0.1 * rng.normal(size=30)
    labels = (y > 0).astype(int)
    made = {
        "Pipeline": lambda: cls([("scale", StandardScaler()), ("ridge", Ridge())]),
        "FeatureUnion": lambda: cls([("a", StandardScaler()), ("b", StandardScaler(with_mean=False))]),
        "TransformedTargetRegressor": lambda: cls(regressor=Ridge(), transformer=StandardScaler()),
        "MultiOutputRegressor": lambda: cls(Ridge()),
        "RegressorChain": lambda: cls(Ridge()),
        "MultiOutputClassifier": lambda: cls(LogisticRegression()),
        "LassoCV": lambda: cls(cv=3),
        "ElasticNetCV": lambda: cls(cv=3),
        "QuantileRegressor": lambda: cls(alpha=0.0),
        "PCA": lambda: cls(n_components=2),
        "Lasso": lambda: cls(alpha=0.01),
    }.get(name, cls)()
    target = {"MultiOutputRegressor": np.c_[y, -y], "RegressorChain": np.c_[y, -y]}.get(name, y)
    if name in ("LogisticRegression", "DummyClassifier"):
        target = labels
    if name == "MultiOutputClassifier":
        target = np.c_[labels, 1 - labels]
    if name == "LabelEncoder":
        return made.fit(labels), "transform", labels
    made.fit(X, target)
    return made, "predict" if hasattr(made, "predict") else "transform", X


@pytest.mark.parametrize("name", sorted(SKLEARN_CLASSES))
def test_every_scikit_learn_class_of_the_registry_round_trips(name, tmp_path):
    model, method, data = _sklearn_model(name.rpartition(".")[2], SKLEARN_CLASSES[name])
    save(model, tmp_path / "m.zip")
    assert description(tmp_path / "m.zip")["model"]["class"] == name
    again = load(tmp_path / "m.zip")
    for attr, value in vars(model).items():  # every fitted array comes back bit for bit
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(again, attr), value, err_msg=attr)
    # predictions to rounding only: BLAS may sum in another order for arrays at other memory alignments
    # (KernelRidge's predictions on a copy of the same X, by the same fitted model, differ by 5.6e-17)
    np.testing.assert_allclose(getattr(again, method)(data), getattr(model, method)(data), rtol=1e-13, atol=1e-15)


def _estimator_node(doc):
    return doc["model"]["state"]["estimator_"]


def _set_fitted(key, value):
    return lambda doc: _estimator_node(doc)["state"].__setitem__(key, value)


def _set_param(key, value):
    return lambda doc: _estimator_node(doc)["params"].__setitem__(key, value)


@pytest.mark.parametrize(
    "edit, message",
    [
        (_set_fitted("n_features_per_step_", 3), "input_size=1 (expected 3)"),
        (_set_fitted("n_outputs_", 7), "output_size=1 (expected 7)"),
        (_set_param("hidden_size", 8), "hidden_size=4 (expected 8)"),
        (_set_param("cell", "gru"), "cell='lstm' (expected 'gru')"),
        (_set_param("num_layers", 2), "num_layers=1 (expected 2)"),
    ],
)
def test_a_net_whose_sizes_disagree_with_its_estimator_is_refused(saved, edit, message):
    """Weights that fit the saved net settings, but settings that are not the estimator's: refused at load, not
    left to fail (or to predict nonsense) at predict."""
    rewrite(saved, edit)
    _refused(
        saved, "the saved net does not fit RNNRegressor", "the net's settings disagree with RNNRegressor's", message
    )
