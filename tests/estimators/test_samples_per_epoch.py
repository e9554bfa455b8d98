"""samples_per_epoch on arrays: an epoch draws that many rows (seeded), the validation tail is thinned evenly."""

import numpy as np
import pytest

from seqforecast import RNNClassifier, RNNRegressor

X = np.random.default_rng(0).normal(size=(200, 6, 2))
y = X[:, -1, 0]


@pytest.mark.parametrize("make, target", [(RNNRegressor, y), (RNNClassifier, (y > 0).astype(int))])
def test_an_epoch_draws_samples_per_epoch_rows_and_validates_on_a_thinned_tail(make, target):
    est = make(hidden_size=4, max_epochs=2, samples_per_epoch=64, patience=2, batch_size=16, random_state=0)
    est.fit(X, target)
    for epoch in est.net_.history:
        train = [b["train_batch_size"] for b in epoch["batches"] if "train_batch_size" in b]
        valid = [b["valid_batch_size"] for b in epoch["batches"] if "valid_batch_size" in b]
        assert train == [16, 16, 16, 16]  # 64 rows drawn, in batches of 16
        assert valid == [7]  # ceil(64 * 0.1) of the 20 tail rows
    again = make(hidden_size=4, max_epochs=2, samples_per_epoch=64, patience=2, batch_size=16, random_state=0)
    np.testing.assert_array_equal(again.fit(X, target).predict(X), est.predict(X))


def test_samples_per_epoch_is_a_positive_int_or_none():
    with pytest.raises(ValueError, match=r"The 'samples_per_epoch' parameter of RNNRegressor must be"):
        RNNRegressor(samples_per_epoch=0).fit(X, y)
