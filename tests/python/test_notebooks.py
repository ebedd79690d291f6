"""Both notebooks execute with nbclient (kernel python3) and the package from the build tree:
experiments/nano_vs_mega.ipynb on a result file of the program and, in an empty directory, on the
small experiment it runs itself through the bindings; experiments/tutorial.ipynb from a networkx
graph to nano vs mega. Committed notebooks carry no outputs. About 40 s on 2 cores.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
EXPERIMENTS = REPO / "experiments"
NOTEBOOKS = ["nano_vs_mega.ipynb", "tutorial.ipynb"]
PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """Environment for the kernel: the package on PYTHONPATH (ctest sets it), a python3 kernel spec."""
    from jupyter_client.kernelspec import KernelSpecManager
    env = {"PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if "python3" not in KernelSpecManager().find_kernel_specs():
        prefix = tmp_path_factory.mktemp("jupyter")
        subprocess.run([PYTHON, "-m", "ipykernel", "install", "--prefix", str(prefix)], check=True, capture_output=True)
        env["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    return env


def execute(name, workdir, env, monkeypatch):
    import nbformat
    from nbclient import NotebookClient
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # an inherited Agg would keep %matplotlib inline from drawing
    nb = nbformat.read(EXPERIMENTS / name, as_version=4)
    NotebookClient(nb, timeout=300, startup_timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(workdir)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    return images, text


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_has_no_outputs(name):
    import nbformat
    nb = nbformat.read(EXPERIMENTS / name, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"clear the outputs of {name}"


def test_nano_vs_mega_reads_a_result_file(tmp_path, kernel_env, monkeypatch):
    binary = os.environ.get("NANOREACH_BIN")
    assert binary, "NANOREACH_BIN must name the program (ctest sets it)"
    (tmp_path / "exp.toml").write_text((EXPERIMENTS / "nano_vs_mega.toml").read_text())
    subprocess.run([binary, "run", str(tmp_path / "exp.toml"), "--out", str(tmp_path / "nano_vs_mega.h5"), "--quiet",
                    "--set", "graph.people=20000", "--set", "runs.count=30", "--set", "model.kinds=[\"ic\",\"sir\"]"],
                   check=True, timeout=300)
    monkeypatch.delenv("NANOREACH_RESULT", raising=False)
    images, text = execute("nano_vs_mega.ipynb", tmp_path, kernel_env, monkeypatch)
    assert len(images) >= 3, f"{len(images)} figures"
    assert str(tmp_path / "nano_vs_mega.h5") in text and "running a small" not in text


def test_nano_vs_mega_runs_its_own_small_experiment(tmp_path, kernel_env, monkeypatch):
    monkeypatch.delenv("NANOREACH_RESULT", raising=False)
    images, text = execute("nano_vs_mega.ipynb", tmp_path, kernel_env, monkeypatch)
    assert "running a small nano-vs-mega experiment through the bindings" in text
    assert len(images) >= 3


def test_tutorial(tmp_path, kernel_env, monkeypatch):
    images, text = execute("tutorial.ipynb", tmp_path, kernel_env, monkeypatch)
    assert len(images) >= 3, f"{len(images)} figures"
    assert "nano reaches" in text and "as many people as mega" in text
