"""End-to-end tests of the Python side against the real program.

Runs `nanoreach run` ($NANOREACH_BIN) on a small experiment (20,000 people, 50 runs, strategies
nano/micro/mega at equal budget plus 20 random people, models ic and sir) and checks, with
the package reader nanoreach.h5 (python/nanoreach/h5.py):
  - every documented root attribute, /graph, /runs, /summary and /curves/<strategy>/<model> exists;
  - /summary equals the statistics recomputed here from /runs with numpy/pandas (relative 1e-9);
  - cumulative curves end at each run's reach, one curve row per run;
  - --threads 1 and --threads 2 with the same seed give identical /runs, /curves and /summary;
  - the reader copes with a sweep's `point` column and /points table;
  - scripts/plot_reach.py writes a PNG and refuses missing or incomplete files;
Run by ctest (tests/python/CMakeLists.txt sets NANOREACH_BIN, NANOREACH_SCRIPTS); by hand:
    NANOREACH_BIN=build/nanoreach /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
REPO = Path(__file__).resolve().parents[2]
SCRIPTS = Path(os.environ.get("NANOREACH_SCRIPTS", REPO / "scripts")).resolve()
import nanoreach.h5 as nh5  # noqa: E402  (PYTHONPATH: the build tree's python/, set by ctest)

PYTHON = "/usr/bin/python3"
Z95 = 1.959963984540054
RTOL = 1e-9
PEOPLE = 20000
RUNS = 50
SEED = 7
STRATEGIES = ["nano", "micro", "mega", "random"]
MODELS = ["ic", "sir"]
CONFIG = f"""
seed = {SEED}
[graph]
people = {PEOPLE}
[runs]
count = {RUNS}
[model]
kinds = {json.dumps(MODELS)}
[[strategy]]
name = "nano"
kind = "budget"
tier = "nano"
[[strategy]]
name = "micro"
kind = "budget"
tier = "micro"
[[strategy]]
name = "mega"
kind = "budget"
tier = "mega"
[[strategy]]
name = "random"
kind = "random"
k = 20
"""

ROOT_ATTRIBUTES = ["nanoreach_version", "git_revision", "config", "seed", "threads", "mpi_ranks", "host",
                   "start_time", "end_time", "command_line", "complete"]
BY = ["by_seed", "by_ordinary", "by_nano", "by_micro", "by_macro", "by_mega"]
RUNS_COLUMNS = ["strategy", "model", "run", "seeds", "cost", "nominal_reach", "reach", "adopters", "steps",
                *BY, "peak_infected", "examined", "truncated"]
SUMMARY_COLUMNS = ["strategy", "model", "kind", "tier", "budget", "runs", "seeds_mean", "cost_mean",
                   "nominal_reach_mean", "reach_mean", "reach_sd", "reach_se", "reach_ci95_low",
                   "reach_ci95_high", "reach_q05", "reach_q25", "reach_median", "reach_q75", "reach_q95",
                   "reach_max", "adopters_mean", "p_reach_1pct", "p_reach_10pct", "reach_per_1000usd",
                   "adopters_per_1000usd", *[f"share_{b}" for b in BY], "steps_mean", "converged"]
GRAPH_ATTRIBUTES = ["source", "seed", "people", "strong_ties", "audience_edges", "max_degree", "mean_degree",
                    "over_cap", "dunbar_capped", "max_followers", "mean_followers", "clustering",
                    "clustering_se", "clustering_sampled", "clustering_people", "components",
                    "largest_component", "isolated", "build_seconds", "tiers_rule", "tier_thresholds"]
GRAPH_ARRAYS = ["degree_hist", "follower_bin_lo", "follower_hist", "tier_names", "tier_counts",
                "circle_mean_ties"]


# ---------------------------------------------------------------------------------------------
# Fixtures: the program's output, made once per session.

def run_nanoreach(config: Path, out: Path, threads: int) -> None:
    binary = os.environ.get("NANOREACH_BIN")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail(f"NANOREACH_BIN must name the built nanoreach program (got {binary!r}); ctest sets it")
    cmd = [binary, "run", str(config), "--out", str(out), "--threads", str(threads), "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    assert out.is_file()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("nanoreach_py")
    (d / "small.toml").write_text(CONFIG)
    return d


@pytest.fixture(scope="session")
def result(workdir) -> Path:
    out = workdir / "small.h5"
    run_nanoreach(workdir / "small.toml", out, threads=2)
    return out


@pytest.fixture(scope="session")
def result_1thread(workdir) -> Path:
    out = workdir / "small_1thread.h5"
    run_nanoreach(workdir / "small.toml", out, threads=1)
    return out


@pytest.fixture(scope="session")
def runs(result) -> pd.DataFrame:
    return nh5.load_runs(result)


@pytest.fixture(scope="session")
def summary(result) -> pd.DataFrame:
    return nh5.load_summary(result)


def close(actual, expected, what):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=RTOL,
                               atol=0, equal_nan=True, err_msg=what)


# ---------------------------------------------------------------------------------------------
# Layout

def test_root_attributes(result):
    with h5py.File(result, "r") as f:
        missing = [a for a in ROOT_ATTRIBUTES if a not in f.attrs]
        assert not missing, f"missing root attributes {missing}"
        for name in ("/graph", "/runs", "/summary", "/curves"):
            assert isinstance(f[name], h5py.Group), name
    info = nh5.file_info(result)
    for a in ("nanoreach_version", "git_revision", "config", "host", "start_time", "end_time", "command_line"):
        assert isinstance(info[a], str), (a, info[a])
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", info["nanoreach_version"])
    assert info["git_revision"]
    assert info["complete"] is True
    assert info["seed"] == SEED
    assert info["threads"] == 2
    assert info["mpi_ranks"] >= 1
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
    assert re.fullmatch(stamp, info["start_time"]) and re.fullmatch(stamp, info["end_time"])
    assert info["start_time"] <= info["end_time"]
    assert "run" in info["command_line"] and str(result.name) in info["command_line"]


def test_config_attribute(result):
    cfg = nh5.load_config(result)
    assert cfg.text == nh5.file_info(result)["config"]
    assert tomllib.loads(cfg.text) == dict(cfg)
    assert cfg["seed"] == SEED
    assert cfg["graph"]["people"] == PEOPLE
    assert cfg["runs"]["count"] == RUNS
    assert cfg["model"]["kinds"] == MODELS
    assert [s["name"] for s in cfg["strategy"]] == STRATEGIES
    assert cfg.get_key("campaign.virality") == cfg["campaign"]["virality"]
    assert cfg.get_key("no.such.key", "x") == "x"


def test_graph_group(result):
    with h5py.File(result, "r") as f:
        g = f["graph"]
        assert not [a for a in GRAPH_ATTRIBUTES if a not in g.attrs]
        assert not [d for d in GRAPH_ARRAYS if d not in g]
    g = nh5.load_graph(result)
    assert g["people"] == PEOPLE and g["source"] == "dunbar" and g["seed"] == SEED
    assert list(g["tier_names"]) == ["ordinary", "nano", "micro", "macro", "mega"]
    assert g["tiers"].sum() == PEOPLE and list(g["tiers"].index) == list(g["tier_names"])
    assert g["degree_hist"].sum() == PEOPLE
    assert g["follower_hist"].sum() == PEOPLE
    assert len(g["follower_bins"]) == len(g["follower_hist"])
    assert g["max_degree"] <= 150 and g["dunbar_capped"] is True
    close(g["circle_mean_ties"].sum(), g["mean_degree"], "circle ties add up to the mean degree")


def test_runs_table(result, runs):
    with h5py.File(result, "r") as f:
        order = [str(c) for c in f["runs"].attrs["columns"]]
        assert sorted(order + ["row"]) == sorted(f["runs"]), "the columns attribute lists every /runs column"
    assert list(runs.columns) == order
    assert not [c for c in RUNS_COLUMNS if c not in runs.columns]
    assert len(runs) == len(STRATEGIES) * len(MODELS) * RUNS
    assert all(isinstance(s, str) for s in runs["strategy"]) and all(isinstance(m, str) for m in runs["model"])
    assert list(dict.fromkeys(runs["strategy"])) == STRATEGIES
    for (s, m), g in runs.groupby(["strategy", "model"], sort=False):
        assert list(g["run"]) == list(range(RUNS)), (s, m)
    assert (runs["seeds"] == runs["reach"] - runs["adopters"]).all()
    assert (runs[BY].sum(axis=1) == runs["adopters"]).all(), "attribution adds up to the adopters"
    assert (runs["reach"] <= PEOPLE).all() and (runs["seeds"] > 0).all()
    assert runs["truncated"].dtype == bool and not runs["truncated"].any()
    assert (runs.loc[runs["model"] == "ic", "peak_infected"] == 0).all()
    assert (runs.loc[runs["strategy"] == "random", "seeds"] == 20).all()


# ---------------------------------------------------------------------------------------------
# /summary is a pure function of /runs

def recompute_summary(runs: pd.DataFrame, people: int) -> pd.DataFrame:
    keys = (["point"] if "point" in runs.columns else []) + ["strategy", "model"]
    rows = []
    for key, g in runs.groupby(keys, sort=False):
        x = g["reach"].to_numpy(dtype=float)
        n = len(x)
        sd = x.std(ddof=1) if n > 1 else 0.0
        se = sd / np.sqrt(n)
        adopters = g["adopters"].sum()
        row = dict(zip(keys, key))
        row.update(
            runs=n, seeds_mean=g["seeds"].mean(), cost_mean=g["cost"].mean(),
            nominal_reach_mean=g["nominal_reach"].mean(), reach_mean=x.mean(), reach_sd=sd, reach_se=se,
            reach_ci95_low=x.mean() - Z95 * se, reach_ci95_high=x.mean() + Z95 * se,
            reach_q05=np.quantile(x, 0.05), reach_q25=np.quantile(x, 0.25), reach_median=np.quantile(x, 0.5),
            reach_q75=np.quantile(x, 0.75), reach_q95=np.quantile(x, 0.95), reach_max=x.max(),
            adopters_mean=g["adopters"].mean(),
            p_reach_1pct=np.mean(x >= 0.01 * people), p_reach_10pct=np.mean(x >= 0.10 * people),
            reach_per_1000usd=1000 * x.sum() / g["cost"].sum(),
            adopters_per_1000usd=1000 * adopters / g["cost"].sum(),
            steps_mean=g["steps"].mean())
        for b in BY:
            row[f"share_{b}"] = g[b].sum() / adopters if adopters > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def test_summary_columns(result, summary):
    with h5py.File(result, "r") as f:
        order = [str(c) for c in f["summary"].attrs["columns"]]
    assert list(summary.columns) == order
    assert not [c for c in SUMMARY_COLUMNS if c not in summary.columns]
    assert len(summary) == len(STRATEGIES) * len(MODELS)


def test_summary_equals_recomputed(result, runs, summary):
    people = nh5.load_graph(result)["people"]
    want = recompute_summary(runs, people)
    keys = ["strategy", "model"]
    assert summary[keys].values.tolist() == want[keys].values.tolist(), "rows in order of first appearance"
    for c in want.columns:
        if c in keys:
            continue
        close(summary[c], want[c], f"/summary column {c}")
    assert summary["runs"].eq(RUNS).all()
    assert summary["converged"].dtype == bool and not summary["converged"].any()  # runs.target = 0


def test_summary_strategy_facts(result, summary):
    cfg = nh5.load_config(result)
    spec = {s["name"]: s for s in cfg["strategy"]}
    for r in summary.itertuples():
        s = spec[r.strategy]
        assert r.kind == s["kind"] and r.tier == s["tier"]
        budget = (s["budget"] if s["budget"] >= 0 else cfg["campaign"]["budget"]) if s["kind"] == "budget" else 0
        assert r.budget == budget, r
        if s["kind"] == "budget":
            assert r.cost_mean <= budget


# ---------------------------------------------------------------------------------------------
# /curves

def test_curves_end_at_reach(result, runs):
    groups = nh5.curve_groups(result)
    assert list(groups) == STRATEGIES
    for s in STRATEGIES:
        assert groups[s] == ["ic", "sir", "sir_infected"], groups[s]
        for m in MODELS:
            rows = runs[(runs["strategy"] == s) & (runs["model"] == m)]
            per_step = nh5.load_curves(result, s, m, cumulative=False)
            cum = nh5.load_curves(result, s, m)
            assert len(cum) == len(rows) == RUNS, (s, m)
            assert list(cum.index) == list(rows["run"]) and cum.index.name == "run"
            assert cum.shape[1] == rows["steps"].max() + 1, "one column per step 0..steps"
            assert (per_step.to_numpy() >= 0).all()
            np.testing.assert_array_equal(cum.to_numpy(), np.cumsum(per_step.to_numpy(), axis=1))
            np.testing.assert_array_equal(cum.iloc[:, -1], rows["reach"], err_msg=f"{s}/{m}: last = reach")
            np.testing.assert_array_equal(cum.to_numpy()[np.arange(RUNS), rows["steps"]], rows["reach"],
                                          err_msg=f"{s}/{m}: reach reached at step `steps`")
            np.testing.assert_array_equal(per_step[0], rows["seeds"], err_msg=f"{s}/{m}: step 0 = seeds")
        infected = nh5.load_curves(result, s, "sir_infected")
        sir = runs[(runs["strategy"] == s) & (runs["model"] == "sir")]
        assert len(infected) == len(sir)
        np.testing.assert_array_equal(infected.max(axis=1), sir["peak_infected"])


def test_curves_errors(result):
    with pytest.raises(KeyError, match="curves stored"):
        nh5.load_curves(result, "nobody")
    with pytest.raises(KeyError, match="not a sweep"):
        nh5.load_curves(result, "nano", point=0)
    with pytest.raises(FileNotFoundError):
        nh5.load_runs(result.with_name("missing.h5"))
    assert nh5.load_points(result) is None


# ---------------------------------------------------------------------------------------------
# Thread-count independence

def test_threads_give_identical_results(result, result_1thread):
    assert nh5.file_info(result_1thread)["threads"] == 1
    pd.testing.assert_frame_equal(nh5.load_runs(result), nh5.load_runs(result_1thread))
    pd.testing.assert_frame_equal(nh5.load_summary(result), nh5.load_summary(result_1thread))
    with h5py.File(result, "r") as a, h5py.File(result_1thread, "r") as b:
        assert list(a["curves"]) == list(b["curves"])
        for s in a["curves"]:
            assert list(a["curves"][s]) == list(b["curves"][s])
            for m in a["curves"][s]:
                x, y = a["curves"][s][m], b["curves"][s][m]
                assert x.dtype == y.dtype and x.shape == y.shape, f"{s}/{m}"
                np.testing.assert_array_equal(x[()], y[()], err_msg=f"/curves/{s}/{m}")
    ga, gb = nh5.load_graph(result), nh5.load_graph(result_1thread)
    for k in ga:
        if k in ("build_seconds", "tiers", "follower_bins"):
            continue
        np.testing.assert_array_equal(ga[k], gb[k], err_msg=f"/graph {k}")


# ---------------------------------------------------------------------------------------------
# Sweep files: a `point` column in /runs and /summary, and a /points table

def test_reader_with_point_column(result, tmp_path):
    sweep = tmp_path / "sweep_like.h5"
    shutil.copy(result, sweep)
    with h5py.File(sweep, "r+") as f:
        for table in ("runs", "summary"):
            g = f[table]
            n = len(g["strategy"])
            g.create_dataset("point", data=np.zeros(n, dtype=np.int64))
            g.attrs["columns"] = ["point"] + [str(c) for c in g.attrs["columns"]]
        p = f.create_group("points")
        p.create_dataset("point", data=np.array([0], dtype=np.int64))
        p.create_dataset("campaign.virality", data=np.array([0.05]))
        p.attrs["columns"] = ["point", "campaign.virality"]
    runs = nh5.load_runs(sweep)
    assert list(runs.columns)[0] == "point"
    assert list(nh5.load_summary(sweep).columns)[0] == "point"
    points = nh5.load_points(sweep)
    assert list(points.columns) == ["point", "campaign.virality"] and len(points) == 1
    cum = nh5.load_curves(sweep, "mega", "ic")
    assert cum.index.names == ["point", "run"]
    one = nh5.load_curves(sweep, "mega", "ic", point=0)
    assert one.index.name == "run"
    pd.testing.assert_frame_equal(one, nh5.load_curves(result, "mega", "ic"))
    people = nh5.load_graph(sweep)["people"]
    want = recompute_summary(runs, people)
    close(nh5.load_summary(sweep)["reach_mean"], want["reach_mean"], "reach_mean with a point column")


# ---------------------------------------------------------------------------------------------
# scripts: __main__ of the reader, plot_reach.py

def run_script(*args, cwd=None):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return subprocess.run([PYTHON, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def test_reader_main_prints_summary(result):
    r = run_script("-m", "nanoreach.h5", result)
    assert r.returncode == 0, r.stderr
    assert "complete   yes" in r.stdout
    for s in STRATEGIES:
        assert s in r.stdout


def test_plot_reach_writes_png(result, tmp_path):
    for model in MODELS:
        out = tmp_path / f"reach_{model}.png"
        r = run_script(SCRIPTS / "plot_reach.py", result, "-o", out, "--model", model)
        assert r.returncode == 0, r.stderr
        data = out.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000, (model, len(data))


def test_plot_reach_headline_tiers_and_labels(result, summary):
    """What plot_reach writes into the figure: the nano / mega ratio with its delta-method CI, the
    tier thresholds /graph holds, and curve labels that never sit closer than the gap asked for."""
    sys.path.insert(0, str(SCRIPTS))
    import plot_reach
    ic = summary[summary["model"] == "ic"]
    ratio, low, high = plot_reach._ratio(ic, "nano", "mega")
    n, m = ic[ic.strategy == "nano"].iloc[0], ic[ic.strategy == "mega"].iloc[0]
    assert ratio == pytest.approx(n.reach_mean / m.reach_mean, rel=1e-12)
    se = np.sqrt((n.reach_se / n.reach_mean) ** 2 + (m.reach_se / m.reach_mean) ** 2)
    assert np.log(high / ratio) == pytest.approx(Z95 * se) and np.log(ratio / low) == pytest.approx(Z95 * se)
    assert plot_reach._ratio(ic, "nano", "no such tier") is None
    with h5py.File(result, "r") as f:
        th = [int(x) for x in f["graph"].attrs["tier_thresholds"]]
    text = plot_reach._tiers_text(nh5.load_graph(result))
    assert text.startswith("tiers (automatic): ") and f"mega >= {th[3]:,}" in text and f"nano >= {th[0]:,}" in text
    y = plot_reach._spread_labels([100, 101, 0, 5000, 102], 10000, 0.05)
    order = np.sort(y)
    assert np.all(np.diff(order) >= 500 - 1e-9) and y[3] == 5000 and y.min() >= 300


def test_plot_reach_refuses_bad_input(result, tmp_path):
    r = run_script(SCRIPTS / "plot_reach.py", tmp_path / "missing.h5", "-o", tmp_path / "x.png")
    assert r.returncode != 0 and "no such file" in r.stderr
    incomplete = tmp_path / "incomplete.h5"
    shutil.copy(result, incomplete)
    with h5py.File(incomplete, "r+") as f:
        f.attrs["complete"] = np.bool_(False)
    r = run_script(SCRIPTS / "plot_reach.py", incomplete, "-o", tmp_path / "x.png")
    assert r.returncode != 0 and "incomplete" in r.stderr
    assert not (tmp_path / "x.png").exists()
    r = run_script(SCRIPTS / "plot_reach.py", result, "-o", tmp_path / "x.png", "--model", "threshold")
    assert r.returncode != 0 and "threshold" in r.stderr
