"""Tests of seqforecast.persistence: safe model files (save / load) and the pickle round trip."""

import io
import json
import pickle
import re
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from seqforecast import __version__
from seqforecast.baselines import (
    ETSForecaster,
    Naive2Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
)
from seqforecast.estimators import RNNClassifier, RNNRegressor
from seqforecast.exceptions import ModelFileError
from seqforecast.forecasting import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster
from seqforecast.persistence import FORMAT_VERSION, load, save

from ._files import find

TINY = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0)


@pytest.fixture
def windows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 5, 2))
    return X, X[:, -1, 0] + 0.5 * X[:, -2, 1]


@pytest.fixture
def monthly():
    t = np.arange(48)
    return pd.Series(
        10 + np.sin(2 * np.pi * t / 12) + 0.05 * t,
        name="sales",
        index=pd.period_range("2001-01", periods=48, freq="M", name="month"),
    )


def _round_trip(model, tmp_path, name="model.zip"):
    save(model, tmp_path / name)
    return load(tmp_path / name)


def _weights(est):
    return est.net_.module_.state_dict()


def _rewrite(path, edit_json=None, members=None, drop=()):
    """Copy the archive at ``path`` with its JSON edited and some members replaced or dropped."""
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    doc = json.loads(contents["model.json"])
    if edit_json is not None:
        edit_json(doc)
    contents["model.json"] = json.dumps(doc).encode()
    contents.update(members or {})
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            if name not in drop:
                archive.writestr(name, data)


# ---------------------------------------------------------------------------- round trips
def test_rnn_regressor_round_trip_is_bit_identical_and_keeps_fitted_attributes(windows, tmp_path):
    X, y = windows
    est = RNNRegressor(**TINY, cell="gru", patience=3).fit(X, y)
    rng_before = torch.get_rng_state()
    again = _round_trip(est, tmp_path)
    assert torch.equal(torch.get_rng_state(), rng_before)  # building the net drew no random numbers
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    assert again.get_params() == est.get_params()
    for key in (
        "n_features_in_",
        "n_timesteps_",
        "n_features_per_step_",
        "n_outputs_",
        "device_",
        "history_",
        "interrupted_",
        "_y_shape_tail",
        "_architecture",
    ):
        assert getattr(again, key) == getattr(est, key), key
    assert all(torch.equal(t, _weights(est)[k]) for k, t in _weights(again).items())
    assert not again.net_.module_.training  # inference mode, as after fit
    assert [row["valid_loss"] for row in again.net_.history] == [row["valid_loss"] for row in est.net_.history]
    again.fit(X, y)  # a loaded model refits like a fresh one: same seed, same weights
    np.testing.assert_array_equal(again.predict(X), est.predict(X))


def test_rnn_classifier_with_string_labels_and_class_weights(windows, tmp_path):
    X, y = windows
    labels = np.array(["down", "flat", "up"])[np.digitize(y, [-0.5, 0.5])]
    for conv in ({}, {"pooling": "attention", "conv_channels": (3, 2)}):  # with a convolutional branch
        est = RNNClassifier(**TINY, class_weight="balanced", **conv).fit(X, labels)
        again = _round_trip(est, tmp_path)
        np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))
        np.testing.assert_array_equal(again.predict(X), est.predict(X))
        assert again.classes_.tolist() == ["down", "flat", "up"] and again.classes_.dtype == est.classes_.dtype
        assert torch.equal(again.net_.criterion_.weight, est.net_.criterion_.weight)
        assert again.net_.get_params_for("module") == est.net_.get_params_for("module")


def test_seq2seq_and_token_models_round_trip(windows, tmp_path):
    X, y = windows
    s2s = RNNRegressor(**TINY, architecture="seq2seq").fit(X, np.c_[y, -y])
    np.testing.assert_array_equal(_round_trip(s2s, tmp_path).predict(X), s2s.predict(X))
    tokens = np.random.RandomState(1).randint(0, 7, size=(30, 6))
    emb = RNNClassifier(**TINY, embedding_dim=3).fit(tokens, tokens[:, 0] > 3)
    np.testing.assert_array_equal(_round_trip(emb, tmp_path, "e.zip").predict_proba(tokens), emb.predict_proba(tokens))


