"""A character-level language model on the bundled sentiment sentences, against unigram and bigram baselines.

The text is the 2,990 sentences of :func:`seqforecast.datasets.load_sentiment` (Kotzias et al., KDD 2015;
CC BY 4.0), **lower-cased**, characters as tokens (``TextTokenizer(level="char", lowercase=True)``, fitted on
the training text only; a held-out character it has not seen is ``<unk>``, id 1). Protocol:

* **Split**: the sentences are shuffled once (``numpy.random.default_rng(0).permutation``); the first 10 %
  (299) are held out, the other 2,691 train. Each part is one text, its sentences joined with ``"\\n"`` (so
  the model also learns where sentences end). The held-out text is read only to score the fitted models.
* **Language model**: ``RNNClassifier(architecture="many_to_many", embedding_dim=32, cell="lstm",
  hidden_size=256)`` on the training text cut into consecutive chunks of :data:`CHUNK` characters,
  ``X`` = the chunk, ``y`` = the next character at each step (``X`` shifted by one). Adam, lr 3e-3,
  batch 64, at most 40 epochs with early stopping (patience 4) on the last 10 % of the chunks, i.e. the
  **training** text's tail. These settings were fixed before any run (a common small char-LSTM), not tuned.
* **Scores**: per-character cross-entropy of the held-out text (nats and bits; every character after the
  first is predicted from those before it). The model reads the held-out text in windows of :data:`CHUNK`
  characters with a stride of half that; each character is scored once, in the first window that gives
  it at least half a window of context (the first half-window of the text has less). Characters whose
  target is ``<unk>`` (unseen in training) are left out of every model's score and counted.
* **Baselines** on the same characters: *unigram*, the character frequencies of the training text with
  add-one (Laplace) smoothing over the ``V`` characters of the training vocabulary,
  ``p(c) = (n(c) + 1) / (N + V)``; *bigram*, ``p(c | b) = (n(b, c) + 1) / (n(b) + V)`` with ``n(b)`` the
  times ``b`` precedes a character in the training text (add-one as well: a weak smoothing, so the bigram
  figure is a floor for what a bigram model can do, not its best).
* **Generation**: :meth:`~seqforecast.RNNClassifier.generate` from fixed seed texts at temperatures 0
  (greedy), 0.5 and 1.0 (``random_state=0``), shown with their seeds; generated twice to check that a
  fixed seed reproduces the text.

Writes ``benchmarks/results/char_language_model.json`` and ``.md``: the scores, the training history,
the samples, settings, seeds, machine, load averages and versions.

Run from the repository root (about 5-10 minutes on 1 torch thread)::

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/char_language_model.py
    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/char_language_model.py --quick   # smoke run
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from seqforecast import RNNClassifier, TextTokenizer
from seqforecast.datasets import load_sentiment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, write_json  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
#: Characters per training chunk and per scoring window.
CHUNK = 100
#: Share of the sentences held out.
HELD_OUT = 0.1
#: The language model's settings (fixed a priori).
MODEL = {
    "architecture": "many_to_many",
    "cell": "lstm",
    "embedding_dim": 32,
    "hidden_size": 256,
    "dropout": 0.0,
    "batch_size": 64,
    "lr": 3e-3,
    "max_epochs": 40,
    "patience": 4,
    "validation_fraction": 0.1,
}
#: A smoke run's settings (``--quick``): a small net, few epochs, a tenth of the sentences.
QUICK = {**MODEL, "hidden_size": 32, "max_epochs": 2, "patience": None}
#: The seed texts of the samples (lower-case, as the model's text) and the sampling temperatures.
SEED_TEXTS = ("the food was ", "this movie is ", "i would not ")
TEMPERATURES = (0.0, 0.5, 1.0)
GENERATED = 120
SAMPLES_PER_SEED = 2


def split_sentences(texts, seed, held_out=HELD_OUT):
    """The training and held-out texts: the sentences shuffled by ``default_rng(seed)``, the first
    ``held_out`` share held out, each part joined with newlines."""
    order = np.random.default_rng(seed).permutation(len(texts))
    n_held = int(round(held_out * len(texts)))
    held = [texts[i] for i in order[:n_held]]
    train = [texts[i] for i in order[n_held:]]
    return "\n".join(train), "\n".join(held), len(train), len(held)


def chunks(ids, length):
    """Consecutive chunks of ``length`` ids, ``X``, and the next id at each step, ``y``: (n, length) each."""
    n = (len(ids) - 1) // length
    return ids[: n * length].reshape(n, length), ids[1 : n * length + 1].reshape(n, length)


def unigram_nll(train_ids, targets, vocabulary_ids):
    """Negative log-probability of each target under add-one smoothed character frequencies of ``train_ids``
    over the ids ``vocabulary_ids``."""
    counts = np.bincount(train_ids, minlength=max(vocabulary_ids) + 1).astype(np.float64)
    proba = (counts + 1) / (len(train_ids) + len(vocabulary_ids))
    return -np.log(proba[targets])


def bigram_nll(train_ids, previous, targets, vocabulary_ids):
    """Negative log-probability of each target given the previous id, add-one smoothed bigram counts of
    ``train_ids``: ``(n(b, c) + 1) / (n(b) + V)`` (an unseen ``b`` gives ``1 / V``)."""
    size = max(vocabulary_ids.max(), previous.max(), targets.max()) + 1
    pairs = np.zeros((size, size))
    np.add.at(pairs, (train_ids[:-1], train_ids[1:]), 1.0)
    before = pairs.sum(axis=1)  # n(b): times b precedes a character
    return -np.log((pairs[previous, targets] + 1) / (before[previous] + len(vocabulary_ids)))


def scored_windows(n, length):
    """Windows ``(start, first scored position)`` over ``n`` positions: windows of ``length`` with a stride of
    half that (the last one ending at ``n``); each position scored once, by the first window that gives it
    at least ``length - stride`` positions of context (positions before ``length`` by the first window)."""
    if n <= length:
        return [(0, 0)]
    stride = length // 2
    starts = list(range(0, n - length + 1, stride))
    if starts[-1] != n - length:
        starts.append(n - length)
    out, end = [], 0
    for start in starts:
        out.append((start, end))
        end = start + length
    return out


def model_nll(lm, inputs, targets, length):
    """Negative log-probability of each target under the language model, reading ``inputs`` in windows
    (:func:`scored_windows`); NaN where the target is no class of the model."""
    column = {int(c): j for j, c in enumerate(lm.classes_)}
    nll = np.full(len(targets), np.nan)
    windows = scored_windows(len(inputs), length)
    X = np.stack([inputs[s : s + length] for s, _ in windows])  # [n_windows, length]
    proba = lm.predict_proba(X)  # [n_windows, length, K]
    for (start, first), p in zip(windows, proba):
        for pos in range(first, start + length):
            j = column.get(int(targets[pos]))
            if j is not None:
                nll[pos] = -math.log(p[pos - start, j])
    return nll


def _load_average():
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _shown(text):
    return text.replace("\n", "\u21b5")  # a newline (the end of a sentence) as a visible arrow


def run(quick, seed):
    frame = load_sentiment()
    texts = frame["text"].tolist()
    if quick:
        texts = texts[::10]
    train_text, held_text, n_train, n_held = split_sentences(texts, seed)
    tok = TextTokenizer(level="char", lowercase=True).fit([train_text])
    train_ids, held_ids = tok.transform([train_text, held_text])
    vocabulary_ids = np.array(sorted(tok.vocabulary_.values()))
    X, y = chunks(train_ids, CHUNK)

    settings = QUICK if quick else MODEL
    lm = RNNClassifier(**settings, random_state=seed)
    start = time.perf_counter()
    lm.fit(X, y)
    fit_seconds = time.perf_counter() - start

    previous, targets = held_ids[:-1], held_ids[1:]
    known = targets != 1  # targets that are characters of the training text
    nll = {
        "LSTM language model": model_nll(lm, previous, targets, CHUNK),
        "unigram (add-one)": unigram_nll(train_ids, targets, vocabulary_ids),
        "bigram (add-one)": bigram_nll(train_ids, previous, targets, vocabulary_ids),
    }
    scored = known & np.isfinite(nll["LSTM language model"])
    scores = {
        name: {"nats_per_char": float(v[scored].mean()), "bits_per_char": float(v[scored].mean() / math.log(2))}
        for name, v in nll.items()
    }

    seeds = tok.transform(list(SEED_TEXTS))
    samples, reproducible = [], True
    for temperature in TEMPERATURES:
        n_samples = 1 if temperature == 0 else SAMPLES_PER_SEED
        out = lm.generate(seeds, GENERATED, temperature=temperature, n_samples=n_samples, random_state=seed)
        again = lm.generate(seeds, GENERATED, temperature=temperature, n_samples=n_samples, random_state=seed)
        reproducible &= bool(np.array_equal(out, again))
        for seed_text, rows in zip(SEED_TEXTS, out):
            for j, text in enumerate(tok.inverse_transform(list(rows))):
                samples.append({"temperature": temperature, "seed_text": seed_text, "sample": j, "text": text})

    history = [
        {k: (round(float(v), 4) if isinstance(v, float | np.floating) else v) for k, v in row.items()}
        for row in lm.history_
    ]
    return {
        "data": {
            "source": "seqforecast.datasets.load_sentiment() (Kotzias et al., KDD 2015; CC BY 4.0)",
            "sentences_train": n_train,
            "sentences_held_out": n_held,
            "characters_train": int(len(train_ids)),
            "characters_held_out": int(len(held_ids)),
            "vocabulary_size": int(len(vocabulary_ids)),
            "lowercase": True,
            "held_out_targets_scored": int(scored.sum()),
            "held_out_targets_unknown": int((~known).sum()),
            "training_chunks": int(len(X)),
        },
        "scores": scores,
        "fit": {
            "seconds": round(fit_seconds, 1),
            "epochs": len(lm.history_),
            "best_valid_loss_training_tail": min(
                (r["valid_loss"] for r in history if r.get("valid_loss") is not None), default=None
            ),
            "history": history,
        },
        "samples": samples,
        "generation_reproducible": reproducible,
        "settings": {
            "model": {**settings, "random_state": seed},
            "chunk": CHUNK,
            "held_out_share": HELD_OUT,
            "split_seed": seed,
            "scoring_windows": f"{CHUNK} characters, stride {CHUNK // 2}",
            "generation": {
                "seed_texts": list(SEED_TEXTS),
                "temperatures": list(TEMPERATURES),
                "steps": GENERATED,
                "samples_per_seed": SAMPLES_PER_SEED,
                "random_state": seed,
            },
            "quick": quick,
        },
    }


def markdown(result):
    d, s, f = result["data"], result["scores"], result["fit"]
    unigram = s["unigram (add-one)"]["nats_per_char"]
    lines = [
        "# Character-level language model: Sentiment Labelled Sentences",
        "",
        f"Lower-cased characters; sentences shuffled with seed {result['settings']['split_seed']}, "
        f"{d['sentences_train']} to train ({d['characters_train']:,} characters), {d['sentences_held_out']} held "
        f"out ({d['characters_held_out']:,} characters), joined with newlines; vocabulary of "
        f"{d['vocabulary_size']} characters. Per-character cross-entropy on the {d['held_out_targets_scored']:,} "
        f"held-out characters scored ({d['held_out_targets_unknown']} unseen in training left out).",
        "",
        "| model | nats / char | bits / char | vs unigram |",
        "|---|---|---|---|",
    ]
    for name, v in s.items():
        lines.append(
            f"| {name} | {v['nats_per_char']:.4f} | {v['bits_per_char']:.4f} | "
            f"{v['nats_per_char'] / unigram - 1:+.1%} |"
        )
    m = result["settings"]["model"]
    lines += [
        "",
        f"Model: `RNNClassifier({', '.join(f'{k}={v!r}' for k, v in m.items())})` on {d['training_chunks']} "
        f"chunks of {result['settings']['chunk']} characters; {f['epochs']} epochs in {f['seconds']} s "
        f"(best validation loss on the training text's tail {f['best_valid_loss_training_tail']}). The model "
        f"reads the held-out text in windows of {result['settings']['scoring_windows']}. Unigram and bigram: "
        "add-one smoothed counts of the training text.",
        "",
        f"## Generated text ({result['settings']['generation']['steps']} characters after each seed, "
        f"`random_state={result['settings']['generation']['random_state']}`; \u21b5 is a newline, the end of a "
        f"sentence; the same seed gave the same text twice: {result['generation_reproducible']})",
        "",
        "| temperature | seed | sample | generated |",
        "|---|---|---|---|",
    ]
    for row in result["samples"]:
        text = _shown(row["text"]).replace("|", "\\|")
        lines.append(f"| {row['temperature']} | `{row['seed_text']}` | {row['sample']} | `{text}` |")
    env = result["environment"]
    machine, versions = env["machine"], env["versions"]
    lines += [
        "",
        f"Machine: {machine['platform']}, {machine['cpu_count']} CPUs, torch threads {machine['torch_threads']}, "
        f"load average (1 min) {result['load_average_1min_at_start']} at start, "
        f"{result['load_average_1min_at_end']} at end; {env['date_utc']}; {result['wall_seconds']} s in all.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: a tenth of the data, a tiny net")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.torch_threads)
    load_start, start = _load_average(), time.perf_counter()
    env = environment()
    result = run(args.quick, args.seed)
    result.update(
        environment=env,
        load_average_1min_at_start=load_start,
        load_average_1min_at_end=_load_average(),
        wall_seconds=round(time.perf_counter() - start, 1),
    )
    stem = "char_language_model" + (".quick" if args.quick else "")
    write_json(args.out / f"{stem}.json", result)
    (args.out / f"{stem}.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
