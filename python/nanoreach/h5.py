"""Reads nanoreach result files (HDF5) into pandas: runs, summary, curves, config, graph, points.

Needs only h5py, numpy and pandas (Debian 12: python3-h5py, python3-numpy, python3-pandas).

Layout of a file written by `nanoreach run` (include/nanoreach/sim/results.hpp and layout.hpp are
the reference; every dataset carries a `description` attribute, and `units` where it has one):

    /                  attributes: nanoreach_version, git_revision, config (the TOML after
                       overrides), seed, threads, mpi_ranks, host, start_time, end_time,
                       command_line, complete (False while running, or if interrupted: then the
                       file is still called OUT.h5.partial)
    /graph             graph statistics as attributes (people, strong_ties, clustering, ...) and
                       1-D datasets (degree_hist, follower_bin_lo, follower_hist, tier_names,
                       tier_counts, circle_mean_ties); with output.save_graph also the CSR
                       arrays in /graph/strong, /graph/audience, /graph/tier (nanoreach.Graph.load
                       reads them); offsets are int64 (uint64 in older files)
    /runs              a table: one row per run (strategy, model, run, seeds, cost, reach,
                       adopters, by_seed, by_ordinary .. by_mega, steps, ...)
    /summary           a table: one row per (strategy, model), statistics of /runs
    /curves/<strategy>/<model>
                       uint32 matrix, runs x steps: people who adopted AT step t (column 0 = the
                       seeds), zero-padded after each run's last step; row i belongs to the i-th
                       row of /runs with that strategy and model
    /curves/<strategy>/sir_infected
                       the same for model sir: people infectious at step t
    /points            sweeps only: one row per sweep point; /runs and /summary then carry a
                       `point` column and curves rows run over all points in /runs order

A "table" is a group of equal-length 1-D datasets, one per column; its attribute "columns" gives
the column order. Its `row` dataset (0..n-1) is the HDF5 dimension scale of every column, and each
curve matrix <m> has scales <m>_run and <m>_step beside it, so xarray reads any of these groups
(`xarray.open_dataset(path, group="runs", engine="h5netcdf")`); scales are not columns and not
curves here. Strings are variable-length UTF-8: h5py 3 returns string DATASETS as bytes, so this
module decodes them (xarray with h5netcdf does too). Booleans written as h5py's enum arrive as
numpy.bool_; the 0/1 uint8 flag columns `truncated` (runs) and `converged` (summary) are turned
into bool here.

Every function takes the file's path and opens it read-only for the duration of the call only
(HDF5 locks open files, so do not keep a file open while `nanoreach` writes it).

    /usr/bin/python3 -m nanoreach.h5 RESULT.h5    prints the file's facts and summary table
"""
from __future__ import annotations

import os
import sys
import tomllib

import h5py
import numpy as np
import pandas as pd

__all__ = [
    "ResultConfig",
    "file_info",
    "load_config",
    "load_curves",
    "load_graph",
    "load_points",
    "load_runs",
    "load_summary",
    "read_table",
    "curve_groups",
]

# 0/1 uint8 columns that mean yes/no.
_FLAG_COLUMNS = ("truncated", "converged")


def _open(path) -> h5py.File:
    """Opens `path` read-only, with an error that names the file (and a .partial sibling)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        hint = ""
        if os.path.exists(path + ".partial"):
            hint = f" (an unfinished run left {path}.partial; pass that file to read what finished)"
        raise FileNotFoundError(f"{path}: no such file{hint}")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise OSError(f"{path}: not a readable HDF5 file ({e})") from e


def _python_value(v):
    """numpy scalars -> Python scalars, string arrays -> lists of str; other arrays unchanged."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray) and v.dtype == object:
        return [x.decode("utf-8") if isinstance(x, bytes) else x for x in v]
    return v


def _dataset(ds: h5py.Dataset) -> np.ndarray:
    """A dataset's values; strings as str (object array)."""
    if h5py.check_string_dtype(ds.dtype) is not None:
        return ds.asstr()[()]
    return ds[()]


