import pytest

from ._files import saved_models


@pytest.fixture(scope="package")
def models(tmp_path_factory):
    """A fitted forecaster over an RNN and a fitted RNN classifier, saved once: {name: (model, path)}."""
    return saved_models(tmp_path_factory.mktemp("models"))
