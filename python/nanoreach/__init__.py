"""nanoreach: do many nano-influencers spread a message further than a few mega-influencers?

The simulator's C++ core from Python (see README "From Python"):

    import nanoreach as nr
    g = nr.Graph({"graph": {"people": 5000}})                 # or Graph.from_networkx(G), Graph.load(path)
    res = nr.run("experiments/nano_vs_mega.toml", graph=g, seed=1)
    res.summary                                               # pandas, the columns of /summary
    res.save("nano_vs_mega.h5")                               # the file `nanoreach run` writes

Reading result files written by the program: load_runs, load_summary, load_curves, load_config,
load_graph, load_points, file_info (nanoreach.h5). Errors: nanoreach.Error, InputError, ConfigError.
"""
from .errors import ConfigError, Error, InputError
from .h5 import (ResultConfig, curve_groups, file_info, load_config, load_curves, load_graph, load_points, load_runs,
                 load_summary, read_table)

_BINDINGS = ("TIERS", "Cascade", "Graph", "Result", "cascade", "defaults", "experiment_toml", "export_csv", "run")

try:
    from . import _core
except ImportError as _error:
    # The source tree's python/ without a build: the reader works, the bindings say what is missing.
    # (Python unbinds the `as` name when the except clause ends: keep the reason under another name.)
    _missing = str(_error)
    __version__ = "unknown (C++ core not built)"
    git_revision = "unknown"

    def __getattr__(name):
        if name in _BINDINGS:
            raise ImportError(f"nanoreach.{name} needs the C++ core nanoreach._core, which this copy of the package "
                              f"lacks ({_missing}); install the package (pip install --no-build-isolation .) or use "
                              f"build/python after scripts/build.sh")
        raise AttributeError(f"module 'nanoreach' has no attribute {name!r}")
else:
    from .api import TIERS, Cascade, Graph, Result, cascade, defaults, experiment_toml, export_csv, run

    __version__ = _core.version
    git_revision = _core.git_revision

__all__ = [
    "Cascade", "ConfigError", "Error", "Graph", "InputError", "Result", "ResultConfig", "TIERS", "cascade",
    "curve_groups", "defaults", "experiment_toml", "export_csv", "file_info", "load_config", "load_curves",
    "load_graph", "load_points", "load_runs", "load_summary", "read_table", "run",
]
