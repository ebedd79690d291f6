"""The Slurm templates (scripts/slurm/) against a mock Slurm.

The mock `sbatch` does what matters here as Slurm does it: it copies the job script to a spool
folder (so a job cannot find files next to its script), records the submission (array, dependency,
exported environment, the #SBATCH or command-line CPUs, the submit directory) and prints a job id.
The tests then run each job's spool copy the way slurmd would: from a working directory that is
neither the repository nor the submit directory, with SLURM_* variables set. The mock `srun` records
its options and runs the command; a mock `module` records what was loaded.

Checked: paths work when submitting from anywhere; the submit step runs on the login node (no job of
its own); the merge job is light and runs after every task (afterany); srun is given
--cpus-per-task; a missing shard makes the merge name it and print a command that resubmits it,
which works; shards of an earlier submission are refused; the MPI template finds its files from
SLURM_SUBMIT_DIR. Uses $NANOREACH_BIN on a 20,000-person sweep (a few seconds).
"""
import json
import os
import re
import shlex
import stat
import subprocess
from pathlib import Path

import h5py
import numpy as np

BIN = os.path.abspath(os.environ["NANOREACH_BIN"])
SOURCE = Path(os.environ["NANOREACH_SOURCE"])
SLURM = SOURCE / "scripts" / "slurm"

SWEEP = """seed = 9
[graph]
people = 20000
[campaign]
budget = 20000
[runs]
count = 10
[[strategy]]
name = "nano"
kind = "budget"
tier = "nano"
[sweep]
campaign.virality = [0.02, 0.03, 0.04, 0.05]
"""

MOCK_SBATCH = r'''#!/usr/bin/python3
"""Mock sbatch: spool the script, record the job, print its id."""
import json, os, re, shutil, sys
state = os.environ["MOCK_SLURM"]
jobs = os.path.join(state, "jobs.jsonl")
n = sum(1 for _ in open(jobs)) if os.path.exists(jobs) else 0
job_id = 1000 + n
opts, args = {}, sys.argv[1:]
while args and args[0].startswith("--"):
    key, _, value = args.pop(0)[2:].partition("=")
    opts[key] = value
script, script_args = args[0], args[1:]
spool = os.path.join(state, "spool", f"job{job_id}")
os.makedirs(spool)
shutil.copy(script, os.path.join(spool, "slurm_script"))
cpus = opts.get("cpus-per-task")
for line in open(script):
    m = re.match(r"#SBATCH --cpus-per-task=(\d+)", line)
    if m and cpus is None:
        cpus = m.group(1)
export = {}
for item in opts.get("export", "ALL").split(",")[1:]:
    k, _, v = item.partition("=")
    export[k] = v if _ else os.environ.get(k, "")
if opts.get("export", "ALL").startswith("ALL"):
    export = {**{k: v for k, v in os.environ.items() if k.startswith("NANOREACH")}, **export}
with open(jobs, "a") as f:
    f.write(json.dumps(dict(id=job_id, script=os.path.abspath(script), spool=os.path.join(spool, "slurm_script"),
                            args=script_args, array=opts.get("array"), dependency=opts.get("dependency"),
                            cpus=int(cpus or 1), export=export, submit_dir=os.getcwd())) + "\n")
print(job_id if "parsable" in opts else f"Submitted batch job {job_id}")
'''

MOCK_SRUN = r'''#!/usr/bin/python3
"""Mock srun: record the options, run the command."""
import json, os, sys
args = sys.argv[1:]
opts = []
while args and args[0].startswith("-"):
    opts.append(args.pop(0))
with open(os.path.join(os.environ["MOCK_SLURM"], "srun.jsonl"), "a") as f:
    f.write(json.dumps(dict(opts=opts, cmd=args, omp=os.environ.get("OMP_NUM_THREADS"))) + "\n")
os.execvp(args[0], args)
'''

MOCK_MODULE = r'''#!/bin/sh
echo "$*" >> "$MOCK_SLURM/module.log"
'''


