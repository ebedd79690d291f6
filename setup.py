"""Builds and installs the Python package nanoreach from this checkout, without a network:

    /usr/bin/python3 -m pip install --no-build-isolation --no-index .            (into a venv, or --user)

The pure-Python part is python/nanoreach; its C++ core nanoreach._core is the CMake target `_core`
(sim/python/*.cpp linked with the nanoreach libraries), built here by CMake in Release with the
Python that runs pip. NANOREACH_CMAKE_BUILD_DIR=build reuses an existing CMake build tree (e.g. the
one scripts/build.sh made) instead of configuring a new one, which saves a full compile (the tests
use it). Dependencies come from Debian: python3-numpy, python3-h5py, python3-pandas (not declared:
Debian ships h5py without the metadata pip checks); networkx, scipy and xarray only for the functions
that hand graphs or files to them.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
VERSION = re.search(r"project\(nanoreach VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Builds the `_core` target with CMake and copies the module to where setuptools wants it."""

    def build_extension(self, ext):
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        given = os.environ.get("NANOREACH_CMAKE_BUILD_DIR")
        build = Path(given).resolve() if given else Path(self.build_temp).resolve() / "cmake"
        if not given:
            subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                            "-DNANOREACH_TESTS=OFF", f"-DNANOREACH_PYTHON={sys.executable}"], check=True)
        jobs = os.environ.get("NANOREACH_JOBS", "2")
        subprocess.run(["cmake", "--build", str(build), "--target", "_core", "-j", jobs], check=True)
        built = sorted((build / "python" / "nanoreach").glob("_core*.so"))
        if not built:
            raise RuntimeError(f"the CMake build in {build} made no nanoreach/_core*.so")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


setup(
    name="nanoreach",
    version=VERSION,
    description="Do many nano-influencers spread a message further than a few mega-influencers? Simulation on "
                "Dunbar-bounded social networks",
    python_requires=">=3.9",
    package_dir={"": "python"},
    packages=["nanoreach"],
    ext_modules=[CMakeExtension("nanoreach._core")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
    # Not build/: that is the CMake build tree of scripts/build.sh.
    options={"build": {"build_base": "build-pip"}},
)