def test_recursive_forecaster_over_an_rnn_on_a_period_index(monthly, tmp_path):
    f = RecursiveForecaster(RNNRegressor(**TINY), window_length=12).fit(None, monthly)
    again = _round_trip(f, tmp_path)
    pd.testing.assert_series_equal(again.forecast(6), f.forecast(6), check_exact=True)
    assert again.forecast(6).index.freqstr == "M" and again.time_index_ == f.time_index_
    pd.testing.assert_series_equal(again.y_train_, f.y_train_, check_exact=True)
    future = pd.DataFrame(index=pd.period_range("2005-02", periods=3, freq="M"))
    pd.testing.assert_series_equal(again.predict(future), f.predict(future), check_exact=True)


def test_global_direct_forecaster_over_sklearn_with_covariates_and_a_tz_aware_index(tmp_path):
    index = pd.date_range("2024-03-30", periods=40, freq="h", tz="Europe/Paris", name="time")  # DST inside
    t = np.arange(40.0)
    y = pd.DataFrame({"north": np.r_[[np.nan] * 5, 3 + np.sin(t[5:] / 4)], "south": 2 + np.cos(t / 5)}, index=index)
    X = pd.DataFrame({"hour": index.hour.astype(float)}, index=index)
    pipe = make_pipeline(StandardScaler(), Ridge(alpha=0.5))
    f = DirectForecaster(pipe, window_length=6, horizon=3, per_step=True).fit(X, y)
    again = _round_trip(f, tmp_path)
    X_next = pd.DataFrame({"hour": [16.0, 17.0, 18.0]}, index=f.time_index_.future(3))
    pd.testing.assert_frame_equal(again.forecast(3, X_next), f.forecast(3, X_next), check_exact=True)
    assert again.y_train_.index.equals(index) and again.y_train_.index.freq == index.freq
    assert str(again.y_train_.index.tz) == "Europe/Paris"
    pd.testing.assert_frame_equal(again.X_train_, f.X_train_, check_exact=True)
    assert again.feature_names_in_.tolist() == ["hour"]
    assert type(again.estimator_).__name__ == "MultiOutputRegressor"


def test_direct_and_seq2seq_forecasters_over_nets_and_linear_regression(monthly, tmp_path):
    for i, f in enumerate(
        [
            DirectForecaster(LinearRegression(), window_length=12, horizon=4),
            DirectForecaster(RNNRegressor(**TINY), window_length=12, horizon=4),
            Seq2SeqForecaster(
                RNNRegressor(**TINY, architecture="seq2seq"), window_length=12, horizon=4, scaling="window"
            ),
        ]
    ):
        f.fit(None, monthly)
        again = _round_trip(f, tmp_path, f"{i}.zip")
        pd.testing.assert_series_equal(again.forecast(4), f.forecast(4), check_exact=True)


@pytest.mark.parametrize(
    "forecaster",
    [
        NaiveForecaster(strategy="drift"),
        SeasonalNaiveForecaster(sp=12),
        Naive2Forecaster(sp=12),
        ThetaForecaster(sp=12),
    ],
)
def test_baselines_round_trip(forecaster, monthly, tmp_path):
    y = monthly.to_frame().assign(other=monthly * 2)
    f = forecaster.fit(None, y)
    again = _round_trip(f, tmp_path)
    pd.testing.assert_frame_equal(again.forecast(13), f.forecast(13), check_exact=True)
    if isinstance(f, ThetaForecaster):
        assert type(again.fits_[0]) is type(f.fits_[0]) and again.fits_[1].alpha == f.fits_[1].alpha


