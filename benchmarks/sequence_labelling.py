"""Sequence labelling (one label per token) with ``RNNClassifier(architecture="many_to_many")``: negation scope.

**The task.** Each token of the 2,990 Sentiment Labelled Sentences (:func:`seqforecast.datasets.load_sentiment`,
tokenised by ``TextTokenizer()``: lower-cased words, punctuation marks as tokens) is labelled 1 when it lies
in the scope of a negation, else 0, by a fixed rule (:func:`negation_labels`): a scope opens after a
negation cue (``not``, ``no``, ``never``, ``nor``, ``nothing``, ``none``, ``nobody``, ``neither``,
``without``, ``cannot``, and every word ending in ``n't``) and runs until the next punctuation mark or
``but``; the cues themselves are labelled 0::

    the food was not good at all , but the service was great .
     0    0    0   0   1   1   1  0  0   0     0      0    0   0

The same word is labelled 0 or 1 by its context ("good" above is 1, in "the food was good" 0), so a label
per token type cannot be right everywhere: the context-free baseline, the majority training label of each
token (unseen tokens: the overall majority, 0), is the reference. A recurrent net that reads left to right
can learn the rule exactly.

**Sentences of different lengths.** ``fit`` takes the token-id sequences as they are (a list of arrays of
different lengths) with a list of label sequences of the same lengths: the net reads each sentence packed to
its length and the cross-entropy leaves the padded steps of a batch out; ``predict`` returns one label array
per sentence. The split: 80/20, sentences shuffled with ``random_state=0``. A sentence with no token is the
tokenizer's one unknown token, labelled 0.

Run from the repository root (about a minute on 1 torch thread)::

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/sequence_labelling.py

Writes ``benchmarks/results/sequence_labelling.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from seqforecast import RNNClassifier, TextTokenizer
from seqforecast.datasets import load_sentiment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _meta import environment, machine_lines, write_json

RESULTS = Path(__file__).resolve().parent / "results"

CUES = frozenset({"not", "no", "never", "nor", "nothing", "none", "nobody", "neither", "without", "cannot"})
NET = {
    "architecture": "many_to_many",
    "cell": "gru",
    "hidden_size": 32,
    "embedding_dim": 32,
    "dropout": 0.2,
    "max_epochs": 40,
    "patience": 4,
    "batch_size": 32,
    "lr": 3e-3,
}


def is_cue(token):
    return token in CUES or token.endswith("n't")


def negation_labels(tokens):
    """0/1 per token: 1 inside a negation scope (after a cue, until punctuation or "but")."""
    labels, inside = [], False
    for token in tokens:
        if is_cue(token):
            labels.append(0)
            inside = True
        elif token == "but" or re.fullmatch(r"[^\w\s]", token):
            labels.append(0)
            inside = False
        else:
            labels.append(int(inside))
    return labels


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.torch_threads)
    env = environment()
    texts = load_sentiment()["text"].tolist()
    train_texts, test_texts = train_test_split(texts, test_size=0.2, random_state=0)

    tokenizer = TextTokenizer().fit(train_texts)
    split = [re.compile(tokenizer.token_pattern).findall(t.lower()) for t in texts]  # the tokenizer's tokens
    words = {t: s for t, s in zip(texts, split)}
    train_tokens = [words[t] for t in train_texts]
    test_tokens = [words[t] for t in test_texts]
    train_labels = [np.array(negation_labels(tokens) or [0]) for tokens in train_tokens]  # no token: [unknown]
    test_labels = [np.array(negation_labels(tokens) or [0]) for tokens in test_tokens]
    X_train, X_test = tokenizer.transform(train_texts), tokenizer.transform(test_texts)
    assert all(len(ids) == len(labels) for ids, labels in zip(X_train + X_test, train_labels + test_labels))

    # the context-free baseline: each token's majority label in training
    votes = {}
    for tokens, labels in zip(train_tokens, train_labels):
        for token, label in zip(tokens, labels):
            votes.setdefault(token, Counter())[label] += 1
    overall = Counter(label for labels in train_labels for label in labels).most_common(1)[0][0]
    majority = {token: count.most_common(1)[0][0] for token, count in votes.items()}
    baseline = [np.array([majority.get(token, overall) for token in tokens] or [overall]) for tokens in test_tokens]

    net = RNNClassifier(**NET, random_state=args.seed)
    start = time.perf_counter()
    net.fit(X_train, train_labels)
    fit_s = time.perf_counter() - start
    predicted = net.predict(X_test)  # one label array per sentence
    truth = np.concatenate(test_labels)

    def scores(pred):
        flat = np.concatenate(pred)
        return {
            "token_accuracy": float((flat == truth).mean()),
            "accuracy_on_negated_tokens": float((flat[truth == 1] == 1).mean()),
            "sentence_accuracy": float(np.mean([np.array_equal(p, t) for p, t in zip(pred, test_labels)])),
        }

    payload = {
        "benchmark": "sequence_labelling",
        "task": "negation scope: 1 after a negation cue until punctuation or 'but'",
        "cues": sorted(CUES) + ["*n't"],
        "split": "train_test_split(test_size=0.2, random_state=0) over the 2,990 sentences",
        "n_train_sentences": len(train_texts),
        "n_test_sentences": len(test_texts),
        "n_test_tokens": len(truth),
        "share_of_test_tokens_negated": float((truth == 1).mean()),
        "net": NET,
        "seed": args.seed,
        "fit_s": fit_s,
        "epochs": len(net.history_),
        "results": {
            "RNNClassifier(many_to_many)": scores(predicted),
            "majority label per token (context-free)": scores(baseline),
            "all 0": scores([np.zeros_like(t) for t in test_labels]),
        },
        "example": example(tokenizer, net),
        "load_average_1min_at_end": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        **env,
    }
    write_json(RESULTS / "sequence_labelling.json", payload)
    (RESULTS / "sequence_labelling.md").write_text(markdown(payload), encoding="utf-8")
    print(markdown(payload))


def example(tokenizer, net):
    text = "The food was not good at all, but the service was great and I never waited."
    ids = tokenizer.transform([text])[0]
    pred = net.predict([ids])[0]
    tokens = tokenizer.inverse_transform([ids])[0].split(" ")
    return {"text": text, "tokens": tokens, "predicted": pred.tolist()}


def markdown(p):
    lines = [
        "# Sequence labelling: negation scope in the Sentiment Labelled Sentences",
        "",
        f"One label per token (1 inside a negation scope: after {', '.join(p['cues'])} until punctuation or "
        f"'but'). {p['split']}: {p['n_train_sentences']} training and {p['n_test_sentences']} test sentences, "
        f"{p['n_test_tokens']:,} test tokens, {p['share_of_test_tokens_negated']:.1%} of them negated. Sentences "
        "of different lengths given as they are (lists of token ids and of labels; padding left out of the loss).",
        f"Net: `RNNClassifier({', '.join(f'{k}={v!r}' for k, v in p['net'].items())}, random_state={p['seed']})`, "
        f"{p['epochs']} epochs, fit {p['fit_s']:.1f} s.",
        "",
        "| model | token accuracy | accuracy on negated tokens | sentences all right |",
        "|---|---|---|---|",
    ]
    for model, r in p["results"].items():
        lines.append(
            f"| {model} | {r['token_accuracy']:.4f} | {r['accuracy_on_negated_tokens']:.4f} | "
            f"{r['sentence_accuracy']:.4f} |"
        )
    ex = p["example"]
    lines += [
        "",
        f"Example (not in the data): `{ex['text']}`",
        "",
        "| " + " | ".join(ex["tokens"]) + " |",
        "|" + "---|" * len(ex["tokens"]),
        "| " + " | ".join(str(v) for v in ex["predicted"]) + " |",
    ]
    lines += [
        "",
        *machine_lines(p),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
