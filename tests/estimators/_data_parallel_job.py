"""The job the data-parallel tests run, in one process (``python``) or several (``torchrun``).

Each process fits the same models on the same data, through an ``accelerate.Accelerator`` unless ``--plain``,
and writes what the tests compare to ``<out>/rank<k>.json``: a hash of the weights, predictions, the history.
"""

import argparse
import hashlib
import json
import os

import numpy as np
import pandas as pd
import torch

from seqforecast import DirectForecaster, RNNRegressor, load, save


def _digest(est):
    flat = torch.cat([p.detach().reshape(-1) for p in est.net_.module_.parameters()])
    return hashlib.sha256(flat.numpy().tobytes()).hexdigest()[:16]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    accelerator, rank = None, 0
    if not args.plain:
        from accelerate import Accelerator
        from accelerate.utils import DataLoaderConfiguration

        accelerator = Accelerator(cpu=True, dataloader_config=DataLoaderConfiguration(split_batches=True))
        rank = accelerator.process_index

    rng = np.random.default_rng(0)
    t = np.arange(160)
    Y = pd.DataFrame({f"s{j}": 10 + np.sin(2 * np.pi * t / 12 + j) + 0.1 * rng.normal(size=160) for j in range(6)})
    settings = dict(cell="gru", hidden_size=8, batch_size=32, lr=3e-3, random_state=0, accelerator=accelerator)
    # a many-to-one regressor on arrays, with early stopping; a seq2seq forecaster on series windows, sampled
    X = rng.normal(size=(300, 10, 2)).astype(np.float32)
    y = X[:, -3:, 0].sum(axis=1)
    reg = RNNRegressor(max_epochs=4, patience=2, **settings).fit(X, y)
    f = DirectForecaster(
        RNNRegressor(architecture="seq2seq", max_epochs=3, samples_per_epoch=200, **settings),
        window_length=24,
        horizon=6,
    ).fit(None, Y)
    record = {
        "rank": rank,
        "regressor": _digest(reg),
        "regressor_valid_loss": [row["valid_loss"] for row in reg.history_],
        "regressor_predictions": reg.predict(X[:8]).tolist(),
        "forecaster": _digest(f.estimator_),
        "forecast": f.forecast(6).to_numpy().tolist(),
        "net_class": type(reg.net_).__name__,
    }
    os.makedirs(args.out, exist_ok=True)
    if rank == 0:  # the main process saves; the file loads in any process, without the accelerator
        save(f, os.path.join(args.out, "model"))
        reloaded = load(os.path.join(args.out, "model"))
        record["reloaded_forecast"] = reloaded.forecast(6).to_numpy().tolist()
        record["reloaded_accelerator"] = repr(reloaded.estimator_.accelerator)
    with open(os.path.join(args.out, f"rank{rank}.json"), "w") as fh:
        json.dump(record, fh)


if __name__ == "__main__":
    main()
