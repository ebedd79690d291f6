"""Tests of the Python package nanoreach (python/nanoreach, bindings sim/python) against the program.

  - import after `pip install --no-build-isolation --no-index .` into a venv in the build tree;
  - experiments as dict, TOML text and file give the same configuration; graphs from keys, networkx,
    scipy and edge arrays round-trip, and an in-memory directed edge list equals the program's reading
    of the same edges from a file;
  - nanoreach.run(...).save(path) holds exactly the datasets and deterministic attributes of
    `nanoreach run` on the same experiment and seed (also with a prebuilt Graph, and on 1 thread);
  - nanoreach.cascade gives the reach and curve of the engine's run for the same seeds, key and run;
  - errors are nanoreach.ConfigError / InputError with the program's message;
  - any HDF5 tool reads a result file: xarray + h5netcdf without phony_dims, pandas one-liners, a
    description on every dataset, int64 offsets (and old uint64 files still load); CSV export.
ctest sets NANOREACH_BIN, NANOREACH_BUILD (the CMake build tree), NANOREACH_SOURCE and PYTHONPATH
(build/python). About 30 s on 2 cores.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

sys.dont_write_bytecode = True
import nanoreach as nr  # noqa: E402

PYTHON = "/usr/bin/python3"
BIN = os.environ.get("NANOREACH_BIN")
BUILD = os.environ.get("NANOREACH_BUILD")
SOURCE = Path(os.environ.get("NANOREACH_SOURCE", Path(__file__).resolve().parents[2]))
SEED = 11
PEOPLE = 4000

EXPERIMENT = f"""
seed = 3
[graph]
people = {PEOPLE}
[runs]
count = 30
[model]
kinds = ["ic", "sir", "threshold"]
[[strategy]]
name = "nano"
kind = "budget"
tier = "nano"
[[strategy]]
name = "mega"
kind = "budget"
tier = "mega"
[[strategy]]
name = "top"
kind = "top_followers"
k = 5
"""
EXPERIMENT_DICT = {
    "seed": 3,
    "graph": {"people": PEOPLE},
    "runs": {"count": 30},
    "model": {"kinds": ["ic", "sir", "threshold"]},
    "strategy": [{"name": "nano", "kind": "budget", "tier": "nano"},
                 {"name": "mega", "kind": "budget", "tier": "mega"},
                 {"name": "top", "kind": "top_followers", "k": 5}],
}
# Root attributes that say when, where and how a file was written, and the graph's build time.
UNDETERMINED = {"/": {"start_time", "end_time", "host", "command_line"}, "/graph": {"build_seconds"}}
GRAPH_ARRAYS = ["degree", "followers", "tier", "strong_offsets", "strong_targets", "strong_circle",
                "audience_offsets", "audience_targets"]


def program(*args, check=True):
    if not BIN:
        pytest.fail("NANOREACH_BIN must name the nanoreach program (ctest sets it)")
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=600)
    if check:
        assert r.returncode == 0, f"{args}: {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("package")
    (d / "exp.toml").write_text(EXPERIMENT)
    return d


@pytest.fixture(scope="module")
def program_file(work):
    out = work / "program.h5"
    program("run", work / "exp.toml", "--out", out, "--seed", SEED, "--threads", 2, "--quiet")
    return out


@pytest.fixture(scope="module")
def graph():
    return nr.Graph(EXPERIMENT_DICT, seed=SEED)


def contents(path):
    """{object path: (kind, dtype, shape, bytes or value)} of every dataset and attribute."""
    out = {}
    with h5py.File(path, "r") as f:
        def attrs(name, obj):
            for k, v in obj.attrs.items():
                if k in UNDETERMINED.get(name, ()):
                    continue
                if k in ("DIMENSION_LIST", "REFERENCE_LIST"):  # object references: compare what they name
                    v = [[f[r].name for r in refs] for refs in v] if k == "DIMENSION_LIST" else sorted(
                        f[r[0]].name for r in v)
                out[f"{name}@{k}"] = ("attr", repr(v))

        attrs("/", f)

        def visit(name, obj):
            name = "/" + name
            attrs(name, obj)
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                blob = data.tobytes() if data.dtype != object else repr(list(data))
                out[name] = ("dataset", str(obj.dtype), obj.shape, blob)
            else:
                out[name] = ("group",)

        f.visititems(visit)
    return out


def assert_same_file(a, b):
    ca, cb = contents(a), contents(b)
    assert sorted(ca) == sorted(cb), f"objects differ: {sorted(set(ca) ^ set(cb))}"
    differ = [k for k in ca if ca[k] != cb[k]]
    assert not differ, f"{len(differ)} objects differ, e.g. {differ[:5]}"


# ---------------------------------------------------------------------------------------------
# Installation

def test_pip_install_into_a_venv_and_import(tmp_path):
    """pip from the checkout, without network or build isolation, into a venv beside the build tree;
    the extension comes from the existing CMake build (NANOREACH_CMAKE_BUILD_DIR) to save a compile."""
    if not BUILD:
        pytest.fail("NANOREACH_BUILD must name the CMake build tree (ctest sets it)")
    venv = Path(BUILD) / "pip-test-venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = dict(os.environ, NANOREACH_CMAKE_BUILD_DIR=BUILD, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    r = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-build-isolation", "--no-index",
                        str(SOURCE)], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    code = ("import nanoreach as nr, sys; g = nr.Graph({'graph': {'people': 500}}); "
            "print(nr.__file__); print(g.people, nr.__version__)")
    r = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    where, facts = r.stdout.splitlines()
    assert Path(where).resolve().is_relative_to(venv.resolve()), where
    assert facts.split()[0] == "500" and facts.split()[1] == nr.__version__
    shutil.rmtree(venv, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Experiments and graphs

def test_dict_text_and_file_give_the_same_experiment(work):
    from_text = nr.experiment_toml(EXPERIMENT)
    assert nr.experiment_toml(EXPERIMENT_DICT) == from_text
    assert nr.experiment_toml(work / "exp.toml") == from_text
    assert nr.experiment_toml(str(work / "exp.toml"), seed=5) == nr.experiment_toml(dict(EXPERIMENT_DICT, seed=5))
    # the complete TOML parses back to itself
    assert nr.experiment_toml(from_text) == from_text


def test_graph_from_keys_is_the_programs_graph(work, graph):
    saved = work / "graph.h5"
    program("graph", work / "exp.toml", "--seed", SEED, "--out", saved, "--save-graph", "--quiet")
    loaded = nr.Graph.load(saved)
    for a in GRAPH_ARRAYS:
        np.testing.assert_array_equal(getattr(loaded, a), getattr(graph, a), err_msg=a)
    assert graph.people == PEOPLE and graph.strong_offsets.dtype == np.int64
    assert int(graph.degree.sum()) == 2 * graph.stats["strong_ties"] and graph.degree.max() <= 150
    np.testing.assert_array_equal(graph.degree, np.diff(graph.strong_offsets))
    np.testing.assert_array_equal(graph.followers, np.diff(graph.audience_offsets))
    assert list(graph.tiers) == graph.stats["tier_counts"] and graph.tiers.sum() == PEOPLE
    with h5py.File(saved, "r") as f:
        assert f["graph/strong/offsets"].dtype == np.int64 and f["graph/audience/offsets"].dtype == np.int64
        assert "follower" in f["graph"].attrs["audience_direction"]
        assert "follower" in f["graph/audience"].attrs["direction"]
        # numpy's idiom works on the file as it is
        rows = np.repeat(np.arange(PEOPLE), np.diff(f["graph/strong/offsets"][()]))
        assert len(rows) == len(f["graph/strong/targets"])


def test_arrays_are_views_not_copies(graph):
    a, b = graph.strong_targets, graph.strong_targets
    assert not a.flags.owndata and not a.flags.writeable
    assert a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    with pytest.raises(ValueError):
        a[0] = 1


def test_old_files_with_uint64_offsets_still_load(work, graph):
    old = work / "old_graph.h5"
    shutil.copy(work / "graph.h5", old)
    with h5py.File(old, "r+") as f:
        for layer in ("strong", "audience"):
            o = f[f"graph/{layer}/offsets"][()]
            del f[f"graph/{layer}/offsets"]
            f[f"graph/{layer}/offsets"] = o.astype(np.uint64)
    loaded = nr.Graph.load(old)
    np.testing.assert_array_equal(loaded.strong_offsets, graph.strong_offsets)
    np.testing.assert_array_equal(loaded.audience_targets, graph.audience_targets)


def distinct_pairs(graph):
    """(u, v) pairs of either layer, each once: a uniform follower may also be a friend or listed twice
    (the audience model allows it), which a simple directed graph stores once."""
    n = PEOPLE
    su = np.repeat(np.arange(n), np.diff(graph.strong_offsets))
    au = np.repeat(np.arange(n), np.diff(graph.audience_offsets))
    keys = np.concatenate([su * n + graph.strong_targets.astype(np.int64), au * n + graph.audience_targets.astype(np.int64)])
    return np.unique(keys)


def test_implicit_graph_from_python():
    """An implicit graph from Python: degrees and followers equal the stored graph's (filled on first
    use), a run gives the stored graph's runs, and the CSR arrays are refused naming graph.storage."""
    keys = {"seed": 5, "graph": {"people": 4000}, "runs": {"count": 6},
            "strategy": [{"name": "nano", "kind": "budget", "tier": "nano"}]}
    ex = nr.Graph(keys)
    im = nr.Graph({**keys, "graph": {"people": 4000, "storage": "implicit"}})
    assert np.array_equal(im.degree, ex.degree) and np.array_equal(im.followers, ex.followers)
    assert np.array_equal(im.tier, ex.tier)
    a = nr.run(keys).runs
    b = nr.run({**keys, "graph": {"people": 4000, "storage": "implicit"}}).runs
    pd.testing.assert_frame_equal(a, b)
    for export in (im.to_scipy, im.to_networkx):
        with pytest.raises(nr.ConfigError, match="graph.storage"):
            export()


