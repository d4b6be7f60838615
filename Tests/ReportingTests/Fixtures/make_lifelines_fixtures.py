#!/usr/bin/env python3
"""Expected survival statistics from lifelines, the reference the report's figures must match.

Run once and commit the output; the Swift tests (SurvivalFixtureTests) read it:

    pip install lifelines==0.30.3
    python3 Tests/ReportingTests/Fixtures/make_lifelines_fixtures.py > Tests/ReportingTests/Fixtures/lifelines.json

Each data set is a list of runs (time, event, dimension). For each one the file holds, per
dimension, the Kaplan-Meier median and the 95% interval of the median
(median_survival_times(kmf.confidence_interval_), exponential Greenwood band); the k-group
log-rank test across dimensions (multivariate_logrank_test); and a Cox model on log2(dimension)
(CoxPHFitter, Efron ties). An unbounded end of an interval is written as null.
"""
import json
import math
import warnings

import lifelines
import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times


def finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def simulated(seed, dimensions, seeds, hr_per_doubling, base_rate, check_every, max_epochs, informative_cut=None):
    """Exponential times whose hazard grows by hr_per_doubling per doubling of D, read off at
    checks every check_every epochs (so many ties) and censored at max_epochs."""
    rng = np.random.default_rng(seed)
    runs = []
    for d in dimensions:
        rate = base_rate * hr_per_doubling ** math.log2(d)
        for _ in range(seeds):
            t = rng.exponential(1 / rate)
            t = math.ceil(t / check_every) * check_every
            event = t <= max_epochs
            t = min(t, max_epochs)
            if informative_cut is not None and rng.random() < informative_cut:
                t = max(check_every, math.floor(t * rng.random() / check_every) * check_every)
                event = False
            runs.append([float(t), bool(event), int(d)])
    return runs


DATA_SETS = {
    # The paper's comparison: D = 2 vs 3, 10 seeds, checks every 25 epochs, no censoring.
    "paper": simulated(1, [2, 3], 10, 1.3, 1 / 1900, 25, 15000),
    # A wide sweep: D = 2..128, 12 seeds, a strong effect, some runs censored at max_epochs.
    "wide": simulated(2, [2, 4, 8, 16, 32, 64, 128], 12, 1.8, 1 / 6000, 25, 3000),
    # Heavy ties: times on a coarse grid, three dimensions, censoring in the middle of the range.
    "ties": simulated(3, [2, 4, 8], 15, 1.4, 1 / 300, 100, 600, informative_cut=0.2),
    # A weak effect with much censoring.
    "censored": simulated(4, [4, 16, 64], 8, 1.1, 1 / 5000, 50, 2500),
    # Hand-made: a few runs, ties between event and censoring times.
    "small": [
        [5.0, True, 2], [5.0, True, 2], [7.0, False, 2], [9.0, True, 2], [9.0, True, 2],
        [12.0, False, 4], [15.0, True, 4], [15.0, False, 4], [9.0, True, 4], [20.0, True, 4],
        [5.0, True, 8], [6.0, True, 8], [6.0, False, 8], [11.0, True, 8],
    ],
}


def expected(runs):
    df = pd.DataFrame(runs, columns=["T", "E", "D"])
    out = {"km": {}}
    for d, group in df.groupby("D"):
        kmf = KaplanMeierFitter().fit(group["T"], group["E"])
        ci = median_survival_times(kmf.confidence_interval_)
        out["km"][str(d)] = {
            "median": finite(kmf.median_survival_time_),
            "ci95": [finite(ci.iloc[0, 0]), finite(ci.iloc[0, 1])],
        }
    lr = multivariate_logrank_test(df["T"], df["D"], df["E"])
    out["logrank"] = {"statistic": float(lr.test_statistic), "df": int(lr.degrees_of_freedom), "p_value": float(lr.p_value)}
    cox_df = pd.DataFrame({"T": df["T"], "E": df["E"].astype(int), "log2_dimension": np.log2(df["D"])})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cph = CoxPHFitter().fit(cox_df, "T", "E")
    row = cph.summary.loc["log2_dimension"]
    out["cox"] = {
        "coef": float(row["coef"]),
        "se": float(row["se(coef)"]),
        "hazard_ratio": float(row["exp(coef)"]),
        "ci95": [float(row["exp(coef) lower 95%"]), float(row["exp(coef) upper 95%"])],
        "p_value": float(row["p"]),
    }
    return out


print(json.dumps({
    "lifelines_version": lifelines.__version__,
    "data_sets": {name: {"runs": runs, "expected": expected(runs)} for name, runs in DATA_SETS.items()},
}, indent=1, sort_keys=True))
