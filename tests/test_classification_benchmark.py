"""benchmarks/classification.py pins every setting the classifier's defaults resolve from the data, so a rerun
trains the nets its result file describes whatever the defaults become."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def classification():
    spec = importlib.util.spec_from_file_location("classification_benchmark", ROOT / "benchmarks" / "classification.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_candidate_is_one_net_with_no_auto_setting(classification):
    for candidate in classification.CANDIDATES:
        params = classification.make_classifier(candidate, max_epochs=5, seed=0).get_params()
        assert [name for name, value in params.items() if isinstance(value, str) and value == "auto"] == []
        assert params["ensemble_size"] == 1 and params["max_epochs"] == 5 and params["scaling"] is None