def read_table(group: h5py.Group) -> pd.DataFrame:
    """A nanoreach table (group of equal-length 1-D columns) as a DataFrame, in column order.

    Strings become str; 0/1 uint8 columns named truncated/converged become bool.
    """
    names = group.attrs.get("columns")
    if names is not None:
        names = [_python_value(n) for n in names]
    else:
        names = [n for n, ds in group.items() if isinstance(ds, h5py.Dataset) and not _is_scale(ds)]
    data = {}
    for name in names:
        v = _dataset(group[name])
        if name in _FLAG_COLUMNS and v.dtype == np.uint8 and np.all(v <= 1):
            v = v.astype(bool)
        data[name] = v
    lengths = {len(v) for v in data.values()}
    if len(lengths) > 1:
        raise ValueError(f"{group.file.filename}:{group.name}: columns of unequal length {sorted(lengths)}")
    return pd.DataFrame(data)


def _table(path, name: str) -> pd.DataFrame:
    with _open(path) as f:
        if name not in f:
            raise KeyError(f"{os.fspath(path)}: has no /{name}"
                           + (" (the run finished no work yet)" if name in ("runs", "summary") else ""))
        return read_table(f[name])


def load_runs(path) -> pd.DataFrame:
    """/runs: one row per run, columns in file order (`point` first in sweeps), strings as str.

    The index is the row number in /runs. Reach counts every person active at the end, seeds
    included; adopters = reach - seeds; by_* count adopters by who activated them.
    """
    return _table(path, "runs")


def load_summary(path) -> pd.DataFrame:
    """/summary: one row per (strategy, model) (per point, strategy, model in sweeps)."""
    return _table(path, "summary")


def load_points(path) -> pd.DataFrame | None:
    """/points of a sweep file (one row per point), or None for a file without sweep points."""
    with _open(path) as f:
        if "points" not in f:
            return None
        obj = f["points"]
        if isinstance(obj, h5py.Group):
            return read_table(obj)
        return pd.DataFrame(_dataset(obj))  # a compound or plain dataset, should a writer choose one


def _is_scale(ds) -> bool:
    """True for a dimension scale (the axis labels `row`, `<m>_run`, `<m>_step`)."""
    return ds.attrs.get("CLASS") in (b"DIMENSION_SCALE", "DIMENSION_SCALE")


def _curves_in(group: h5py.Group) -> list[str]:
    """The curve matrices of /curves/<strategy>, in file order, without their axis scales."""
    return [m for m, ds in group.items() if isinstance(ds, h5py.Dataset) and not _is_scale(ds)]


def curve_groups(path) -> dict[str, list[str]]:
    """{strategy: [model, ...]} for every matrix under /curves (sir_infected included)."""
    with _open(path) as f:
        if "curves" not in f:
            return {}
        return {s: _curves_in(f["curves"][s]) for s in f["curves"]}


def load_curves(path, strategy: str, model: str = "ic", cumulative: bool = True,
                point: int | None = None) -> pd.DataFrame:
    """Adoption curves of one strategy under one model: a DataFrame runs x steps.

    The file stores people who adopted AT step t (column 0: the seeds), zero-padded after each
    run's end. cumulative=True returns the running sum: people reached by step t, which after a
    run's end stays at its reach. model="sir_infected" gives people infectious at step t (model
    sir's rows; never summed, `cumulative` is ignored).

    Rows follow that strategy and model's rows of /runs: the index is `run` (or (`point`, `run`)
    when /runs has a point column); point=N keeps the rows of sweep point N only. Columns are the
    steps 0, 1, 2, ... (name "step").
    """
    p = os.fspath(path)
    runs_model = "sir" if model == "sir_infected" else model
    with _open(path) as f:
        key = f"curves/{strategy}/{model}"
        if key not in f:
            have = {s: _curves_in(f["curves"][s]) for s in f["curves"]} if "curves" in f else {}
            if not have:
                raise KeyError(f"{p}: has no /curves (written with output.curves = false?)")
            raise KeyError(f"{p}: has no /{key}; curves stored: "
                           + ", ".join(f"{s}/{m}" for s, ms in have.items() for m in ms))
        matrix = f[key][()].astype(np.int64)
        runs = read_table(f["runs"])
    sel = (runs["strategy"] == strategy) & (runs["model"] == runs_model)
    rows = runs.loc[sel]
    if len(rows) != matrix.shape[0]:
        raise ValueError(f"{p}: /{key} has {matrix.shape[0]} rows but /runs has {len(rows)} rows "
                         f"of strategy {strategy!r}, model {runs_model!r}")
    if "point" in rows.columns:
        index = pd.MultiIndex.from_frame(rows[["point", "run"]])
    else:
        index = pd.Index(rows["run"].to_numpy(), name="run")
    if cumulative and model != "sir_infected":
        matrix = np.cumsum(matrix, axis=1)
    df = pd.DataFrame(matrix, index=index, columns=pd.RangeIndex(matrix.shape[1], name="step"))
    if point is not None:
        if "point" not in rows.columns:
            raise KeyError(f"{p}: not a sweep file (no point column in /runs), so point={point} means nothing")
        df = df.xs(point, level="point")
    return df