def _executable(path: Path, text: str):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _slurm(tmp_path):
    """A mock Slurm: (env for commands, state dir)."""
    state = tmp_path / "slurm"
    (state / "bin").mkdir(parents=True)
    _executable(state / "bin" / "sbatch", MOCK_SBATCH)
    _executable(state / "bin" / "srun", MOCK_SRUN)
    _executable(state / "bin" / "module", MOCK_MODULE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "NANOREACH", "SHARDS", "ONLY", "FORCE"))}
    env.update(PATH=f"{state / 'bin'}:{env['PATH']}", MOCK_SLURM=str(state))
    return env, state


def _jobs(state):
    path = state / "jobs.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _array_indices(spec):
    out = []
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def _run_job(job, env, elsewhere, task=None):
    """Runs a job's spool copy as slurmd would: SLURM_* set, started in `elsewhere`."""
    e = dict(env, **job["export"], SLURM_JOB_ID=str(job["id"]), SLURM_SUBMIT_DIR=job["submit_dir"],
             SLURM_CPUS_PER_TASK=str(job["cpus"]), SLURM_JOB_NAME="nanoreach")
    if task is not None:
        e.update(SLURM_ARRAY_JOB_ID=str(job["id"]), SLURM_ARRAY_TASK_ID=str(task))
    return subprocess.run(["bash", job["spool"], *job["args"]], cwd=elsewhere, env=e, capture_output=True,
                          text=True, timeout=600)


def _run_all(jobs, env, elsewhere):
    """Runs array jobs task by task, then their afterany dependants; returns {job id: [results]}."""
    out = {}
    for job in jobs:
        if job["array"]:
            out[job["id"]] = [_run_job(job, env, elsewhere, t) for t in _array_indices(job["array"])]
    for job in jobs:
        if not job["array"]:
            assert job["dependency"] and job["dependency"].startswith("afterany:"), job
            assert int(job["dependency"].split(":")[1]) in out, job
            out[job["id"]] = [_run_job(job, env, elsewhere)]
    return out


def _datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def _same(a, b):
    da, db = _datasets(a), _datasets(b)
    assert sorted(da) == sorted(db)
    for k in da:
        if "build_seconds" not in k:
            assert np.array_equal(da[k], db[k], equal_nan=da[k].dtype.kind == "f"), k


