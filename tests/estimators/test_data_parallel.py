"""Data-parallel training through accelerate (``accelerator=``): one process gives the plain fit bit for bit;
two CPU processes (torchrun, gloo) end with the same weights in both, repeat with the same seed, and train a net
of the plain fit's quality. The job is ``_data_parallel_job.py``, run in fresh processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from seqforecast import RNNRegressor, load, save

JOB = Path(__file__).with_name("_data_parallel_job.py")


def _run(out, *, processes=None, plain=False):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(JOB), "--out", str(out)] + (["--plain"] if plain else [])
    if processes is not None:
        launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
        cmd = launcher + cmd[1:]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(p.read_text()) for p in sorted(Path(out).glob("rank*.json"))]


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    pytest.importorskip("accelerate")
    return _run(tmp_path_factory.mktemp("plain"), plain=True)[0]


@pytest.mark.slow
def test_one_process_gives_the_weights_of_a_fit_without_accelerator(plain, tmp_path):
    (one,) = _run(tmp_path, plain=False)
    assert one["net_class"] == "_SequenceNet"  # the fitted net keeps no accelerator
    for key in ("regressor", "regressor_valid_loss", "regressor_predictions", "forecaster", "forecast"):
        assert one[key] == plain[key], key


@pytest.mark.slow
def test_two_processes_agree_repeat_and_train_as_well_as_one(plain, tmp_path):
    first = _run(tmp_path / "a", processes=2)
    again = _run(tmp_path / "b", processes=2)
    assert [r["rank"] for r in first] == [0, 1]
    keys = ("regressor", "regressor_valid_loss", "regressor_predictions", "forecaster", "forecast")
    for key in keys:
        assert first[0][key] == first[1][key], key  # every process ends with the same net
        assert first[0][key] == again[0][key], key  # the same seed, the same run
    # not the plain fit's weights (each epoch leaves out its last incomplete batch), but a net as good: the
    # validation loss of every epoch within 10 % of the plain fit's, the forecasts within 1 % of the level (10)
    np.testing.assert_allclose(first[0]["regressor_valid_loss"], plain["regressor_valid_loss"], rtol=0.1)
    np.testing.assert_allclose(first[0]["forecast"], plain["forecast"], atol=0.1)
    assert first[0]["regressor"] != plain["regressor"]
    # the main process saved the forecaster: it loads without the accelerator and forecasts the same
    assert first[0]["reloaded_forecast"] == first[0]["forecast"]
    assert first[0]["reloaded_accelerator"] == "None"


class _StubAccelerator:
    """What the estimators read of an accelerator before they use it: settings of a two-process run."""

    def __init__(self, num_processes=2, split_batches=True):
        self.num_processes, self.split_batches, self.device = num_processes, split_batches, "cpu"

    def prepare(self, *objects):  # pragma: no cover - never reached: the checks come first
        raise AssertionError("prepare called")

    def backward(self, loss):  # pragma: no cover
        raise AssertionError("backward called")

    def reduce(self, tensor, reduction="sum"):  # pragma: no cover
        raise AssertionError("reduce called")


X = np.random.default_rng(0).normal(size=(40, 5, 1))
y = X[:, -1, 0]


@pytest.mark.parametrize(
    "settings, message",
    [
        (
            dict(accelerator=_StubAccelerator(split_batches=False)),
            "RNNRegressor: the accelerator runs 2 processes without split_batches, so every process would train on "
            "batches of batch_size=32 and the run on 2 times more. Create it as Accelerator(dataloader_config="
            "DataLoaderConfiguration(split_batches=True)): batch_size is then the batch of the whole run, each "
            "process taking its share.",
        ),
        (
            dict(accelerator=_StubAccelerator(num_processes=3), batch_size=32),
            "RNNRegressor: batch_size=32 is shared by the accelerator's 3 processes and must be a multiple of 3; use "
            "batch_size=30.",
        ),
        (
            dict(accelerator=_StubAccelerator(), on_interrupt="keep_best"),
            "RNNRegressor: on_interrupt='keep_best' is not supported in a run of 2 processes (an interrupt reaches "
            "them at different batches); use on_interrupt='raise'.",
        ),
    ],
    ids=["no-split-batches", "batch-not-a-multiple", "keep-best"],
)
def test_a_run_of_several_processes_is_checked_before_training(settings, message):
    est = RNNRegressor(max_epochs=1, **settings)
    with pytest.raises(ValueError) as info:
        est.fit(X, y)
    assert str(info.value) == message
    assert not hasattr(est, "net_")


def test_the_accelerator_parameter_takes_an_accelerator_or_none():
    with pytest.raises(ValueError, match=r"The 'accelerator' parameter of RNNRegressor must be None or an object "):
        RNNRegressor(accelerator="cpu").fit(X, y)


def test_a_model_file_leaves_the_accelerator_out(tmp_path):
    est = RNNRegressor(hidden_size=2, max_epochs=1, random_state=0).fit(X, y)
    est.set_params(accelerator=_StubAccelerator())  # what a data-parallel fit leaves in its parameters
    save(est, tmp_path / "model")
    loaded = load(tmp_path / "model")
    assert loaded.accelerator is None and est.accelerator is not None
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