def test_parameters_that_are_classes_and_random_states_round_trip(windows, tmp_path):
    X, y = windows
    est = RNNRegressor(**{**TINY, "random_state": np.random.RandomState(3)}, optimizer=torch.optim.SGD).fit(X, y)
    again = _round_trip(est, tmp_path)
    assert again.optimizer is torch.optim.SGD
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    assert again.random_state.randint(1000) == est.random_state.randint(1000)  # same stream position
    gen = ETSForecaster(random_state=np.random.default_rng(5))
    assert _round_trip(gen, tmp_path, "g.zip").random_state.random() == np.random.default_rng(5).random()


def test_saving_twice_gives_the_same_bytes(windows, tmp_path):
    X, y = windows
    est = RNNRegressor(**TINY).fit(X, y)
    save(est, tmp_path / "a.zip")
    save(est, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_the_file_records_format_and_versions(windows, tmp_path):
    save(NaiveForecaster(), tmp_path / "m.zip")
    with zipfile.ZipFile(tmp_path / "m.zip") as archive:
        doc = json.loads(archive.read("model.json"))
    assert doc["format"] == "seqforecast-model" and doc["format_version"] == FORMAT_VERSION == 3
    assert doc["versions"]["seqforecast"] == __version__ and doc["versions"]["torch"] == torch.__version__
    assert set(doc["versions"]) == {"seqforecast", "python", "torch", "skorch", "sklearn", "numpy", "pandas"}
    assert doc["model"] == {
        "__kind__": "estimator",
        "class": "seqforecast.NaiveForecaster",
        "params": {"strategy": "last"},
        "state": {},
    }


# ---------------------------------------------------------------------------- class names
# What files written before the package was split into subpackages name: the module paths of that time.
FORMER = {
    "seqforecast.RNNRegressor": "seqforecast.estimators.RNNRegressor",
    "seqforecast.RNNClassifier": "seqforecast.estimators.RNNClassifier",
    "seqforecast.RecursiveForecaster": "seqforecast.forecasting.RecursiveForecaster",
    "seqforecast.DirectForecaster": "seqforecast.forecasting.DirectForecaster",
    "seqforecast.Seq2SeqForecaster": "seqforecast.forecasting.Seq2SeqForecaster",
    "seqforecast.EnsembleForecaster": "seqforecast.forecasting.EnsembleForecaster",
    "seqforecast.NaiveForecaster": "seqforecast.baselines.NaiveForecaster",
    "seqforecast.ThetaForecaster": "seqforecast.baselines.ThetaForecaster",
    "seqforecast.ThetaFit": "seqforecast._naive.ThetaFit",
    "seqforecast.ARIMAForecaster": "seqforecast.arima.ARIMAForecaster",
    "seqforecast.CalendarFeatures": "seqforecast.covariates.CalendarFeatures",
    "seqforecast.SlidingWindowTransformer": "seqforecast.windowing.SlidingWindowTransformer",
    "seqforecast.RecurrentNet": "seqforecast.nets.RecurrentNet",
    "seqforecast.Seq2SeqNet": "seqforecast.nets.Seq2SeqNet",
    "seqforecast.SequenceCrossEntropy": "seqforecast._training._SequenceCrossEntropy",
}


def _to_former_names(node, seen):
    """Rename, in place, every class, module and loss of the JSON tree to its name before the split."""
    if isinstance(node, dict):
        for key in ("class", "module", "criterion"):
            if node.get(key) in FORMER:
                seen.add(node[key])
                node[key] = FORMER[node[key]]
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            _to_former_names(item, seen)


# what seqforecast 0.1 did not write: fitted settings (forecasts now read them) and the padding parameter
_NEW_IN_0_2 = {
    "window_length_",
    "scaling_",
    "window_scale_",
    "min_observations_",
    "horizon_",
    "patch_length_",
    "carry_state_",
    "aggregate_",
}


def _to_version_1(node):
    """Drop from a model tree what a file written by seqforecast 0.1 (format 1) does not hold."""
    if isinstance(node, dict):
        if node.get("__kind__") == "estimator":
            for key in _NEW_IN_0_2 & set(node["state"]):
                del node["state"][key]
            node["params"].pop("min_observations", None)
        for value in node.values():
            _to_version_1(value)
    elif isinstance(node, list):
        for item in node:
            _to_version_1(item)


def _as_former_file(doc, seen):
    _to_former_names(doc, seen)
    _to_version_1(doc["model"])
    doc["format_version"] = 1


def test_files_that_name_the_former_module_paths_still_load(windows, monthly, tmp_path):
    from sklearn.pipeline import Pipeline

    from seqforecast.baselines import ARIMAForecaster
    from seqforecast.forecasting import EnsembleForecaster
    from seqforecast.preprocessing import CalendarFeatures, SlidingWindowTransformer

    X, y = windows
    labels = np.where(y > 0, "up", "down")
    pipe = Pipeline(
        [
            ("calendar", CalendarFeatures(features=("month",))),
            ("forecaster", DirectForecaster(LinearRegression(), window_length=6, horizon=3)),
        ]
    )
    models = {
        "recursive": RecursiveForecaster(RNNRegressor(**TINY), window_length=12).fit(None, monthly),
        "seq2seq": Seq2SeqForecaster(RNNRegressor(**TINY, architecture="seq2seq"), window_length=12, horizon=3).fit(
            None, monthly
        ),
        "ensemble": EnsembleForecaster(
            DirectForecaster(RNNRegressor(**TINY), window_length=6, horizon=3), n_members=2
        ).fit(None, monthly),
        "theta": ThetaForecaster(sp=12).fit(None, monthly),
        "naive": NaiveForecaster(strategy="drift").fit(None, monthly),
        "pipeline": pipe.fit(pd.DataFrame(index=monthly.index), monthly),
        "classifier": RNNClassifier(**TINY, class_weight="balanced").fit(X, labels),
        "arima": ARIMAForecaster(order=(1, 0, 0)),
        "windows": SlidingWindowTransformer(3).fit(y),
    }
    seen = set()
    for name, model in models.items():
        path = tmp_path / f"{name}.zip"
        save(model, path)
        _rewrite(path, lambda doc: _as_former_file(doc, seen))
        again = load(path)
        assert type(again) is type(model) and repr(again) == repr(model)
        if name == "classifier":
            np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
        elif name == "pipeline":
            future = pd.DataFrame(index=pd.period_range("2005-01", periods=3, freq="M"))
            pd.testing.assert_series_equal(again.predict(future), model.predict(future), check_exact=True)
        elif name == "windows":
            np.testing.assert_array_equal(again.transform(y), model.transform(y))
        elif name != "arima":
            pd.testing.assert_series_equal(again.forecast(3), model.forecast(3), check_exact=True)
    assert seen == set(FORMER)  # every former name was tried


def test_the_registry_names_every_estimator_and_record_of_the_package_and_nothing_else():
    import importlib
    import pkgutil

    import seqforecast
    from seqforecast.persistence._registry import CLASSES, FORMER_NAMES, class_named, name_of

    found = set()
    for package in ("estimators", "forecasting", "baselines", "preprocessing", "nets", "evaluation"):
        root = importlib.import_module(f"seqforecast.{package}")
        for info in pkgutil.walk_packages(root.__path__, f"{root.__name__}."):
            for obj in vars(importlib.import_module(info.name)).values():
                public = (
                    isinstance(obj, type)
                    and obj.__module__.startswith("seqforecast.")
                    and not obj.__name__.startswith("_")
                    and obj.__module__ == info.name
                )
                if public and (issubclass(obj, BaseEstimator) or (issubclass(obj, tuple) and hasattr(obj, "_fields"))):
                    found.add(obj)
    estimators_and_records = {
        cls for cls in CLASSES.values() if issubclass(cls, BaseEstimator) or issubclass(cls, tuple)
    }
    assert found == estimators_and_records
    assert all(name == f"seqforecast.{cls.__name__}" and name_of(cls) == name for name, cls in CLASSES.items())
    assert all(class_named(old) is CLASSES[new] for old, new in FORMER_NAMES.items())
    assert seqforecast.RNNRegressor is class_named("seqforecast.RNNRegressor")
    assert class_named("seqforecast.forecasting.window.DirectForecaster") is None  # module paths are not names


def test_a_seqforecast_name_outside_the_registry_is_refused_without_importing_it(saved):
    _rewrite(saved, lambda doc: doc["model"].update({"class": "seqforecast.evil.RecursiveForecaster"}))
    msg = (
        f"{saved}: the file names the class 'seqforecast.evil.RecursiveForecaster' (at model), which is not a "
        f"class that seqforecast {__version__} stores in model files. Nothing was imported."
    )
    with pytest.raises(ModelFileError, match=re.escape(msg)):
        load(saved)
    assert "seqforecast.evil" not in sys.modules
    _rewrite(saved, lambda doc: doc["model"].update({"class": "seqforecast.RecurrentNet"}))  # a class, not an estimator
    msg = "seqforecast.RecurrentNet is not an estimator class (at model)"
    with pytest.raises(ModelFileError, match=re.escape(msg)):
        load(saved)


def test_the_net_state_protocol_rebuilds_an_identical_net(windows):
    X, y = windows
    est = RNNClassifier(**TINY, class_weight="balanced", ensemble_size=1).fit(X, y > 0)
    state = est._get_net_state()
    assert set(state) == {"module", "module_kwargs", "module_state", "criterion", "criterion_state", "history"}
    assert state["module"].__name__ == "RecurrentNet" and state["criterion"].__name__ == "SequenceCrossEntropy"
    assert all(t.device.type == "cpu" for t in state["module_state"].values())
    again = RNNClassifier(**TINY, class_weight="balanced", ensemble_size=1)
    for key in (
        "classes_",
        "n_classes_",
        "n_outputs_",
        "num_embeddings_",
        "n_timesteps_",
        "n_features_per_step_",
        "device_",
        "_architecture",
        "history_",
        "interrupted_",
        "n_features_in_",
    ):
        setattr(again, key, getattr(est, key))
    rng_before = torch.get_rng_state()
    again._set_net_state(state)
    assert torch.equal(torch.get_rng_state(), rng_before) and again.device_ == "cpu"
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))
    assert not again.net_.module_.training and len(again.net_.history) == len(est.net_.history)
    assert RNNClassifier()._get_net_state() is None  # not fitted
    with pytest.raises(ValueError, match=re.escape("RNNClassifier builds RecurrentNet or NetEnsemble modules, not")):
        again._set_net_state({**state, "module": torch.nn.Linear})