def test_networkx_round_trip(graph):
    G = graph.to_networkx()
    assert G.number_of_nodes() == PEOPLE
    assert G.number_of_edges() == len(distinct_pairs(graph))
    back = nr.Graph.from_networkx(G, experiment=EXPERIMENT_DICT, seed=SEED)
    # Back from networkx the strong ties are the reciprocated pairs, the rest audience (the edge-list
    # rule): the strong layer comes back whole, the audience as the one-way pairs.
    for a in ("strong_offsets", "strong_targets", "strong_circle"):
        np.testing.assert_array_equal(getattr(back, a), getattr(graph, a), err_msg=a)
    assert back.stats["audience_edges"] == len(distinct_pairs(graph)) - 2 * graph.stats["strong_ties"]
    assert back.stats["source"] == "networkx"


def test_networkx_rule_matches_the_edge_list_reader(work):
    """A directed networkx graph follows the program's directed edge-list rule, edge for edge."""
    import networkx as nx
    rng = np.random.default_rng(5)
    edges = rng.integers(0, 300, size=(3000, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    edges = np.vstack([edges, [[0, 299], [299, 0]]])  # 0..299 all appear
    path = work / "edges.txt"
    np.savetxt(path, edges, fmt="%d")
    keys = {"graph": {"source": "edgelist", "path": str(path), "directed": True}}
    from_file = nr.Graph(keys, seed=1)
    D = nx.DiGraph()
    D.add_nodes_from(range(300))
    D.add_edges_from(map(tuple, edges))
    from_nx = nr.Graph.from_networkx(D, seed=1)
    from_array = nr.Graph.from_edges(edges, directed=True, seed=1)
    for a in GRAPH_ARRAYS:
        np.testing.assert_array_equal(getattr(from_nx, a), getattr(from_file, a), err_msg=a)
        np.testing.assert_array_equal(getattr(from_array, a), getattr(from_file, a), err_msg=a)
    reciprocated = {(u, v) for u, v in map(tuple, edges) if D.has_edge(v, u)}
    assert 2 * from_nx.stats["strong_ties"] == len(reciprocated)
    assert from_nx.stats["audience_edges"] == D.number_of_edges() - len(reciprocated)


def test_scipy_round_trip_and_undirected_rule(graph):
    A = graph.to_scipy("strong")
    assert A.shape == (PEOPLE, PEOPLE) and A.nnz == 2 * graph.stats["strong_ties"]
    assert (A != A.T).nnz == 0
    g = nr.Graph.from_scipy(A, experiment={"audience": {"distribution": "none"}}, circle="values")
    for a in ("strong_offsets", "strong_targets", "strong_circle"):
        np.testing.assert_array_equal(getattr(g, a), getattr(graph, a), err_msg=a)
    assert g.stats["audience_edges"] == 0
    plain = nr.Graph.from_scipy(A, experiment={"audience": {"distribution": "none"}})
    assert (plain.strong_circle == 1).all() and (plain.to_scipy("strong") != 0).nnz == A.nnz
    with_audience = nr.Graph.from_scipy(A, seed=2)  # undirected: an audience is generated, as for edge lists
    assert with_audience.stats["audience_edges"] > 0
    assert (graph.to_scipy("all") != 0).nnz == len(distinct_pairs(graph))


# ---------------------------------------------------------------------------------------------
# Runs: the program's bytes

def test_run_saves_the_programs_file(work, program_file):
    res = nr.run(work / "exp.toml", seed=SEED, threads=2)
    saved = res.save(work / "bindings.h5")
    assert_same_file(program_file, saved)
    with h5py.File(saved, "r") as f:
        assert "nanoreach.run" in f.attrs["command_line"]
    pd.testing.assert_frame_equal(res.runs, nr.load_runs(program_file))
    pd.testing.assert_frame_equal(res.summary, nr.load_summary(program_file))
    pd.testing.assert_frame_equal(res.curves("nano", "sir"), nr.load_curves(program_file, "nano", "sir"))
    assert res.config["seed"] == SEED and res.info["complete"] is True
    with pytest.raises(FileExistsError):
        res.save(saved)


def test_run_with_dict_graph_and_one_thread_gives_the_same_file(work, program_file, graph):
    res = nr.run(EXPERIMENT_DICT, graph=graph, seed=SEED, threads=1)
    assert res.info["threads"] == 1
    copy = work / "one_thread.h5"
    res.save(copy)
    with h5py.File(copy, "r+") as f:
        f.attrs["threads"] = h5py.File(program_file, "r").attrs["threads"]
    assert_same_file(program_file, copy)


def test_cascade_equals_the_engines_run(graph, program_file):
    runs = nr.load_runs(program_file)
    f = graph.followers.astype(np.int64)
    top = np.lexsort((np.arange(PEOPLE), -f))[:5]  # top_followers: most followers, ties by id
    for model in ("ic", "sir", "threshold"):
        rows = runs[(runs["strategy"] == "top") & (runs["model"] == model)]
        curves = nr.load_curves(program_file, "top", model)
        for run in (0, 7, 29):
            c = nr.cascade(graph, top, model=model, experiment=EXPERIMENT_DICT, seed=SEED, run=run)
            row = rows[rows["run"] == run].iloc[0]
            assert c.reach == row["reach"] and c.steps == row["steps"], (model, run)
            np.testing.assert_array_equal(c.curve, curves.loc[run].to_numpy()[: c.steps + 1])
            assert len(c.people) == c.reach and len(set(c.people.tolist())) == c.reach
            assert (c.activator[: c.seeds] == -1).all() and (c.step[: c.seeds] == 0).all()
            active = set(c.people.tolist())
            assert all(a in active for a in c.activator[c.seeds:]), "every activator is active"
            step_of = dict(zip(c.people.tolist(), c.step.tolist()))
            assert all(step_of[int(a)] < s for a, s in zip(c.activator[c.seeds:], c.step[c.seeds:]))


def test_cascade_with_uniform_p():
    import networkx as nx
    g = nr.Graph.from_networkx(nx.path_graph(50), experiment={"audience": {"distribution": "none"}})
    c = nr.cascade(g, [0], p=1.0)
    assert c.reach == 50 and c.steps == 49
    np.testing.assert_array_equal(c.people, np.arange(50))
    np.testing.assert_array_equal(c.activator, np.arange(-1, 49))
    assert nr.cascade(g, [0], p=0.0).reach == 1
    assert list(c.tree().successors(0)) == [1]


def test_ctrl_c_stops_a_run_and_keeps_the_finished_runs(tmp_path):
    """SIGINT during nr.run (the GIL released) stops at a run boundary: KeyboardInterrupt, OUT.partial."""
    script = tmp_path / "interrupt.py"
    out = tmp_path / "long.h5"
    script.write_text(f"""
import os, signal, sys, threading
import h5py, nanoreach as nr
exp = dict(graph=dict(people=20000), runs=dict(count=100000, batch=50),
           strategy=[dict(name="r", kind="random", k=50)])
threading.Timer(2.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:
    nr.run(exp, out={str(out)!r}, threads=2)
except KeyboardInterrupt as e:
    print("interrupted:", e)
    with h5py.File({str(out)!r} + ".partial", "r") as f:
        print("complete", bool(f.attrs["complete"]), "runs", len(f["runs/run"]))
    sys.exit(0)
sys.exit("not interrupted")
""")
    r = subprocess.run([PYTHON, str(script)], capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "interrupted: finished runs are in" in r.stdout and "complete False" in r.stdout
    runs = int(r.stdout.split("runs")[-1])
    assert 0 < runs < 100000


# ---------------------------------------------------------------------------------------------
# Errors carry the program's messages

def test_errors_are_the_programs(work):
    bad = work / "bad.toml"
    bad.write_text(EXPERIMENT.replace(f"people = {PEOPLE}", "people = -4"))
    r = program("run", bad, "--out", work / "never.h5", check=False)
    assert r.returncode == 1
    with pytest.raises(nr.ConfigError) as e:
        nr.run(bad)
    assert f"nanoreach: error: {e.value}" in r.stderr
    assert e.value.key == "graph.people" and e.value.line == 4 and isinstance(e.value, ValueError)
    with pytest.raises(nr.ConfigError, match="did you mean graph.people") as e:
        nr.Graph({"graph": {"peeple": 10}})
    assert e.value.key == "graph.peeple"
    with pytest.raises(nr.InputError, match="node ids must be in"):
        nr.Graph.from_edges([[0, 5]], people=3)
    with pytest.raises(nr.Error, match="no such file"):
        nr.Graph.load(work / "missing.h5")
    with pytest.raises(nr.ConfigError, match="p"):
        nr.cascade(nr.Graph({"graph": {"people": 100}}), [0], p=2.0)


# ---------------------------------------------------------------------------------------------
# Files any HDF5 tool reads

def test_xarray_and_pandas_one_liners(program_file):
    import xarray as xr
    runs = nr.load_runs(program_file)
    ds = xr.open_dataset(program_file, group="runs", engine="h5netcdf")
    df = ds.to_dataframe().reset_index(drop=True)
    assert list(df.columns) == list(runs.columns)
    assert isinstance(df["strategy"].iloc[0], str)
    pd.testing.assert_frame_equal(df.astype({"truncated": bool}), runs, check_dtype=False)
    summary = xr.open_dataset(program_file, group="summary", engine="h5netcdf").to_dataframe()
    np.testing.assert_allclose(summary["reach_mean"], nr.load_summary(program_file)["reach_mean"])
    assert ds["reach"].attrs["units"] == "people" and "seeds included" in ds["reach"].attrs["description"]
    curves = xr.open_dataset(program_file, group="curves/nano", engine="h5netcdf")
    assert curves["ic"].dims == ("ic_run", "ic_step")
    np.testing.assert_array_equal(curves["ic"].sel(ic_run=3).cumsum().values[-1],
                                  runs.query("strategy == 'nano' and model == 'ic' and run == 3")["reach"])
    with h5py.File(program_file, "r") as f:  # the pandas one-liner over h5py, strings decoded
        g = f["summary"]
        plain = pd.DataFrame({k: g[k].asstr()[()] if h5py.check_string_dtype(g[k].dtype) else g[k][()]
                              for k in g.attrs["columns"]})
    pd.testing.assert_frame_equal(plain.astype({"converged": bool}), nr.load_summary(program_file))


def test_every_dataset_has_a_description(work, program_file):
    sweep = work / "sweep.toml"
    sweep.write_text(EXPERIMENT.replace("count = 30", "count = 4") +
                     "\n[sweep]\ncampaign.virality = [0.02, 0.05]\ngraph.people = [4000, 6000]\n")
    sweep_file = work / "sweep.h5"
    program("sweep", sweep, "--out", sweep_file, "--quiet", "--set", "output.save_graph=true")
    seen = 0
    for path in (program_file, sweep_file, work / "graph.h5"):
        with h5py.File(path, "r") as f:
            def check(name, obj):
                nonlocal seen
                if isinstance(obj, h5py.Dataset):
                    seen += 1
                    assert obj.attrs.get("description"), f"{path}:/{name} has no description"
            f.visititems(check)
            if "points" in f:
                import xarray as xr
                pts = xr.open_dataset(path, group="points", engine="h5netcdf").to_dataframe()
                assert list(pts["campaign.virality"]) == [0.02, 0.02, 0.05, 0.05]
    assert seen > 100


def test_csv_export_matches_the_file(work, program_file):
    out = work / "csv"
    r = program("export", program_file, "--format", "csv", "--out", out)
    assert "runs.csv" in r.stdout
    runs = pd.read_csv(out / "runs.csv")
    want = nr.load_runs(program_file)
    pd.testing.assert_frame_equal(runs.astype({"truncated": bool}), want, check_dtype=False)
    # pandas' default float parser is not exact; the file holds shortest round-trip digits.
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""], float_precision="round_trip")
    np.testing.assert_array_equal(summary["reach_mean"], nr.load_summary(program_file)["reach_mean"])
    curve = pd.read_csv(out / "curves" / "mega" / "sir.csv").set_index("run")
    stored = nr.load_curves(program_file, "mega", "sir", cumulative=False)
    np.testing.assert_array_equal(curve.to_numpy(), stored.to_numpy())
    assert list(curve.columns[:2]) == ["step_0", "step_1"]
    assert program("export", program_file, "--out", out, check=False).returncode == 1  # exists: refused
    written = nr.export_csv(program_file, work / "csv2")
    assert sorted(p.name for p in written) == sorted(p.name for p in out.rglob("*.csv"))


def test_source_tree_without_the_core_says_what_is_missing(tmp_path):
    """python/ of the source tree has the reader but not the compiled core: asking it for a binding
    raises the ImportError that says how to get one (it raised NameError: Python deletes the name an
    `except ... as` clause binds when the clause ends, so the message could not name the reason)."""
    env = {**os.environ, "PYTHONPATH": str(SOURCE / "python"), "PYTHONDONTWRITEBYTECODE": "1"}
    p = subprocess.run([PYTHON, "-c", "import nanoreach as nr\nnr.load_summary\nnr.Graph"], capture_output=True,
                       text=True, env=env, cwd=tmp_path)
    assert p.returncode != 0
    assert "ImportError: nanoreach.Graph needs the C++ core" in p.stderr and "_core" in p.stderr, p.stderr
    assert "NameError" not in p.stderr, p.stderr
