"""The package's surface: every advertised name imports, and the bundled data loads."""

import numpy as np
import pandas as pd
import pytest

import seqforecast
from seqforecast import datasets


@pytest.mark.parametrize("name", [n for n in seqforecast.__all__ if n != "__version__"])
def test_every_public_name_resolves(name):
    obj = getattr(seqforecast, name)
    assert obj.__name__ == name


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'seqforecast' has no attribute 'RNNRegresor'"):
        seqforecast.RNNRegresor  # noqa: B018


def test_airline_is_the_box_jenkins_series():
    y = datasets.load_airline()
    # Box & Jenkins (1976), series G: 144 monthly totals, January 1949 = 112, December 1960 = 432
    assert len(y) == 144 and y.iloc[0] == 112 and y.iloc[-1] == 432 and y.sum() == 40363
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "M"


@pytest.mark.parametrize(
    "name, train_shape, test_n, n_classes",
    [  # sizes from the UCR/UEA archive's dataset descriptions
        ("ItalyPowerDemand", (67, 24, 1), 1029, 2),
        ("GunPoint", (50, 150, 1), 150, 2),
        ("BasicMotions", (40, 100, 6), 40, 4),
    ],
)
def test_ucr_datasets_have_their_official_split(name, train_shape, test_n, n_classes):
    X, y = datasets.load_ucr(name, "train")
    Xt, yt = datasets.load_ucr(name, "test")
    assert X.shape == train_shape and len(Xt) == test_n and len(set(y)) == n_classes
    assert X.dtype == np.float64 and np.isfinite(X).all()


def test_variable_length_dataset_is_a_list():
    X, y = datasets.load_ucr("JapaneseVowels", "train")
    assert isinstance(X, list) and len(X) == 270 and len(set(y)) == 9
    lengths = {x.shape[0] for x in X}
    assert min(lengths) == 7 and max(lengths) == 26 and {x.shape[1] for x in X} == {12}


def test_unknown_dataset():
    with pytest.raises(ValueError, match="Unknown dataset 'Gunpoint'"):
        datasets.load_ucr("Gunpoint")