# ---------------------------------------------------------------------------- devices
def test_a_model_trained_on_cuda_loads_on_a_cpu_only_machine(windows, tmp_path, monkeypatch):
    _, y = windows
    f = RecursiveForecaster(RNNRegressor(**TINY), window_length=5).fit(None, pd.Series(y))
    path = tmp_path / "gpu.zip"
    save(f, path)

    def on_cuda(doc):  # what a GPU fit records: device_ "cuda:0" (the weights are stored on the CPU)
        fitted = doc["model"]["state"]["estimator_"]["state"]
        assert fitted["device_"] == "cpu"
        fitted["device_"] = "cuda:0"

    _rewrite(path, on_cuda)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    again = load(path)
    assert again.estimator_.device_ == "cpu" and again.estimator_.net_.device == "cpu"
    assert next(again.estimator_.net_.module_.parameters()).device.type == "cpu"
    pd.testing.assert_series_equal(again.forecast(3), f.forecast(3), check_exact=True)
    assert load(path, device="cpu").estimator_.device_ == "cpu"


# ---------------------------------------------------------------------------- refused models
def test_statsmodels_results_are_refused_with_a_hint_to_use_pickle(monthly, tmp_path):
    f = ETSForecaster().fit(None, monthly)
    msg = (
        "Cannot save ETSForecaster.results_[0]: it holds statsmodels results (ETSResultsWrapper), which the "
        "safe format does not store; use pickle or joblib for this model instead, and unpickle only files "
        "you trust (unpickling runs code chosen by whoever wrote the file)."
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        save(f, tmp_path / "ets.zip")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_statsmodels_arima_is_refused_too(monthly, tmp_path):
    from seqforecast.baselines import ARIMAForecaster

    f = ARIMAForecaster(order=(1, 0, 0)).fit(None, monthly)
    msg = (
        "Cannot save ARIMAForecaster.fits_[0]: it holds statsmodels results (ARIMAFit), which the safe "
        "format does not store; use pickle or joblib for this model instead"
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        save(f, tmp_path / "arima.zip")


class _Custom(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        return self


def test_custom_classes_and_callbacks_are_refused(monthly, tmp_path):
    msg = (
        f"Cannot save RecursiveForecaster.estimator: it holds an estimator of class {__name__}._Custom: only "
        "seqforecast classes and scikit-learn estimators (sklearn.*) can be stored; use pickle"
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        save(RecursiveForecaster(_Custom()), tmp_path / "c.zip")
    msg = (
        "Cannot save RNNRegressor.callbacks: it holds skorch callback objects (set_params(callbacks=None) "
        "before saving to store the model without them); use pickle"
    )
    with pytest.raises(TypeError, match=re.escape(msg)):
        save(RNNRegressor(callbacks=[Callback()]), tmp_path / "c.zip")


# ---------------------------------------------------------------------------- bad files
@pytest.fixture
def saved(windows, tmp_path):
    _, y = windows
    path = tmp_path / "model.zip"
    save(RecursiveForecaster(RNNRegressor(**TINY), window_length=5).fit(None, pd.Series(y)), path)
    return path


def test_a_file_naming_another_module_is_refused_without_importing_it(saved):
    def evil(doc):
        doc["model"]["class"] = "seqforecast_evil_payload.system"

    _rewrite(saved, evil)
    msg = (
        f"{saved}: the file names the class 'seqforecast_evil_payload.system' (at model), which a model file "
        "may not load: only seqforecast classes and scikit-learn estimators (sklearn.*) are allowed. Nothing "
        "was imported."
    )
    with pytest.raises(ModelFileError, match=re.escape(msg)):
        load(saved)
    assert "seqforecast_evil_payload" not in sys.modules

    def os_system(doc):
        doc["model"]["class"] = "seqforecast.forecasting.RecursiveForecaster"
        doc["model"]["state"]["estimator_"]["class"] = "os.system"

    _rewrite(saved, os_system)
    with pytest.raises(ModelFileError, match=re.escape("names the class 'os.system' (at model.estimator_)")):
        load(saved)


def test_a_seqforecast_or_sklearn_name_that_is_not_an_estimator_is_refused(saved):
    _rewrite(saved, lambda doc: doc["model"].update({"class": "sklearn.utils.deprecated"}))
    with pytest.raises(
        ModelFileError,
        match=re.escape("'sklearn.utils.deprecated' is not a seqforecast or scikit-learn estimator class (at model)"),
    ):
        load(saved)


def test_an_array_of_another_shape_is_refused(saved):
    def grow(doc):
        doc["model"]["state"]["scale_"]["shape"] = [2]

    _rewrite(saved, grow)
    name = find(json.loads(zipfile.ZipFile(saved).read("model.json")), "shape", [2])["file"]
    msg = (
        f"{saved}: the array '{name}' has dtype <f8 and shape [1], but the model description records dtype "
        "<f8 and shape [2] (at model.scale_). The file is not a valid seqforecast model file: it was modified "
        "or is corrupt; save the model again."
    )
    with pytest.raises(ModelFileError, match=re.escape(msg)):
        load(saved)


def test_replaced_weights_of_another_shape_are_refused(saved):
    from safetensors.torch import save as save_tensors

    doc = json.loads(zipfile.ZipFile(saved).read("model.json"))
    member = doc["model"]["state"]["estimator_"]["state"]["net_"]["module_state"]
    _rewrite(saved, members={member: save_tensors({"head.weight": torch.zeros(3, 3)})})
    msg = (
        "the saved weights do not match the RecurrentNet built from the saved settings: it has 6 tensor(s), the "
        "file 1; missing ['head.bias', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0', 'rnn.weight_ih_l0'], "
        "unexpected [] (at model.estimator_.net_)"
    )
    with pytest.raises(ModelFileError, match=re.escape(msg)):
        load(saved)


def test_a_pickled_object_in_place_of_weights_is_not_unpickled(saved):
    doc = json.loads(zipfile.ZipFile(saved).read("model.json"))
    member = doc["model"]["state"]["estimator_"]["state"]["net_"]["module_state"]
    old = member.replace(".safetensors", ".pt")  # a file of format 2, whose tensors are torch.save pickles
    buffer = io.BytesIO()
    torch.save({"head.weight": _Custom()}, buffer)  # a pickle of a class torch's weights_only refuses

    def as_format_2(doc):
        doc["format_version"] = 2
        doc["model"]["state"]["estimator_"]["state"]["net_"]["module_state"] = old

    _rewrite(saved, as_format_2, members={old: buffer.getvalue()}, drop=[member])
    with pytest.raises(ModelFileError, match=re.escape(f"cannot read the tensors in '{old}' (UnpicklingError")):
        load(saved)


def test_missing_members_unknown_parameters_and_bad_nodes(saved):
    with zipfile.ZipFile(saved) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".npy"))
    _rewrite(saved, drop=[member])
    with pytest.raises(ModelFileError, match=re.escape(f"the archive has no member '{member}'")):
        load(saved)
    _rewrite(saved, lambda doc: doc["model"]["params"].update({"colour": "red"}))
    with pytest.raises(ModelFileError, match=re.escape("RecursiveForecaster has no parameter(s) ['colour']")):
        load(saved)


def test_truncated_and_foreign_files(saved, tmp_path):
    data = saved.read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ModelFileError,
        match=re.escape(
            f"{tmp_path / 'cut.zip'} is not a seqforecast model file, or it is truncated (File is not a zip file)"
        ),
    ):
        load(tmp_path / "cut.zip")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ModelFileError, match=re.escape("has no model.json: it is not a seqforecast model file")):
        load(tmp_path / "other.zip")


