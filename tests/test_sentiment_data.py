"""The bundled Sentiment Labelled Sentences: read line by line, exactly as the files hold them."""

import numpy as np
import pandas as pd

from seqforecast import datasets


def test_sentiment_has_the_2990_sentences_in_file_order():
    frame = datasets.load_sentiment()
    assert frame.shape == (2990, 3) and list(frame.columns) == ["text", "label", "source"]
    assert frame["label"].dtype == np.int64 and set(frame["label"]) == {0, 1}
    assert frame.index.equals(pd.RangeIndex(2990))
    # the data's README: 1,000 Amazon, 990 IMDb (this copy), 1,000 Yelp sentences; 1,494 positive
    counts = frame.groupby("source", sort=False)["label"].agg(["size", "sum"])
    assert counts.index.tolist() == ["amazon", "imdb", "yelp"]
    assert counts["size"].tolist() == [1000, 990, 1000] and counts["sum"].tolist() == [500, 494, 500]
    assert all(isinstance(text, str) and text for text in frame["text"])


def test_sentiment_rows_are_the_lines_of_the_files_quotes_and_spaces_kept():
    frame = datasets.load_sentiment()
    first, last = frame.iloc[0], frame.iloc[-1]
    assert first["text"] == "So there is no way for me to plug it in here in the US unless I go by a converter."
    assert (first["label"], first["source"]) == (0, "amazon")
    assert last["text"] == (
        "\"Then, as if I hadn't wasted enough of my life there, they poured salt in the wound by drawing out the "
        'time it took to bring the check."'
    )
    assert (last["label"], last["source"]) == (0, "yelp")
    # IMDb's first line: the quotes and the two spaces before the tab are part of the sentence (a CSV reader
    # would have removed the quotes)
    assert (
        frame.loc[1000, "text"]
        == '"A very, very, very slow-moving, aimless movie about a distressed, drifting young man.  "'
    )
    assert frame.loc[1000, "source"] == "imdb"
    # the one IMDb byte above 127 is Latin-1
    assert "clichés" in frame.loc[1220, "text"] and "Aurvåg" in frame.loc[1291, "text"]


def test_sentiment_files_are_bundled_where_the_loader_reads_them():
    folder = datasets.data_dir() / "sentiment"
    assert sorted(p.name for p in folder.iterdir()) == sorted(datasets.SENTIMENT_SOURCES.values())
