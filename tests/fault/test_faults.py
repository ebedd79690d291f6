"""Fault injection: what happens to results when things go wrong (README, "What happens when things
go wrong"). Every test asserts the two promises: no existing result changes, and every file that
says complete = true reads back whole (every dataset read in full, /runs and /curves agreeing).

Faults: a full disk (a small tmpfs when root may mount one; always the preloaded shim enospc.c,
which fails write() with ENOSPC after N bytes), kill -9 at random moments of run, sweep and merge
followed by a rerun or --resume, damaged shards and checkpoints, two writers on one output, memory
caps and hostile inputs. Small graphs: the whole file runs in about a minute on 2 cores. The
figures (faults injected, results lost) are printed at the end (pytest -s shows them)."""
import atexit
import hashlib
import os
import random
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

BIN = os.environ["NANOREACH_BIN"]
SHIM = os.environ.get("NANOREACH_ENOSPC", "")
FIGURES = {"faults": 0, "lost": 0, "crashes": 0}
KINDS = {}  # faults injected, by kind


def fault(kind):
    FIGURES["faults"] += 1
    KINDS[kind] = KINDS.get(kind, 0) + 1

BASE = """seed = 5
[graph]
people = 1500
[runs]
count = 16
batch = 4
[model]
kinds = ["ic", "sir"]
[[strategy]]
name = "few"
kind = "random"
k = 3
[[strategy]]
name = "many"
kind = "random"
k = 12
"""
SWEEP = BASE + """
[sweep]
campaign.virality = [0.02, 0.05, 0.08, 0.12]
"""


@atexit.register
def _figures():
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(KINDS.items()))
    print(f"\nfault figures: {FIGURES['faults']} faults injected ({kinds}), {FIGURES['crashes']} crashes, "
          f"{FIGURES['lost']} results lost")


