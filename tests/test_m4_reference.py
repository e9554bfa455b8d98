"""Naive2, seasonal naive, Theta and the metrics against the official M4 numbers (Hourly and Weekly).

Data: the organisers' M4-methods repository (``Dataset/Train``, ``Dataset/Test``, ``Point Forecasts``,
``Evaluation and Ranks.xlsx``), kept outside the repository in ``<repo>/../shared/data/m4`` or in the folder
named by the environment variable ``SEQFORECAST_M4_DIR``. Every test is skipped when the folder is absent.
Reference scores: ``m4_official_point_results_by_frequency.csv`` (flattened from ``Evaluation and
Ranks.xlsx``); the published values have 3 decimals, so ours are compared after rounding to 3 decimals.
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from seqforecast.baselines._kernels import naive2_forecast, naive_forecast, seasonal_naive_forecast, theta_forecast
from seqforecast.evaluation.metrics import mase, owa, smape

M4_DIR = Path(os.environ.get("SEQFORECAST_M4_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "m4"))

pytestmark = [
    pytest.mark.m4,
    pytest.mark.skipif(
        not (M4_DIR / "Hourly-train.csv").is_file(),
        reason=f"M4 data not found in {M4_DIR}: put the organisers' Hourly/Weekly CSV files there (M4-methods "
        "repository, Dataset/ and Point Forecasts/) or set SEQFORECAST_M4_DIR to their folder.",
    ),
]

# (horizon, seasonal period) as the organisers' evaluation code
SETTINGS = {"Hourly": (48, 24), "Weekly": (13, 1)}

# Official (sMAPE, MASE): m4_official_point_results_by_frequency.csv, "Evaluation and Ranks.xlsx"
OFFICIAL = {
    ("Hourly", "Naive2"): (18.383, 2.395),
    ("Weekly", "Naive2"): (9.161, 2.777),
    ("Hourly", "sNaive"): (13.912, 1.193),
    ("Hourly", "Naive"): (43.003, 11.608),
    ("Hourly", "Theta"): (18.138, 2.455),
    ("Weekly", "Theta"): (9.093, 2.637),
}


def _read_wide(path: Path) -> list[np.ndarray]:
    """One array per row of a wide M4 file (id, then values in time order; shorter rows end in NaN)."""
    frame = pd.read_csv(path, index_col=0)
    return [row[~np.isnan(row)] for row in frame.to_numpy(dtype=np.float64)]


@pytest.fixture(scope="module", params=sorted(SETTINGS))
def m4(request):
    freq = request.param
    horizon, sp = SETTINGS[freq]
    train = _read_wide(M4_DIR / f"{freq}-train.csv")
    # [n_series][H] -> [H, n_series]: rows are time steps, columns series
    test = np.column_stack(_read_wide(M4_DIR / f"{freq}-test.csv"))
    naive2_official = np.column_stack(_read_wide(M4_DIR / f"{freq}-Naive2-forecast.csv"))
    assert test.shape == naive2_official.shape == (horizon, len(train))
    return {"freq": freq, "horizon": horizon, "sp": sp, "train": train, "test": test, "naive2": naive2_official}


def _forecast_all(kernel, m4, **kwargs) -> np.ndarray:
    # [n_series][H] -> [H, n_series]
    return np.column_stack([kernel(y, m4["horizon"], **kwargs) for y in m4["train"]])


def _scores(m4, y_pred) -> tuple[float, float]:
    return (
        round(smape(m4["test"], y_pred), 3),
        round(mase(m4["test"], y_pred, y_train=m4["train"], sp=m4["sp"]), 3),
    )


def test_official_reference_table_agrees_with_the_constants():
    table = pd.read_csv(M4_DIR / "m4_official_point_results_by_frequency.csv").drop_duplicates("method")
    table = table.set_index("method")
    for (freq, method), (s, m) in OFFICIAL.items():
        assert (table.loc[method, f"sMAPE_{freq}"], table.loc[method, f"MASE_{freq}"]) == (s, m)


def test_naive2_equals_the_organisers_forecasts(m4):
    ours = _forecast_all(naive2_forecast, m4, sp=m4["sp"])
    # The organisers' file keeps 10 significant digits, so a correct value differs from it by at most half a
    # unit in the 10th digit: a relative error <= 5e-10. Found: Hourly 4.9e-10 (4.99e-5 absolute, on values
    # up to ~3e5), Weekly exactly 0.
    np.testing.assert_allclose(ours, m4["naive2"], rtol=5e-10, atol=0)


def test_naive2_scores_reproduce_the_official_values(m4):
    expected = OFFICIAL[(m4["freq"], "Naive2")]
    assert _scores(m4, m4["naive2"]) == expected  # the metrics alone, on the organisers' forecasts
    assert _scores(m4, _forecast_all(naive2_forecast, m4, sp=m4["sp"])) == expected


def test_naive_and_seasonal_naive_scores_hourly(m4):
    if m4["freq"] != "Hourly":
        pytest.skip("official seasonal-naive numbers are checked on Hourly (on Weekly, sp=1, it is Naive2)")
    snaive = _forecast_all(seasonal_naive_forecast, m4, sp=24)
    assert _scores(m4, snaive) == OFFICIAL[("Hourly", "sNaive")]
    assert _scores(m4, _forecast_all(naive_forecast, m4)) == OFFICIAL[("Hourly", "Naive")]
    # OWA on the totals. The official table's 0.627453623361059 is the OWA of the totals rounded to 3 decimals
    # (0.5 * (13.912 / 18.383 + 1.193 / 2.395)); from the unrounded totals it is 0.62750 (rounds to 0.628).
    s, m = smape(m4["test"], snaive), mase(m4["test"], snaive, y_train=m4["train"], sp=24)
    s2, m2 = smape(m4["test"], m4["naive2"]), mase(m4["test"], m4["naive2"], y_train=m4["train"], sp=24)
    assert owa(round(s, 3), round(m, 3), round(s2, 3), round(m2, 3)) == pytest.approx(0.627453623361059, rel=1e-12)
    assert owa(s, m, s2, m2) == pytest.approx(0.62750, abs=5e-6)


@pytest.mark.slow  # about 3 s per frequency: SES is fitted to each of the 414 + 359 series
def test_theta_scores_reproduce_the_official_values(m4):
    theta = _forecast_all(theta_forecast, m4, sp=m4["sp"])
    assert _scores(m4, theta) == OFFICIAL[(m4["freq"], "Theta")]
