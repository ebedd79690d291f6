"""End-to-end tests of the nanoreach program (see CMakeLists.txt beside this file)."""
import fcntl
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

BIN = os.environ["NANOREACH_BIN"]
SOURCE = os.environ["NANOREACH_SOURCE"]
MPIRUN = os.environ.get("NANOREACH_MPIRUN", "")

SMALL = """seed = 9
[graph]
people = 20000
[campaign]
budget = 20000
[runs]
count = 40
[[strategy]]
name = "nano"
kind = "budget"
tier = "nano"
[[strategy]]
name = "mega"
kind = "budget"
tier = "mega"
"""

SWEEP = SMALL.replace("count = 40", "count = 20\nbatch = 10") + """
[sweep]
campaign.virality = [0.03, 0.06, 0.09]
campaign.budget = [15000, 30000]
"""


def run(*args, check=True, **kw):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{args}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def datasets(path):
    """Every dataset of a result file, as numpy arrays keyed by path (attributes left out)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def same_datasets(a, b, skip=("build_seconds",)):
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db)
    for k in da:
        if any(s in k for s in skip):
            continue
        nan_ok = da[k].dtype.kind == "f"  # NaN (no cost, no adopters) equals NaN here
        assert np.array_equal(da[k], db[k], equal_nan=nan_ok), k


def test_bad_input_exits_nonzero_names_key_and_line_and_writes_nothing(tmp_path):
    cases = [
        ("[graph]\npeeple = 5\n", "graph.peeple (line 2): unknown key", "did you mean graph.people?"),
        ("[campaign]\nvirality = 1.5\n", "campaign.virality (line 2)", "[0, 1]"),
        ("[graph]\ncircles = [5, 15, 50, 151]\n", "graph.circles (line 2)", "1..150"),
        ("[graph]\npeople = 20000\n[[strategy]]\nname = \"n\"\nkind = \"tier\"\ntier = \"nano\"\nk = 99999999\n",
         "strategy.n.k (line 7)", "has only"),
    ]
    for text, *expect in cases:
        cfg = write(tmp_path, "bad.toml", text)
        out = tmp_path / "bad.h5"
        p = run("run", str(cfg), "--out", str(out), check=False)
        assert p.returncode == 1, p.stderr
        for e in expect:
            assert e in p.stderr, (e, p.stderr)
        assert not out.exists() and not (tmp_path / "bad.h5.partial").exists()
    p = run("run", str(write(tmp_path, "ok.toml", SMALL)), "--set", "campaign.viralty=0.1", check=False)
    assert p.returncode == 1 and "did you mean campaign.virality" in p.stderr
    p = run("run", str(tmp_path / "missing.toml"), check=False)
    assert p.returncode != 0 and "missing.toml" in p.stderr


def test_existing_output_is_kept_without_force(tmp_path):
    cfg = write(tmp_path, "small.toml", SMALL)
    out = tmp_path / "small.h5"
    out.write_text("precious")
    p = run("run", str(cfg), "--out", str(out), check=False)
    assert p.returncode == 1 and "already exists" in p.stderr
    assert out.read_text() == "precious"


def test_print_defaults_parses_back_and_run_prints_the_table(tmp_path):
    text = run("run", "--print-defaults").stdout
    cfg = tmp_path / "defaults.toml"
    cfg.write_text(text.replace("people = 1000000", "people = 20000").replace("count = 1000", "count = 10") +
                   '\n[[strategy]]\nname = "r"\nkind = "random"\nk = 3\n')
    p = run("run", str(cfg), "--out", str(tmp_path / "d.h5"))
    assert "strategy" in p.stdout and "95% CI" in p.stdout
    assert any(line.startswith("r ") for line in p.stdout.splitlines())
    info = run("info", str(tmp_path / "d.h5")).stdout
    assert "complete      yes" in info and "[graph]" in info


def test_sigint_keeps_whole_runs_in_partial_file(tmp_path):
    cfg = write(tmp_path, "long.toml", SMALL.replace("count = 40", "count = 100000\nbatch = 20"))
    out = tmp_path / "long.h5"
    proc = subprocess.Popen([BIN, "run", str(cfg), "--out", str(out), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    partial = tmp_path / "long.h5.partial"
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until some batches are on disk
        time.sleep(0.5)
        if partial.exists() and partial.stat().st_size > 100_000:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert not out.exists()
    with h5py.File(partial, "r") as f:
        assert not bool(f.attrs["complete"])
        runs = f["runs/run"][()]
        reach = f["runs/reach"][()]
        assert 0 < len(runs) < 100000
        assert len(f["summary/strategy"]) >= 1
    # Whole runs only: each kept run equals the same run of a fresh, complete experiment.
    first = sorted(runs)[:20]
    cfg2 = write(tmp_path, "check.toml", SMALL.replace("count = 40", f"count = {max(first) + 1}"))
    run("run", str(cfg2), "--out", str(tmp_path / "check.h5"), "--quiet")
    with h5py.File(tmp_path / "check.h5", "r") as f:
        full = dict(zip(zip(f["runs/strategy"].asstr()[()], f["runs/run"][()]), f["runs/reach"][()]))
    with h5py.File(partial, "r") as f:
        for s, r, x in zip(f["runs/strategy"].asstr()[()], f["runs/run"][()], f["runs/reach"][()]):
            if r in first:
                assert full[(s, r)] == x


def test_sweep_killed_then_resumed_matches_uninterrupted(tmp_path):
    cfg = write(tmp_path, "sweep.toml", SWEEP)
    whole = tmp_path / "whole.h5"
    run("sweep", str(cfg), "--out", str(whole), "--quiet")
    out = tmp_path / "killed.h5"
    ckpt = tmp_path / "killed.h5.checkpoint"
    proc = subprocess.Popen([BIN, "sweep", str(cfg), "--out", str(out), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.05)
        if ckpt.exists() and len([p for p in ckpt.iterdir() if p.name.startswith("point-")]) >= 4:
            break
    proc.kill()  # SIGKILL: no chance to clean up
    proc.wait()
    assert not out.exists()
    p = run("sweep", str(cfg), "--out", str(out), "--quiet", check=False)
    assert p.returncode == 1 and "--resume" in p.stderr
    run("sweep", str(cfg), "--out", str(out), "--quiet", "--resume")
    assert not ckpt.exists()
    same_datasets(whole, out)


def test_slurm_shards_merge_to_the_single_process_file(tmp_path):
    cfg = write(tmp_path, "sweep.toml", SWEEP)
    run("sweep", str(cfg), "--out", str(tmp_path / "whole.h5"), "--quiet")
    shards = []
    for i in (1, 2, 3):
        s = tmp_path / f"shard{i}.h5"
        run("sweep", str(cfg), "--shard", f"{i}/3", "--out", str(s), "--quiet")
        shards.append(str(s))
    run("merge", *shards, "--out", str(tmp_path / "merged.h5"))
    same_datasets(tmp_path / "whole.h5", tmp_path / "merged.h5")
    p = run("merge", shards[0], "--out", str(tmp_path / "one.h5"), check=False)
    assert p.returncode == 1  # incomplete: points of the other shards are missing
    with h5py.File(tmp_path / "one.h5.partial", "r") as f:
        assert not bool(f.attrs["complete"])
        assert set(f["points/status"].asstr()[()]) == {"done", "missing"}


@pytest.mark.skipif(not MPIRUN, reason="built without MPI or no mpirun")
def test_mpi_ranks_write_the_single_process_file(tmp_path):
    cfg = write(tmp_path, "sweep.toml", SWEEP)
    run("sweep", str(cfg), "--out", str(tmp_path / "whole.h5"), "--quiet", "--threads", "1")
    flags = ["--oversubscribe", "--bind-to", "none"]
    if os.geteuid() == 0:
        flags.append("--allow-run-as-root")
    env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1")
    for ranks in (1, 2, 3):
        out = tmp_path / f"mpi{ranks}.h5"
        p = subprocess.run([MPIRUN, "-n", str(ranks), *flags, BIN, "sweep", str(cfg), "--out", str(out), "--quiet"],
                           capture_output=True, text=True, env=env, timeout=600)
        assert p.returncode == 0, p.stdout + p.stderr
        same_datasets(tmp_path / "whole.h5", out)
        with h5py.File(out, "r") as f:
            assert int(f.attrs["mpi_ranks"]) == ranks


@pytest.mark.skipif(not MPIRUN, reason="built without MPI or no mpirun")
def test_mpi_ranks_on_the_implicit_graph(tmp_path):
    """Each rank rebuilds the implicit graph from the seed (nothing shipped): 2 ranks on the implicit graph
    write the datasets of one process on the explicit graph, /graph's storage description aside."""
    cfg = write(tmp_path, "sweep.toml", SWEEP)
    run("sweep", str(cfg), "--out", str(tmp_path / "whole.h5"), "--quiet", "--threads", "1")
    flags = ["--oversubscribe", "--bind-to", "none"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1")
    out = tmp_path / "mpi.h5"
    p = subprocess.run([MPIRUN, "-n", "2", *flags, BIN, "sweep", str(cfg), "--out", str(out), "--quiet",
                        "--set", 'graph.storage="implicit"'], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    da, db = datasets(tmp_path / "whole.h5"), datasets(out)
    results = [k for k in da if k.startswith(("runs/", "summary/", "curves/", "points/"))]
    assert len(results) > 40 and set(results) <= set(db)
    for k in results:
        assert np.array_equal(da[k], db[k], equal_nan=da[k].dtype.kind == "f"), k
    with h5py.File(out, "r") as f:
        assert int(f.attrs["mpi_ranks"]) == 2
        assert {f[f"graphs/{g}"].attrs["storage"] for g in f["graphs"]} == {"implicit"}


def test_saved_graph_and_real_edge_list(tmp_path):
    g = tmp_path / "g.h5"
    p = run("graph", "--set", "graph.people=20000", "--save-graph", "--out", str(g))
    assert "never above 150" in p.stdout
    with h5py.File(g, "r") as f:
        people = int(f["graph"].attrs["people"])
        ties = int(f["graph"].attrs["strong_ties"])
        assert len(f["graph/strong/offsets"]) == people + 1
    cfg = write(tmp_path, "saved.toml", SMALL.replace("people = 20000", f'source = "saved"\npath = "{g}"'))
    run("run", str(cfg), "--out", str(tmp_path / "s.h5"), "--quiet")
    with h5py.File(tmp_path / "s.h5", "r") as f:
        assert int(f["graph"].attrs["strong_ties"]) == ties
    snap = os.path.join(SOURCE, "tests", "data", "snap-ego-facebook.txt")
    p = run("graph", "--set", "graph.source=edgelist", "--set", f"graph.path={snap}", "--out", str(tmp_path / "fb.h5"))
    assert "4,039" in p.stdout and "88,234" in p.stdout and "213 people above 150" in p.stdout
    bad = write(tmp_path, "bad.txt", "0 1\n1 2\n2 x\n")
    p = run("graph", "--set", "graph.source=edgelist", "--set", f"graph.path={bad}", "--out", str(tmp_path / "b.h5"),
            check=False)
    assert p.returncode == 1 and "line 3" in p.stderr and "2 x" in p.stderr


def test_implicit_graph_summary(tmp_path):
    """`nanoreach graph` on the implicit graph: the same people and followers as the stored graph, the
    degrees marked as dealt, components said to be unknown rather than printed as 0, and the bytes per
    person it holds; --save-graph is refused naming graph.storage."""
    ex = run("graph", "--set", "graph.people=20000", "--out", str(tmp_path / "e.h5")).stdout
    im = run("graph", "--set", "graph.people=20000", "--set", 'graph.storage="implicit"',
             "--out", str(tmp_path / "i.h5")).stdout
    line = lambda text, key: next(x for x in text.splitlines() if x.startswith(key))
    for key in ("people", "follower edges", "ordinary", "tiers at"):
        assert line(ex, key) == line(im, key)
    assert "ties as dealt" in im and "ties as dealt" not in ex
    assert "not computed on the implicit graph" in line(im, "components")
    per_person = float(re.search(r"holds ([0-9.]+) bytes per person", im).group(1))
    assert 4 < per_person < 16
    with h5py.File(tmp_path / "i.h5", "r") as f:
        assert f["graph"].attrs["storage"] == "implicit" and not f["graph"].attrs["components_known"]
    p = run("graph", "--set", "graph.people=20000", "--set", 'graph.storage="implicit"', "--save-graph",
            "--out", str(tmp_path / "s.h5"), check=False)
    assert p.returncode == 1 and "graph.storage" in p.stderr and not (tmp_path / "s.h5").exists()


def test_version_and_every_help_fit_80_columns_and_name_defaults():
    v = run("--version").stdout.strip()
    assert re.fullmatch(r"nanoreach \d+\.\d+\.\d+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)", v), v
    if shutil.which("git") and (Path(SOURCE) / ".git").exists():
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=SOURCE, capture_output=True,
                              text=True).stdout.strip()
        assert head in v, (head, v)  # taken at build time, not when the build was configured
    helps = {cmd: run(cmd, "--help").stdout for cmd in ("graph", "run", "info", "sweep", "merge", "bench")}
    helps["(top)"] = run("--help").stdout
    for cmd, text in helps.items():
        for line in text.splitlines():
            assert len(line) <= 80, (cmd, line)
    def option(cmd, name):  # the option's help line and its continuation lines
        lines = helps[cmd].splitlines()
        i = [k for k, l in enumerate(lines) if l.strip().startswith(name)][0]
        j = i + 1
        while j < len(lines) and lines[j].startswith(" " * 30):
            j += 1
        return " ".join(lines[i:j])
    for cmd in ("graph", "run", "sweep"):
        assert "default:" in option(cmd, "--out") and "default:" in option(cmd, "--seed"), cmd
    assert "default: every point" in helps["sweep"]
    assert "=all" in option("bench", "--graph")
    assert "--out" not in helps["bench"]  # bench writes no file
    for cmd in ("info", "merge"):
        assert "--quiet" in helps[cmd], cmd


def test_git_revision_is_taken_at_build_time_and_marks_changes(tmp_path):
    """cmake/git_revision.cmake, run by every build: hash, -dirty, unknown; rewrites only on change."""
    script = os.path.join(SOURCE, "cmake", "git_revision.cmake")
    repo, header = tmp_path / "repo", tmp_path / "gen" / "rev.hpp"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]

    def revision():
        subprocess.run(["cmake", f"-DSOURCE_DIR={repo}", f"-DOUTPUT={header}", "-P", script], check=True)
        return re.search(r'#define NANOREACH_GIT_REV "([^"]*)"', header.read_text()).group(1)

    assert revision() == "unknown"  # not a git checkout
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "a.txt").write_text("one\n")
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    head = subprocess.run([*git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert revision() == head
    before = header.stat().st_mtime_ns
    time.sleep(0.05)
    assert revision() == head and header.stat().st_mtime_ns == before  # unchanged: not rewritten
    (repo / "b.txt").write_text("untracked\n")
    assert revision() == head  # untracked files do not count, as with git describe --dirty
    (repo / "a.txt").write_text("two\n")
    assert revision() == head + "-dirty"
    subprocess.run([*git, "commit", "-q", "-am", "two"], check=True)
    assert revision() != head and not revision().endswith("-dirty")


def test_default_experiment_runs_at_10000_people_with_notes_and_the_tiers_used(tmp_path):
    cfg = os.path.join(SOURCE, "experiments", "nano_vs_mega.toml")
    out = tmp_path / "small.h5"
    p = run("run", cfg, "--set", "graph.people=10000", "--set", "runs.count=20", "--out", str(out))
    # Everyone has at least audience.min = 10 followers and nano starts at 10 here: no ordinary people.
    assert "note: strategy ordinary: the ordinary tier is empty in this graph (10,000 people" in p.stderr, p.stderr
    assert "seeds nobody" in p.stderr
    with h5py.File(out, "r") as f:
        th = [int(x) for x in f["graph"].attrs["tier_thresholds"]]
        counts = [int(x) for x in f["graph/tier_counts"][()]]
        reach = dict(zip(f["summary/strategy"].asstr()[()], f["summary/reach_mean"][()]))
    assert th == [10, 30, 100, 1000]  # automatic: 0.001 ... 0.1 of 10,000 people
    assert reach["ordinary"] == 0 and reach["nano"] > 0 and reach["optimal"] > 0
    expect = (f"tiers at 10,000 people (automatic): nano >= 10 followers ({counts[1]:,} people),\n"
              f"  micro >= 30 ({counts[2]:,}), macro >= 100 ({counts[3]:,}), mega >= 1,000 ({counts[4]:,})")
    assert expect in p.stdout, p.stdout
    for line in p.stdout.splitlines():
        assert len(line) < 80 or line.startswith("wrote "), line  # the table and tier lines; a path is a path
    info = run("info", str(out)).stdout
    assert expect in info
    assert "mega = 1000000.0  # used: 1,000\n" in info and "mega_fraction = 0.1\n" in info
    quiet = run("info", str(out), "--quiet").stdout
    assert expect in quiet and "configuration:" not in quiet and "strategy" not in quiet
    # Without empty_ok the same is an error that says how to allow it.
    p = run("run", cfg, "--set", "graph.people=10000", "--set", "strategy.ordinary.empty_ok=false", "--out",
            str(tmp_path / "e.h5"), check=False)
    assert p.returncode == 1 and "set strategy.ordinary.empty_ok = true" in p.stderr, p.stderr


def test_sweep_table_shows_axis_values_and_numbers_points_as_the_files_do(tmp_path):
    cfg = write(tmp_path, "sweep.toml", SWEEP.replace("campaign.budget = [15000, 30000]", "campaign.budget = [15000]"))
    out = tmp_path / "s.h5"
    p = run("sweep", str(cfg), "--out", str(out))
    with h5py.File(out, "r") as f:
        points = f["points/point"][()].tolist()
        virality = f["points/campaign.virality"][()].tolist()
    assert points == [0, 1, 2]
    for pt, v in zip(points, virality):
        assert f"point {pt}: campaign.virality = {v:g}, campaign.budget = 15000\n" in p.stdout, p.stdout
    assert "nanoreach: point 0 of 0..2" in p.stderr and "point 3" not in p.stderr, p.stderr  # not a tty: one line each
    # merge --quiet prints nothing when the merge is complete, and says why when it is not.
    shards = []
    for i in (1, 2):
        shards.append(str(tmp_path / f"shard{i}.h5"))
        run("sweep", str(cfg), "--shard", f"{i}/2", "--out", shards[-1], "--quiet")
    m = run("merge", *shards, "--out", str(tmp_path / "m.h5"), "--quiet")
    assert m.stdout == "" and m.stderr == ""
    m = run("merge", shards[0], "--out", str(tmp_path / "one.h5"), "--quiet", check=False)
    # An incomplete merge says so on stderr, naming the missing points and the shard that holds them.
    assert m.returncode == 1 and m.stdout == "", m.stdout
    assert "1 of 3 points missing; point 2 belongs to shard 2/2, which is not among the files given" in m.stderr


def _pty_run(args, columns, resize_to=None, resize_after=b""):
    """Runs the program with stderr on a pseudo-terminal of `columns` columns; returns what it drew.
    With resize_to, the terminal shrinks (and SIGWINCH is sent) once `resize_after` has appeared."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    proc = subprocess.Popen([BIN, *args], stdin=slave, stdout=subprocess.DEVNULL, stderr=slave, close_fds=True)
    os.close(slave)
    seen, resized_at = b"", None
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if resize_to and resized_at is None and resize_after in seen:
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, resize_to, 0, 0))
            proc.send_signal(signal.SIGWINCH)
            resized_at = len(seen)
    proc.wait(timeout=120)
    os.close(master)
    assert proc.returncode == 0, seen.decode(errors="replace")
    return seen.decode(), resized_at


def _drawn(text):
    """Every state of the progress line: the text between carriage returns and newlines."""
    return [s.replace("\x1b[K", "") for s in re.split(r"[\r\n]+", text) if s.replace("\x1b[K", "")]


def test_progress_line_fits_the_terminal_never_wraps_and_shows_each_graph_stage(tmp_path):
    cfg = write(tmp_path, "p.toml", SMALL.replace("count = 40", "count = 400"))
    text, _ = _pty_run(["run", str(cfg), "--out", str(tmp_path / "p.h5")], 60)
    states = _drawn(text)
    assert all(len(s) <= 59 for s in states), [s for s in states if len(s) > 59]
    for stage in ("graph: strong ties", "graph: audiences", "graph: tiers", "graph: statistics"):
        assert any(s.startswith(stage) for s in states), (stage, states)
    # Each stage ends on one line of its own: its last state, then a newline (no stale copies).
    lines = [l.split("\r")[-1].replace("\x1b[K", "") for l in text.replace("\r\n", "\n").split("\n") if l]
    assert len([l for l in lines if l.startswith("strategy nano")]) == 1, lines
    assert any(re.match(r"strategy mega, model ic (\[#+\] )?400/400 runs in \d", l) for l in lines), lines
    # A terminal made narrower during the run: the line follows (SIGWINCH).
    cfg = write(tmp_path, "q.toml", SMALL.replace("count = 40", "count = 4000"))
    text, at = _pty_run(["run", str(cfg), "--out", str(tmp_path / "q.h5")], 100, resize_to=44,
                        resize_after=b"strategy nano")
    assert at is not None
    late = _drawn(text[at:])
    assert late and all(len(s) <= 43 for s in late[-3:]), late[-3:]
    assert max(len(s) for s in _drawn(text[:at])) > 43  # it was wider before


def test_ctest_sees_every_catch_test_case_on_its_own():
    """catch_discover_tests hands the names to CMake as a list: a ';' in a name splits it and an
    unbalanced '[' glues every later test case of that program into one entry, and either entry
    matches nothing and passes. Each test case must be its own ctest entry."""
    build = Path(BIN).resolve().parent
    if not (build / "CTestTestfile.cmake").exists():
        pytest.skip("not run from a CMake build tree")
    listing = subprocess.run(["ctest", "--test-dir", str(build), "-N"], capture_output=True, text=True).stdout
    entries = {e.replace(":", ": ", 1) if not e.split(":", 1)[1].startswith(" ") else e
               for e in re.findall(r"Test +#\d+: (.*)", listing) if ":" in e}
    checked = 0
    for module in ("graph", "sim", "io", "experiment"):
        exe = build / "tests" / f"test_{module}"
        if not exe.exists():
            continue
        names = subprocess.run([str(exe), "--list-test-names-only"], capture_output=True, text=True).stdout
        for name in filter(None, (n.strip() for n in names.splitlines())):
            assert f"{module}: {name}" in entries, f"ctest has no entry of its own for {module}: {name}"
            checked += 1
    assert checked > 100