def run(*args, env=None, check=True, timeout=120):
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout)
    if p.returncode < 0 or p.returncode > 3 and p.returncode not in (130,):
        FIGURES["crashes"] += 1
    if check and p.returncode != 0:
        raise AssertionError(f"{args}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def write(path, text):
    path.write_text(text)
    return path


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def datasets(path):
    """Every dataset of an HDF5 file, read whole (strings decoded)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def reads_whole(path):
    """A file saying complete = true must read whole: every dataset in full, and each curve matrix
    with one row per run of its strategy and model."""
    with h5py.File(path, "r") as f:
        if not bool(f.attrs.get("complete", False)):
            return False
    data = datasets(path)
    with h5py.File(path, "r") as f:
        if "runs/strategy" in f:  # a result (checkpoints hold one table per strategy and model)
            st = f["runs/strategy"].asstr()[()]
            mo = f["runs/model"].asstr()[()]
            for s in set(st):
                for m in set(mo):
                    n = int(np.sum((st == s) & (mo == m)))
                    if f"curves/{s}/{m}" in f:
                        assert f[f"curves/{s}/{m}"].shape[0] == n, (path, s, m)
        if "points" in f:
            status = set(f["points/status"].asstr()[()])
            assert status <= {"done", "other shard"}, (path, status)  # complete: nothing missing
    assert data, path
    return True


def _claims_complete(path):
    try:
        with h5py.File(path, "r") as f:
            return bool(f.attrs.get("complete", False))
    except Exception:  # unreadable (h5py raises OSError, KeyError...): it claims nothing
        return False


def check_complete_files(directory):
    """Every HDF5 file under `directory` that says complete = true reads back whole; returns how
    many did."""
    whole = 0
    for p in Path(directory).rglob("*"):
        if p.is_file() and p.suffix in (".h5", ".partial") or ".h5." in p.name:
            try:
                with h5py.File(p, "r") as f:
                    complete = bool(f.attrs.get("complete", False))
            except Exception:  # unreadable (h5py raises OSError, KeyError...): it claims nothing
                continue
            if complete:
                try:
                    assert reads_whole(p)
                except Exception:
                    FIGURES["lost"] += 1
                    raise
                whole += 1
    return whole


def same_results(a, b):
    """/runs, /summary, /points and /curves equal (timestamps and hosts may differ)."""
    da, db = datasets(a), datasets(b)
    keys = [k for k in da if k.split("/")[0] in ("runs", "summary", "points", "curves")]
    assert keys
    for k in keys:
        assert k in db, k
        np.testing.assert_array_equal(da[k], db[k], err_msg=k)
    return True


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    """Uninterrupted results to compare against: a run, a sweep and its two shards."""
    d = tmp_path_factory.mktemp("ref")
    cfg, scfg = write(d / "e.toml", BASE), write(d / "s.toml", SWEEP)
    run("run", cfg, "--out", d / "run.h5", "--quiet")
    run("sweep", scfg, "--out", d / "sweep.h5", "--quiet")
    for i in (1, 2):
        run("sweep", scfg, "--shard", f"{i}/2", "--out", d / f"shard{i}.h5", "--quiet")
    return {"dir": d, "cfg": cfg, "scfg": scfg, "run": d / "run.h5", "sweep": d / "sweep.h5",
            "shards": [d / "shard1.h5", d / "shard2.h5"]}


# ---------------------------------------------------------------------------------------------
# A full disk

def _enospc_env(limit):
    env = dict(os.environ)
    env["LD_PRELOAD"] = SHIM
    env["NANOREACH_FAULT_WRITE_LIMIT"] = str(limit)
    return env


def _assert_disk_full_failure(p, where):
    assert p.returncode in (0, 1), (p.returncode, p.stderr)  # never a crash (a segfault was 139)
    if p.returncode == 1:
        assert "No space left on device" in p.stderr, p.stderr
        assert str(where) in p.stderr, p.stderr


@pytest.mark.skipif(not SHIM, reason="the ENOSPC shim was not built")
@pytest.mark.parametrize("command", ["run", "graph", "sweep", "merge"])
def test_full_disk_injected(ref, tmp_path, command):
    """write() fails with ENOSPC after N bytes, for N across the whole output: exit 1 with the
    system's reason and the path, or a whole file; an existing result is never touched; a sweep
    resumes (or a command reruns) to the uninterrupted result once the disk has room again."""
    out = tmp_path / "out.h5"
    args = {"run": ["run", ref["cfg"]], "graph": ["graph", ref["cfg"]],
            "sweep": ["sweep", ref["scfg"]], "merge": ["merge", *ref["shards"]]}[command]
    run(*args, "--out", out, "--quiet")
    total = out.stat().st_size
    before = digest(out)
    ref_out = {"run": ref["run"], "sweep": ref["sweep"], "merge": ref["sweep"], "graph": None}[command]
    failed = 0
    for limit in sorted({0, 100, 2000} | {total * k // 9 for k in range(1, 9)}):
        # Over an existing result (--force): the old file stays as it was until the new one is whole.
        p = run(*args, "--out", out, "--force", "--quiet", env=_enospc_env(limit), check=False)
        fault("full disk (ENOSPC shim)")
        _assert_disk_full_failure(p, tmp_path)
        check_complete_files(tmp_path)
        if p.returncode == 1:
            failed += 1
            assert digest(out) == before, f"{command}: the existing result changed at limit {limit}"
            if command == "sweep" and Path(str(out) + ".checkpoint").exists():
                # Room again: --resume finishes from the checkpoints that were whole.
                fresh = tmp_path / f"fresh{limit}.h5"
                shutil.copytree(str(out) + ".checkpoint", str(fresh) + ".checkpoint")
                run(*args, "--out", fresh, "--resume", "--quiet")
                assert reads_whole(fresh) and same_results(fresh, ref_out)
                fresh.unlink()
        elif ref_out is not None:
            assert reads_whole(out) and same_results(out, ref_out)
    assert failed >= 3, f"{command}: only {failed} of the limits made the write fail"


def _can_mount():
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    d = Path("/tmp") / f"nanoreach-mount-probe-{os.getpid()}"
    d.mkdir(exist_ok=True)
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(d)],
                        capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", str(d)], capture_output=True)
    d.rmdir()
    return ok


@pytest.mark.skipif(not _can_mount(), reason="needs root and permission to mount a tmpfs")
def test_full_disk_tmpfs(ref, tmp_path):
    """A real full file system: run and sweep on tmpfs mounts too small for their output."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    size = ref["run"].stat().st_size
    for kb in (16, size // 3000, size // 1500, size // 1100):
        for command in (["run", ref["cfg"]], ["sweep", ref["scfg"]]):
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", str(mnt)], check=True)
            try:
                p = run(*command, "--out", mnt / "out.h5", "--quiet", check=False)
                fault("full disk (tmpfs)")
                _assert_disk_full_failure(p, mnt)
                check_complete_files(mnt)
            finally:
                subprocess.run(["umount", "-l", str(mnt)], check=True)


# ---------------------------------------------------------------------------------------------
# kill -9

def _kill_at_random(args, delay, env=None):
    proc = subprocess.Popen([BIN, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    fault("kill -9")


def test_kill9_run_sweep_merge_then_rerun_or_resume(ref, tmp_path):
    """kill -9 at random moments: what remains claims nothing it does not hold, an existing result
    is untouched, and a rerun (run, merge) or --resume (sweep) gives the uninterrupted bytes."""
    rng = random.Random(11)
    out = tmp_path / "out.h5"
    shutil.copy(ref["run"], out)
    before = digest(out)
    for _ in range(4):
        _kill_at_random(["run", ref["cfg"], "--out", out, "--force", "--quiet"], rng.uniform(0.0, 0.4))
        check_complete_files(tmp_path)
        assert digest(out) == before or (reads_whole(out) and same_results(out, ref["run"]))
    run("run", ref["cfg"], "--out", out, "--force", "--quiet")
    assert reads_whole(out) and same_results(out, ref["run"])

    sweep = tmp_path / "sweep.h5"
    for _ in range(5):
        if sweep.exists():
            break
        _kill_at_random(["sweep", ref["scfg"], "--out", sweep, "--resume", "--quiet"], rng.uniform(0.05, 0.5))
        check_complete_files(tmp_path)
    run("sweep", ref["scfg"], "--out", sweep, "--resume", "--quiet")
    assert reads_whole(sweep) and same_results(sweep, ref["sweep"])

    merged = tmp_path / "merged.h5"
    for _ in range(3):
        _kill_at_random(["merge", *ref["shards"], "--out", merged, "--force", "--quiet"], rng.uniform(0.0, 0.3))
        check_complete_files(tmp_path)
    run("merge", *ref["shards"], "--out", merged, "--force", "--quiet")
    assert reads_whole(merged) and same_results(merged, ref["sweep"])
    for s in ref["shards"]:
        assert reads_whole(s)


def test_resume_redoes_a_damaged_checkpoint_and_a_finished_sweep_is_complete(ref, tmp_path):
    sweep = tmp_path / "s.h5"
    cp = Path(str(sweep) + ".checkpoint")
    # Stop half way by a full disk, so that some checkpoints stay behind.
    if not SHIM:
        pytest.skip("the ENOSPC shim was not built")
    for limit in (200000, 400000, 800000):
        p = run("sweep", ref["scfg"], "--out", sweep, "--quiet", "--force", env=_enospc_env(limit), check=False)
        items = sorted(cp.glob("point-*.h5"))
        if p.returncode == 1 and len(items) >= 2:
            break
    assert p.returncode == 1 and "No space left on device" in p.stderr and len(items) >= 2, (p.stderr, items)
    # Damage one finished checkpoint (truncated, as a disk error would leave it).
    data = items[0].read_bytes()
    items[0].write_bytes(data[: len(data) // 2])
    fault("damaged checkpoint")
    r = run("sweep", ref["scfg"], "--out", sweep, "--resume")
    assert f"checkpoint {items[0]} cannot be read" in r.stderr and "running it again" in r.stderr, r.stderr
    assert reads_whole(sweep) and same_results(sweep, ref["sweep"])
    # --resume on the finished sweep: it says so and exits 0 (it used to fail with "already exists").
    before = digest(sweep)
    r = run("sweep", ref["scfg"], "--out", sweep, "--resume")
    assert f"{sweep} is complete (4 of 4 points); nothing to resume" in r.stdout
    assert digest(sweep) == before


# ---------------------------------------------------------------------------------------------
# Damaged shards

def _damaged(src, dst, edit):
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        edit(f)
    fault("damaged shard")
    return dst


def _rewrite(f, path, data):
    del f[path]
    f[path] = data


DAMAGE = {
    "no_runs": (lambda f: f.__delitem__("runs"), "/runs: missing, but /points marks 2 points done"),
    "no_curves": (lambda f: f.__delitem__("curves"), "/curves/few/ic: missing; expected 32 rows"),
    "point_out_of_range": (lambda f: _rewrite(f, "runs/point", np.where(f["runs/point"][()] == 1, 7, f["runs/point"][()])),
                           "/runs/point: row 64 holds point 7; expected 0..3"),
    "fewer_curve_rows": (lambda f: _rewrite(f, "curves/many/sir", f["curves/many/sir"][:-3]),
                         "/curves/many/sir: has 29 rows; expected 32, one per row of /runs of strategy many, model sir"),
    "fewer_runs": (lambda f: [_rewrite(f, f"runs/{c}", f[f"runs/{c}"][:-1]) for c in f["runs"].attrs["columns"]],
                   "point 1 has 15 runs of strategy many under model sir; expected 16 (runs.count)"),
    "points_row": (lambda f: _rewrite(f, "points/point", np.array([0, 1, 5, 3])),
                   "/points/point: row 2 holds 5; expected 2"),
    "other_version": (lambda f: f.attrs.__setitem__("git_revision", "0000000"),
                      "shards of one sweep must come from the same program"),
    "no_points": (lambda f: f.__delitem__("points"), "/points: missing"),
    "status": (lambda f: _rewrite(f, "points/status", np.array([b"done", b"done", b"maybe", b"other shard"])),
               "/points/status: row 2 is \"maybe\"; expected done, missing or other shard"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_merge_refuses_damaged_shards_before_writing(ref, tmp_path, damage):
    edit, expected = DAMAGE[damage]
    bad = _damaged(ref["shards"][0], tmp_path / "bad.h5", edit)
    out = tmp_path / "m.h5"
    p = run("merge", bad, ref["shards"][1], "--out", out, check=False)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert f"merge: shard {bad}" in p.stderr or damage == "other_version", p.stderr
    assert expected in p.stderr, p.stderr
    assert not out.exists() and not Path(str(out) + ".partial").exists()  # refused before writing


def test_merge_refuses_a_point_twice_and_truncated_or_flipped_files(ref, tmp_path):
    out = tmp_path / "m.h5"
    p = run("merge", ref["shards"][0], ref["shards"][0], ref["shards"][1], "--out", out, check=False)
    assert p.returncode == 1 and "is done in both" in p.stderr, p.stderr
    fault("damaged shard")
    data = ref["shards"][0].read_bytes()
    rng = random.Random(3)
    for k in range(16):
        bad = tmp_path / f"bad{k}.h5"
        if k < 4:
            bad.write_bytes(data[: len(data) * (k + 1) // 5])  # truncated
        else:
            b = bytearray(data)
            for _ in range(8):
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)  # flipped bits
            bad.write_bytes(bytes(b))
        fault("damaged shard")
        i = run("info", bad, check=False)  # libhdf5 may crash on such bytes: info must not
        assert i.returncode in (0, 1), (k, i.returncode, i.stderr)
        p = run("merge", bad, ref["shards"][1], "--out", out, "--force", check=False)
        assert p.returncode in (0, 1), (k, p.returncode, p.stderr)
        if p.returncode == 1:
            assert "nanoreach: error:" in p.stderr or "merge incomplete" in p.stderr, p.stderr
        else:
            assert reads_whole(out)
        # Only the outputs: the damaged inputs still claim what the shard claimed.
        for f in (out, Path(str(out) + ".partial")):
            if f.exists() and _claims_complete(f):
                assert reads_whole(f)


# ---------------------------------------------------------------------------------------------
# Concurrent writers

def test_a_second_writer_is_refused(ref, tmp_path):
    """Two `run --force` on one --out used to destroy each other's .partial."""
    cfg = write(tmp_path / "slow.toml", BASE.replace("count = 16", "count = 400").replace("people = 1500", "people = 20000"))
    out = tmp_path / "out.h5"
    first = subprocess.Popen([BIN, "run", str(cfg), "--out", str(out), "--quiet"], stderr=subprocess.PIPE, text=True)
    lock = Path(str(out) + ".lock")
    for _ in range(1000):
        if lock.exists() and lock.read_text().startswith("pid"):
            break
        time.sleep(0.01)
    assert lock.read_text().startswith(f"pid {first.pid}, since ")
    for args in (["run", cfg, "--force"], ["sweep", ref["scfg"], "--force"], ["merge", *ref["shards"], "--force"],
                 ["graph", cfg, "--force"]):
        p = run(*args, "--out", out, "--quiet", check=False)
        fault("second writer")
        assert p.returncode == 1, (args, p.stderr)
        assert f"{out} is being written by another nanoreach (pid {first.pid}" in p.stderr, p.stderr
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert reads_whole(out) and not lock.exists()
    run("run", ref["cfg"], "--out", out, "--force", "--quiet")  # free again once the first is done


# ---------------------------------------------------------------------------------------------
# Memory, limits, hostile inputs

def test_memory_and_limits_are_checked_before_anything_is_allocated(ref, tmp_path):
    env = dict(os.environ, NANOREACH_MEMORY="4G")
    p = run("run", ref["cfg"], "--set", "graph.people=4000000000", "--out", tmp_path / "x.h5", env=env, check=False)
    assert p.returncode == 1 and "graph.people: needs" in p.stderr and "this machine has 4.00 GiB available" in p.stderr
    p = run("graph", ref["cfg"], "--set", "graph.source=erdos_renyi", "--set", "graph.people=300000000",
            "--out", tmp_path / "x.h5", env=env, check=False)
    assert p.returncode == 1 and "graph.people: needs" in p.stderr, p.stderr
    big = write(tmp_path / "big.toml", BASE + "[sweep]\ncampaign.virality = {from = 0.01, to = 0.1, points = 1000000000}\n")
    p = run("sweep", big, "--out", tmp_path / "b.h5", check=False)
    assert p.returncode == 1 and "sweep.campaign.virality (line" in p.stderr and "limits.sweep_points" in p.stderr
    p = run("sweep", big, "--set", "limits.sweep_points=2000000000", "--out", tmp_path / "b.h5", env=env, check=False)
    assert p.returncode == 1 and "sweep.campaign.virality (line" in p.stderr
    assert "needs" in p.stderr and "for the plan of 1,000,000,000 sweep points" in p.stderr, p.stderr
    p = run("run", ref["cfg"], "--set", "runs.count=50000000", "--out", tmp_path / "x.h5", check=False)
    assert p.returncode == 1 and "runs.count: is 50000000, above limits.runs = 1000000" in p.stderr
    p = run("run", ref["cfg"], "--set", "runs.count=500000000", "--set", "limits.runs=1000000000",
            "--out", tmp_path / "x.h5", env=env, check=False)
    assert p.returncode == 1 and "runs.count: needs" in p.stderr and "4.00 GiB available" in p.stderr
    assert not list(tmp_path.glob("*.h5*"))  # nothing was written


def test_usage_errors_exit_2(ref, tmp_path):
    p = run("run", "--bogus", check=False)
    assert p.returncode == 2
    p = run("run", ref["cfg"], "--threads", "0", check=False)
    assert p.returncode == 2 and "--threads: 0 is too small; give at least 1" in p.stderr, p.stderr
    assert len(max(p.stderr.splitlines(), key=len)) <= 80
    p = run("run", ref["cfg"], "--threads", "x", check=False)
    assert p.returncode == 2 and "not a whole number" in p.stderr
    p = run("sweep", check=False)
    assert p.returncode == 2
    p = run("info", tmp_path / "missing.h5", check=False)
    assert p.returncode == 2


def test_hostile_inputs_fail_cleanly(ref, tmp_path):
    deep = write(tmp_path / "deep.toml", "[a" + ".a" * 50000 + "]\nx = 1\n")
    p = run("run", deep, check=False)
    assert p.returncode == 1 and "deep.toml:1: a table header nests tables 50001 levels deep" in p.stderr, p.stderr
    p = run("run", ref["cfg"], "--set", "campaign.budget=inf", "--out", tmp_path / "x.h5", check=False)
    assert p.returncode == 1 and "campaign.budget: not a finite number" in p.stderr, p.stderr
    fifo = tmp_path / "edges.fifo"
    os.mkfifo(fifo)
    p = run("run", ref["cfg"], "--set", "graph.source=edgelist", "--set", f"graph.path={fifo}",
            "--out", tmp_path / "x.h5", check=False, timeout=30)
    assert p.returncode == 1 and "is a FIFO (named pipe); expected a regular file" in p.stderr, p.stderr
    p = run("info", fifo, check=False, timeout=30)
    assert p.returncode == 1 and "it is not a regular file" in p.stderr, p.stderr
    empty = write(tmp_path / "empty.txt", "# nothing\n")
    p = run("graph", ref["cfg"], "--set", "graph.source=edgelist", "--set", f"graph.path={empty}",
            "--out", tmp_path / "g.h5", check=False)
    assert p.returncode == 1 and "holds no edges (1 lines" in p.stderr, p.stderr
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"1 2\n2 \x00\xff\x1b[31m\n")
    p = subprocess.run([BIN, "graph", str(ref["cfg"]), "--set", "graph.source=edgelist", "--set",
                        f"graph.path={junk}", "--out", str(tmp_path / "g.h5")], capture_output=True)
    assert p.returncode == 1 and b"\\x00\\xFF\\x1B[31m" in p.stderr and b"\x1b" not in p.stderr, p.stderr
    # CR-only line ends, a third column, self-loops and duplicates: counted, stored in /graph.
    cr = tmp_path / "cr.txt"
    cr.write_bytes(b"# mac\r1 2 0.5\r2 3\r3 1\r1 1\r2 1\r3 4\r")
    g = tmp_path / "g.h5"
    p = run("graph", ref["cfg"], "--set", "graph.source=edgelist", "--set", f"graph.path={cr}", "--set",
            "audience.distribution=none", "--out", g)
    assert "6 edge lines of 7; dropped 1 self-loops and 1 duplicate ties" in p.stderr, p.stderr
    with h5py.File(g, "r") as f:
        gr = f["graph"]
        assert gr.attrs["people"] == 4 and gr.attrs["strong_ties"] == 4
        assert gr.attrs["edge_list_edges"] == 6 and gr.attrs["edge_list_self_loops"] == 1
        assert gr.attrs["edge_list_duplicates"] == 1 and gr.attrs["edge_list_lines"] == 7
