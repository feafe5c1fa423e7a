"""Reads giantstep's exports and its JSON Lines the way docs/results-in-python.md shows, and checks the
column types and values against the expected values the test wrote (expected.json).
Usage: python readback.py DIR  (DIR holds runs.parquet, runs.csv, steps.parquet, results.jsonl, expected.json)
Prints one line per check; exits 1 on the first failure."""
import json
import math
import sys
from pathlib import Path

import pandas as pd
import polars as pl

folder = Path(sys.argv[1])
expected = json.loads((folder / "expected.json").read_text())


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail else ""))
    if not ok:
        sys.exit(1)


def same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=0, abs_tol=0))


FLOATS = ["kappa", "lambda", "eta", "learningRate", "testError", "baselines.randomFeatures.testError"]
INTS = ["d", "p", "n", "steps", "seed"]

# Parquet: explicit types, nothing inferred.
for reader, name in [(pd.read_parquet, "pandas"), (pl.read_parquet, "polars")]:
    df = reader(folder / "runs.parquet")
    check(f"{name} parquet: {len(df)} rows", len(df) == len(expected["runs"]))
    if name == "pandas":
        check(f"{name} parquet float columns", all(str(df[c].dtype) == "float64" for c in FLOATS), str({c: str(df[c].dtype) for c in FLOATS}))
        check(f"{name} parquet int columns", all(str(df[c].dtype) == "int64" for c in INTS), str({c: str(df[c].dtype) for c in INTS}))
        check(f"{name} parquet bool and text", str(df["symmetric"].dtype) == "bool" and df["target"].map(type).eq(str).all())
        rows = df.to_dict("records")
    else:
        check(f"{name} parquet float columns", all(df.schema[c] == pl.Float64 for c in FLOATS), str({c: str(df.schema[c]) for c in FLOATS}))
        check(f"{name} parquet int columns", all(df.schema[c] == pl.Int64 for c in INTS))
        check(f"{name} parquet bool and text", df.schema["symmetric"] == pl.Boolean and df.schema["target"] == pl.String)
        rows = df.to_dicts()
    by_key = {r["key"]: r for r in rows}
    for run in expected["runs"]:
        row = by_key[run["key"]]
        for column, value in run["values"].items():
            if not same(row[column], value):
                check(f"{name} parquet value {column} of {run['key']}", False, f"{row[column]!r} != {value!r}")
    check(f"{name} parquet values equal the JSON lines' ({len(expected['runs'])} runs × {len(expected['runs'][0]['values'])} columns)", True)

# CSV: the float columns hold 1.0, not 1, so inference keeps them float in both readers.
pdf = pd.read_csv(folder / "runs.csv")
check("pandas csv float and int columns", all(str(pdf[c].dtype) == "float64" for c in FLOATS) and all(str(pdf[c].dtype) == "int64" for c in INTS),
      str(pdf[FLOATS + INTS].dtypes.to_dict()))
plf = pl.read_csv(folder / "runs.csv")
check("polars csv float and int columns", all(plf.schema[c] == pl.Float64 for c in FLOATS) and all(plf.schema[c] == pl.Int64 for c in INTS),
      str({c: str(plf.schema[c]) for c in FLOATS + INTS}))
check("csv and parquet agree", pdf.sort_values("key")["testError"].tolist() == pd.read_parquet(folder / "runs.parquet").sort_values("key")["testError"].tolist())

# Per step: one row per run and step.
steps = pl.read_parquet(folder / "steps.parquet")
check(f"per-step parquet: {len(steps)} rows", len(steps) == expected["stepRows"] and steps.schema["step"] == pl.Int64
      and steps.schema["overlap.singularValues.1"] == pl.Float64)

# The JSON Lines, with the one-liners of the docs.
lines = [json.loads(line) for line in open(folder / "results.jsonl")]
flat = pd.json_normalize(lines)
check("pandas json_normalize: config.kappa is float64", str(flat["config.kappa"].dtype) == "float64", str(flat["config.kappa"].dtype))
nd = pl.read_ndjson(folder / "results.jsonl", infer_schema_length=None).select("key", pl.col("config").struct.unnest(), "testError")
check("polars read_ndjson(infer_schema_length=None): kappa is Float64", nd.schema["kappa"] == pl.Float64, str(nd.schema["kappa"]))
print("readback: all checks passed")
