import random

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same global random state (tests must not rely on it, but it keeps
    anything that slips through reproducible)."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    yield
