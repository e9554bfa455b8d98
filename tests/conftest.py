import random

import numpy as np
import pytest
import torch

# Tests use tiny nets, whose cost is per-call overhead: one intra-op thread is as fast and never spin-waits
# for a busy second core (measured: 2 threads made the estimator tests 5-10x slower on a loaded 2-core box).
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same global random state (tests must not rely on it, but it keeps
    anything that slips through reproducible)."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    yield