def test_a_newer_format_is_refused_with_an_upgrade_hint(saved):
    def future(doc):
        doc["format_version"] = FORMAT_VERSION + 1
        doc["versions"]["seqforecast"] = "9.0"

    _rewrite(saved, future)
    msg = (
        f"{saved} was written by seqforecast 9.0 with model-file format {FORMAT_VERSION + 1}; this is seqforecast "
        f"{__version__}, which reads formats <= {FORMAT_VERSION}. Upgrade seqforecast (pip install --upgrade "
        "seqforecast) to load it."
    )
    with pytest.raises(ModelFileError, match=re.escape(msg)):
        load(saved)


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)


# ---------------------------------------------------------------------------- pickle keeps working
def test_pickle_round_trip_of_a_fitted_forecaster(monthly):
    f = RecursiveForecaster(RNNRegressor(**TINY), window_length=12).fit(None, monthly)
    again = pickle.loads(pickle.dumps(f))
    pd.testing.assert_series_equal(again.forecast(6), f.forecast(6), check_exact=True)


@pytest.mark.slow  # fits an AutoRNNForecaster (small nets at three holdout origins)
def test_auto_forecaster_round_trip(tmp_path):
    from seqforecast import AutoRNNForecaster

    t = np.arange(60)
    y = pd.Series(20 + 0.2 * t + 3 * np.sin(2 * np.pi * t / 12), index=pd.period_range("2010-01", periods=60, freq="M"))
    model = AutoRNNForecaster(4, n_members=1, random_state=0).fit(None, y)
    save(model, tmp_path / "auto.zip")
    loaded = load(tmp_path / "auto.zip")
    pd.testing.assert_series_equal(loaded.forecast(4), model.forecast(4))
    assert loaded.config_ == model.config_ and loaded.weights_ == model.weights_
    pd.testing.assert_frame_equal(loaded.holdout_scores_, model.holdout_scores_)