class ResultConfig(dict):
    """The experiment's configuration as a dict (parsed with tomllib); `.text` is the raw TOML."""

    text: str = ""

    def get_key(self, dotted: str, default=None):
        """A value by dotted key, e.g. get_key("campaign.virality")."""
        node = self
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


def load_config(path) -> ResultConfig:
    """The root attribute `config` (complete TOML after overrides) parsed into a dict.

    The raw text is `.text`; strategies are the list under "strategy".
    """
    with _open(path) as f:
        if "config" not in f.attrs:
            raise KeyError(f"{os.fspath(path)}: has no root attribute 'config'")
        text = _python_value(f.attrs["config"])
    cfg = ResultConfig(tomllib.loads(text))
    cfg.text = text
    return cfg


def load_graph(path, graph=None) -> dict:
    """/graph (or, in a sweep file, /graphs/<graph>; /points says which graph a point used): every
    attribute as a Python value and every 1-D dataset directly in the group as an array.

    Adds "tiers": a Series of tier_counts indexed by tier_names, and "follower_bins": a DataFrame
    (lo, count) of the follower histogram. Saved CSR arrays (subgroups) are left out.
    """
    with _open(path) as f:
        name = "graph" if graph is None else f"graphs/{int(graph)}"
        if graph is None and "graph" not in f and "graphs" in f:
            raise KeyError(f"{os.fspath(path)}: a sweep file keeps one graph per /graphs/<g>; "
                           f"pass graph= (one of {sorted(f['graphs'].keys(), key=int)})")
        if name not in f:
            raise KeyError(f"{os.fspath(path)}: has no /{name}")
        g = f[name]
        out = {k: _python_value(v) for k, v in g.attrs.items()}
        for name, obj in g.items():
            if isinstance(obj, h5py.Dataset) and obj.ndim == 1:
                out[name] = _dataset(obj)
    if "tier_names" in out and "tier_counts" in out:
        out["tiers"] = pd.Series(out["tier_counts"], index=list(out["tier_names"]), name="people")
    if "follower_bin_lo" in out and "follower_hist" in out:
        out["follower_bins"] = pd.DataFrame({"lo": out["follower_bin_lo"], "count": out["follower_hist"]})
    return out


def file_info(path) -> dict:
    """The root attributes as Python values (complete as bool, seed/threads as int, config as text)."""
    with _open(path) as f:
        info = {k: _python_value(v) for k, v in f.attrs.items()}
    if "complete" in info:
        info["complete"] = bool(info["complete"])
    return info


def _fmt(x: float) -> str:
    """Thousands with separators and one decimal; small numbers with four significant digits."""
    return f"{x:,.1f}" if abs(x) >= 100 else f"{x:.4g}"


def _main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python3 -m nanoreach.h5 RESULT.h5   (prints the file's facts and its summary table)",
              file=sys.stderr)
        return 2
    path = argv[0]
    try:
        info = file_info(path)
        summary = load_summary(path)
    except (OSError, KeyError, ValueError) as e:
        print(f"nanoreach.h5: {e}", file=sys.stderr)
        return 1
    print(f"file       {path}")
    print(f"nanoreach  {info.get('nanoreach_version', '?')} ({info.get('git_revision', '?')})")
    print(f"complete   {'yes' if info.get('complete') else 'NO'}")
    print(f"seed       {info.get('seed', '?')}, {info.get('threads', '?')} threads, "
          f"{info.get('mpi_ranks', '?')} MPI ranks")
    print(f"run        {info.get('start_time', '?')} .. {info.get('end_time', '?')} on {info.get('host', '?')}")
    try:
        g = load_graph(path)
        print(f"graph      {g.get('source', '?')}: {g.get('people', 0):,} people")
    except KeyError:
        pass
    cols = [c for c in ("point", "strategy", "model", "runs", "seeds_mean", "cost_mean", "reach_mean",
                        "reach_ci95_low", "reach_ci95_high", "reach_per_1000usd", "share_by_ordinary")
            if c in summary.columns]
    with pd.option_context("display.width", 200, "display.max_columns", None,
                           "display.float_format", _fmt):
        print()
        print(summary[cols].to_string(index=False) if len(summary) else "(no finished runs)")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