def test_array_sweep_from_another_directory_merges_to_the_single_process_file(tmp_path):
    env, state = _slurm(tmp_path)
    submit = tmp_path / "my project"  # not the repository; a space in the path on purpose
    elsewhere = tmp_path / "node-scratch"
    submit.mkdir()
    elsewhere.mkdir()
    (submit / "sweep.toml").write_text(SWEEP)
    single = tmp_path / "single.h5"
    subprocess.run([BIN, "sweep", str(submit / "sweep.toml"), "--out", str(single), "--quiet"], check=True)

    sub_env = dict(env, SHARDS="3", NANOREACH=BIN, NANOREACH_MODULES="hdf5 openmpi")
    p = subprocess.run(["bash", str(SLURM / "sweep.sh"), "sweep.toml", "out"], cwd=submit, env=sub_env,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    jobs = _jobs(state)
    assert len(jobs) == 2, jobs  # the submit step itself is no job: it ran here, on the "login node"
    array, merge = jobs
    assert array["array"] == "1,2,3" and Path(array["script"]).name == "sweep-shard.sbatch"
    assert merge["dependency"] == f"afterany:{array['id']}"  # one failed shard must not block the merge
    assert array["cpus"] == 8 and merge["cpus"] == 1  # the merge job asks for little
    assert all(os.path.isabs(a) for a in array["args"] + merge["args"]), (array["args"], merge["args"])

    results = _run_all(jobs, env, elsewhere)
    for r in results[array["id"]] + results[merge["id"]]:
        assert r.returncode == 0, r.stdout + r.stderr
    runs = [json.loads(line) for line in (state / "srun.jsonl").read_text().splitlines()]
    assert len(runs) == 3
    assert all("--cpus-per-task=8" in r["opts"] and r["omp"] == "8" for r in runs), runs
    assert (state / "module.log").read_text().split("\n")[0] == "load hdf5 openmpi"
    out = submit / "out"
    assert sorted(p.name for p in out.glob("*.h5")) == ["sweep.h5"] + [f"sweep.shard-000{i}-of-0003.h5" for i in (1, 2, 3)]
    _same(single, out / "sweep.h5")
    assert not list(elsewhere.iterdir())  # nothing was written where the job started

    # A shard that did not finish: the merge names it and prints the resubmit line, which works.
    (out / "sweep.shard-0002-of-0003.h5").unlink()
    (out / "sweep.h5").unlink()
    r = _run_job(merge, env, elsewhere)
    assert r.returncode == 1 and "1 of 3 shards did not finish: 2" in r.stderr, r.stderr
    assert not (out / "sweep.h5").exists()
    line = [x for x in r.stderr.splitlines() if "ONLY=" in x][0].strip()
    words = shlex.split(line)  # the line is meant to be pasted into a shell: paths are quoted
    assert words[:2] == ["ONLY=2", "SHARDS=3"] and words[2] == f"NANOREACH={BIN}", words
    assert words[3:] == [str(SLURM / "sweep.sh"), str(submit / "sweep.toml"), str(out)], words
    before = len(_jobs(state))
    p = subprocess.run(["bash", *words[3:]], cwd=tmp_path, env=dict(env, **dict(w.split("=", 1) for w in words[:3])),
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    new = _jobs(state)[before:]
    assert [j["array"] for j in new] == ["2", None]
    for rs in _run_all(new, env, elsewhere).values():
        for r in rs:
            assert r.returncode == 0, r.stdout + r.stderr
    _same(single, out / "sweep.h5")

    # Shards of that submission are not silently taken for a new one.
    p = subprocess.run(["bash", str(SLURM / "sweep.sh"), "sweep.toml", "out"], cwd=submit, env=sub_env,
                       capture_output=True, text=True)
    assert p.returncode == 1 and "exist already" in p.stderr and "FORCE=1" in p.stderr, p.stderr


def test_submit_step_refuses_what_would_fail_later(tmp_path):
    env, state = _slurm(tmp_path)
    (tmp_path / "sweep.toml").write_text(SWEEP)
    cases = [
        (["missing.toml"], {}, "no experiment file missing.toml"),
        (["sweep.toml"], {"NANOREACH": str(tmp_path / "nope")}, "no nanoreach program"),
        (["sweep.toml"], {"NANOREACH": BIN, "SHARDS": "0"}, "SHARDS must be a positive integer"),
        (["sweep.toml"], {"NANOREACH": BIN, "ONLY": "2"}, "submit the whole sweep first"),
        (["sweep.toml"], {"NANOREACH": BIN, "SLURM_ARRAY_TASK_ID": "1"}, "login node"),
    ]
    for args, extra, message in cases:
        p = subprocess.run(["bash", str(SLURM / "sweep.sh"), *args], cwd=tmp_path, env=dict(env, **extra),
                           capture_output=True, text=True)
        assert p.returncode == 1 and message in p.stderr, (args, extra, p.stderr)
    assert not _jobs(state)


def test_mpi_template_takes_paths_from_the_submit_directory(tmp_path):
    env, state = _slurm(tmp_path)
    submit, elsewhere = tmp_path / "submit", tmp_path / "elsewhere"
    submit.mkdir()
    elsewhere.mkdir()
    (submit / "sweep.toml").write_text(SWEEP)
    p = subprocess.run(["sbatch", str(SLURM / "sweep-mpi.sbatch"), "sweep.toml", "mpi.h5"], cwd=submit,
                       env=dict(env, NANOREACH=BIN), capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    (job,) = _jobs(state)
    r = _run_job(job, env, elsewhere)
    assert r.returncode == 0, r.stdout + r.stderr
    (run,) = [json.loads(line) for line in (state / "srun.jsonl").read_text().splitlines()]
    assert "--cpus-per-task=16" in run["opts"] and run["omp"] == "16", run
    assert (submit / "mpi.h5").exists() and not list(elsewhere.iterdir())
    # Without NANOREACH and without build/nanoreach in the submit directory or on PATH: a clear error.
    job["export"].pop("NANOREACH", None)
    r = _run_job(job, env, elsewhere)
    assert r.returncode == 1 and "set NANOREACH=" in r.stderr, r.stderr
