#!/usr/bin/python3
"""Checks that h5py and pandas read what nanoreach's HDF5 layer (include/nanoreach/io/h5.hpp) writes.

Run by the Catch2 test "h5: h5py and pandas read tables, arrays and attributes"
(tests/io/test_h5.cpp), which writes the file and calls `/usr/bin/python3 test_h5_python.py FILE`.
The expected values mirror sample_table() and the attributes written there. Exit status 0 = pass;
any failed check raises AssertionError with the value seen.

Encodings checked: strings are variable-length UTF-8 (attributes -> str, datasets -> bytes unless
.asstr()); bool is h5py's own enum (FALSE=0, TRUE=1 over int8) -> numpy.bool_; a table is a group of
equal-length 1-D datasets whose iteration order and "columns" attribute give the column order.
"""
import sys

import h5py
import numpy as np
import pandas as pd

UNICODE = "Grüße, 世界 — ñ 🙂"
U64_MAX = 2**64 - 1


def expected_table(first, rows):
    ks = range(first, first + rows)
    return {
        "z_i64": np.array([-k * 1000000007 for k in ks], dtype=np.int64),
        "u64": np.array([U64_MAX - k for k in ks], dtype=np.uint64),
        "i32": np.array([k - 5 for k in ks], dtype=np.int32),
        "u8": np.array([k % 256 for k in ks], dtype=np.uint8),
        "d": np.array([0.5 * k for k in ks], dtype=np.float64),
        "s": [UNICODE if k % 3 == 0 else f"row {k}" for k in ks],
    }


def read_table(g):
    """The recommended reader: stated column order, strings as str."""
    return pd.DataFrame({k: (g[k].asstr()[()] if h5py.check_string_dtype(g[k].dtype) else g[k][()])
                         for k in g.attrs["columns"]})


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def main(path):
    with h5py.File(path, "r") as f:
        a = f.attrs
        check(isinstance(a["name"], str) and a["name"] == UNICODE, f"name: {a['name']!r}")
        check(a["seed"] == 42 and a["seed"].dtype == np.int64, f"seed: {a['seed']!r}")
        check(a["big"] == U64_MAX and a["big"].dtype == np.uint64, f"big: {a['big']!r}")
        check(a["beta"] == 0.125, f"beta: {a['beta']!r}")
        check(isinstance(a["yes"], np.bool_) and a["yes"], f"yes: {a['yes']!r}")
        check(isinstance(a["no"], np.bool_) and not a["no"], f"no: {a['no']!r}")
        check(a["yes"] == True and bool(a["no"]) is False, "bool comparisons")  # noqa: E712
        check(np.array_equal(a["grid"], [0.1, 0.2]), f"grid: {a['grid']!r}")
        check(a["ids"].dtype == np.int64 and list(a["ids"]) == [-1, 2], f"ids: {a['ids']!r}")
        check(list(a["labels"]) == ["a", UNICODE], f"labels: {a['labels']!r}")

        g = f["/curves/nano"]
        want = expected_table(0, 7)
        names = list(want)
        check(list(g) == names, f"iteration order: {list(g)}")
        check(list(g.attrs["columns"]) == names, f"columns attribute: {g.attrs['columns']!r}")

        # The plain recipe: numbers as they are, strings as bytes.
        df = pd.DataFrame({k: g[k][()] for k in g})
        check(list(df.columns) == names, f"columns: {list(df.columns)}")
        check(len(df) == 7, f"rows: {len(df)}")
        for k in names[:-1]:
            check(df[k].dtype == want[k].dtype, f"{k} dtype {df[k].dtype}")
            check(np.array_equal(df[k].to_numpy(), want[k]), f"{k}: {df[k].to_numpy()!r}")
        check(all(isinstance(x, bytes) for x in df["s"]), f"s raw: {df['s'].tolist()!r}")
        check([x.decode("utf-8") for x in df["s"]] == want["s"], f"s decoded: {df['s'].tolist()!r}")
        check(h5py.check_string_dtype(g["s"].dtype).encoding == "utf-8", "s encoding")

        # The recommended recipe: strings as str.
        df = read_table(g)
        check(df["s"].tolist() == want["s"], f"s asstr: {df['s'].tolist()!r}")
        check(df["u64"].iloc[0] == U64_MAX, "u64 max survives pandas")

        # Chunked, compressed, extensible columns.
        ds = g["d"]
        check(ds.maxshape == (None,) and ds.chunks is not None and ds.compression == "gzip"
              and ds.compression_opts == 4, f"column layout {ds.maxshape} {ds.chunks} {ds.compression}")

        e = read_table(f["/curves/empty"])
        check(list(e.columns) == names and len(e) == 0, f"empty table: {e!r}")

        check(np.array_equal(f["/graph/offsets"][()], [0, 2, 5])
              and f["/graph/offsets"].dtype == np.uint32, "offsets")
        check(list(f["/graph/names"].asstr()[()]) == ["x", UNICODE], "names")

        m = f["/m"]
        check(m.shape == (3, 2) and m.maxshape == (None, None), f"matrix shape {m.shape} {m.maxshape}")
        check(np.array_equal(m[()], [[1, 2], [3, 4], [5, 6]]), f"matrix {m[()]!r}")
    print("h5py/pandas check passed:", path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: test_h5_python.py FILE.h5 (written by tests/io/test_h5.cpp)")
    main(sys.argv[1])
