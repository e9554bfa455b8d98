"""Real datasets bundled with seqforecast (see ``datasets/README.md`` for sources and licences).

The files sit in the repository's top-level ``datasets/`` folder; a wheel carries them inside the package as
``seqforecast/_data``, so the loaders work from an editable and from a regular install alike.
"""

from __future__ import annotations

import difflib
import gzip
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["load_airline", "load_sentiment", "load_ucr", "UCR_DATASETS", "SENTIMENT_SOURCES", "data_dir"]

#: Sequence-classification datasets bundled from the UCR/UEA archives, with their official train/test split.
UCR_DATASETS = ("ItalyPowerDemand", "GunPoint", "BasicMotions", "JapaneseVowels")

#: The three files of the Sentiment Labelled Sentences data, in the order ``load_sentiment`` reads them.
SENTIMENT_SOURCES = {
    "amazon": "amazon_cells_labelled.txt",
    "imdb": "imdb_labelled.txt",
    "yelp": "yelp_labelled.txt",
}


def data_dir() -> Path:
    """Return the folder holding the bundled data files."""
    packaged = resources.files("seqforecast") / "_data"
    if packaged.is_dir():
        return Path(str(packaged))
    # editable install / source checkout: <repo>/src/seqforecast/datasets.py -> <repo>/datasets
    source = Path(__file__).resolve().parents[2] / "datasets"
    if source.is_dir():
        return source
    raise FileNotFoundError(
        "seqforecast's bundled data files were not found (looked in the installed package's _data folder "
        f"and in {source}). Reinstall the package, e.g. `pip install --force-reinstall seqforecast`."
    )


def load_airline() -> pd.Series:
    """Monthly totals of international airline passengers, 1949-1960 (Box & Jenkins, series G).

    Returns
    -------
    y : pd.Series of shape (144,)
        Thousands of passengers, named ``"Passengers"``, on a monthly ``PeriodIndex`` named ``"Period"``.
    """
    frame = pd.read_csv(data_dir() / "airline.csv", dtype={"Date": str, "Passengers": "float64"})
    index = pd.PeriodIndex(frame["Date"], freq="M", name="Period")
    return pd.Series(frame["Passengers"].to_numpy(), index=index, name="Passengers")


def _parse_ts(path: Path):
    """Parse a UCR/UEA ``.ts`` file (gzip-compressed when its name ends in ``.gz``, else plain text) into a list
    of (n_timesteps, n_dims) arrays and labels."""
    sequences, labels = [], []
    in_data = False
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower() == "@data"
                continue
            *dims, label = line.split(":")
            arr = np.array([[float(v) for v in dim.split(",")] for dim in dims], dtype=np.float64)
            sequences.append(arr.T)  # [n_dims, n_timesteps] -> [n_timesteps, n_dims]
            labels.append(label)
    return sequences, np.array(labels, dtype=object)


def load_ucr(name: str, split: str = "train"):
    """Load one bundled UCR/UEA classification dataset with its official train/test split.

    Parameters
    ----------
    name : {"ItalyPowerDemand", "GunPoint", "BasicMotions", "JapaneseVowels"}
        ItalyPowerDemand and GunPoint are univariate with equal lengths; BasicMotions is multivariate
        (6 dimensions); JapaneseVowels is multivariate (12 dimensions) with sequences of different lengths.
    split : {"train", "test"}

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features), or a list of arrays of shape
        (n_timesteps_i, n_features) when the sequences have different lengths.
    y : ndarray of shape (n_samples,)
        The class labels as strings, as the archive gives them.
    """
    if name not in UCR_DATASETS:
        close = difflib.get_close_matches(str(name), UCR_DATASETS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown dataset {name!r}; the bundled ones are {list(UCR_DATASETS)}.{hint}")
    if split not in ("train", "test"):
        raise ValueError(f"load_ucr: split must be 'train' or 'test' (the archive's official split), got {split!r}.")
    sequences, labels = _parse_ts(data_dir() / f"{name}_{split.upper()}.ts.gz")
    if len({seq.shape for seq in sequences}) == 1:
        return np.stack(sequences), labels
    return sequences, labels


def load_sentiment() -> pd.DataFrame:
    """Sentiment Labelled Sentences (Kotzias et al., KDD 2015): 2,990 short English review sentences.

    Product reviews from Amazon (1,000), movie reviews from IMDb (990 in this copy) and restaurant reviews
    from Yelp (1,000), each labelled 1 (positive) or 0 (negative); 1,494 are positive. Licence CC BY 4.0;
    cite the paper when using the data (``datasets/README.md``).

    The files are read line by line, not by a CSV parser: each line is the sentence, a tab and the label,
    and the sentence is kept exactly as written (quotes, trailing spaces and all). The files are Latin-1
    (one IMDb sentence has a byte above 127) with CRLF line ends, which are removed.

    Returns
    -------
    frame : pd.DataFrame of shape (2990, 3)
        Columns ``text`` (str), ``label`` (int64, 0 or 1) and ``source`` (``"amazon"``, ``"imdb"`` or
        ``"yelp"``), rows in file order: Amazon, then IMDb, then Yelp. There is no official train/test
        split; stratified 5-fold cross-validation is a fair protocol.

    Examples
    --------
    >>> from seqforecast.datasets import load_sentiment
    >>> frame = load_sentiment()
    >>> frame.shape
    (2990, 3)
    >>> frame["label"].value_counts().sort_index().tolist()
    [1496, 1494]
    """
    texts, labels, sources = [], [], []
    for source, file_name in SENTIMENT_SOURCES.items():
        path = data_dir() / "sentiment" / file_name
        with open(path, encoding="latin-1", newline="") as fh:
            for number, raw in enumerate(fh, start=1):
                line = raw.rstrip("\r\n")
                text, tab, label = line.rpartition("\t")
                if not tab or label not in ("0", "1"):
                    raise ValueError(
                        f"{path}, line {number}: expected a sentence, a tab and a label 0 or 1, got {line!r}. "
                        "The bundled file has been changed; reinstall seqforecast to restore it."
                    )
                texts.append(text)
                labels.append(int(label))
                sources.append(source)
    return pd.DataFrame(
        {
            "text": pd.Series(texts, dtype=object),
            "label": np.asarray(labels, dtype=np.int64),
            "source": pd.Series(sources, dtype=object),
        }
    )
