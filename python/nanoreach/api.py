"""nanoreach from Python: graphs, experiments and single cascades on the C++ core (nanoreach._core).

Graph      a social graph: strong ties (undirected, circles 1..4) and audience edges (account ->
           follower), tiers by follower count. Build it from experiment keys, a networkx graph, a
           scipy sparse matrix, an edge array, or a graph saved by `nanoreach graph --save-graph`.
run        one experiment, exactly as `nanoreach run` runs it; returns a Result.
Result     .runs, .summary (DataFrames with the file's columns), .curves(strategy, model), .config,
           .graph, .info, .save(path) (the file the program writes), .path.
cascade    one cascade with who activated whom, for teaching and debugging.

An experiment is a dict ({"graph": {"people": 5000}, "strategy": [...]}), TOML text, or a path to a
TOML file; keys and messages are the program's (`nanoreach run --print-defaults` lists them,
nanoreach.defaults() returns that text). Errors are nanoreach.ConfigError / InputError / Error.
Graph arrays are read-only numpy views of the C++ graph (no copies).
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import _core
from . import h5 as _h5

__all__ = ["Graph", "Result", "Cascade", "run", "cascade", "export_csv", "defaults", "experiment_toml", "TIERS"]

TIERS = ("ordinary", "nano", "micro", "macro", "mega")


def _experiment(experiment):
    """None, a dict, a path, or TOML text; a str naming an existing file is that file."""
    if isinstance(experiment, str) and "\n" not in experiment and os.path.isfile(experiment):
        return Path(experiment)
    return experiment


def _seed(seed):
    if seed is None:
        return None
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return seed


def _nodes(values, what: str) -> np.ndarray:
    a = np.asarray(values)
    if a.size and (not np.issubdtype(a.dtype, np.integer) or a.min() < 0 or a.max() >= 2**32 - 1):
        raise ValueError(f"{what}: node ids must be integers in [0, 2^32 - 1)")
    return np.ascontiguousarray(a, dtype=np.uint32).reshape(-1)


class Graph:
    """A social graph on the C++ core. Graph(experiment=None, seed=None) builds the graph of an
    experiment's [graph], [audience] and [tiers] keys (a dict, TOML text or a TOML file; None: the
    default 1,000,000-person Dunbar network).

    Arrays (numpy, read-only views, no copies): degree (strong ties per person), followers,
    tier (0 ordinary .. 4 mega, names in nanoreach.TIERS), strong_offsets / strong_targets /
    strong_circle and audience_offsets / audience_targets (CSR, int64 offsets; row u of the audience
    layer lists u's followers). nodes: the original labels of an imported graph (person i is
    nodes[i]), else None.
    """

    def __init__(self, experiment=None, seed=None, *, _core_graph=None, _labels=None):
        self._g = _core_graph if _core_graph is not None else _core.Graph.from_config(_experiment(experiment), _seed(seed))
        self.nodes = _labels

    # -- construction from other tools
    @classmethod
    def from_edges(cls, edges, people=None, directed=False, circle=None, experiment=None, seed=None,
                   nodes=None, source="edges"):
        """A graph from an (m, 2) array of edges (u, v), ids 0..people-1 (people: default max id + 1).

        As the edge-list reader does: undirected edges are strong ties, with an audience generated on
        top from the experiment's [audience] keys (audience.distribution = "none" for none);
        directed edges u -> v mean v follows u: reciprocated pairs are strong ties, the rest audience
        edges, and no audience is generated. circle: one circle 1..4 for every tie (default
        graph.circle) or one per edge.
        """
        e = np.asarray(edges)
        if e.size == 0:
            e = e.reshape(0, 2)
        if e.ndim != 2 or e.shape[1] != 2:
            raise ValueError(f"edges must be an array of shape (m, 2), got shape {e.shape}")
        src, dst = _nodes(e[:, 0], "edges"), _nodes(e[:, 1], "edges")
        if people is None:
            people = int(max(src.max(initial=0), dst.max(initial=0))) + 1 if len(src) else 0
        circles = None
        if circle is not None and np.ndim(circle) > 0:
            circles = np.ascontiguousarray(circle, dtype=np.uint8)
        elif circle is not None:
            experiment = _with_key(experiment, "graph", "circle", int(circle))
        g = _core.Graph.from_edges(int(people), src, dst, circles, bool(directed), _experiment(experiment),
                                   _seed(seed), source)
        return cls(_core_graph=g, _labels=nodes)

    @classmethod
    def from_networkx(cls, G, experiment=None, seed=None, circle=None):
        """A graph from a networkx graph: people are G's nodes in G.nodes order (labels in .nodes).

        A Graph or DiGraph follows the edge-list rule (see from_edges). An edge attribute "circle"
        (1..4) gives each tie its circle. Edges that all carry "kind" ("strong" or "audience", as
        to_networkx writes them) are taken as that layer, so a graph survives the round trip.
        """
        nodes = list(G.nodes)
        index = {v: i for i, v in enumerate(nodes)}
        edges = list(G.edges(data=True))
        src = np.fromiter((index[u] for u, _, _ in edges), dtype=np.uint32, count=len(edges))
        dst = np.fromiter((index[v] for _, v, _ in edges), dtype=np.uint32, count=len(edges))
        if edges and all("kind" in d for _, _, d in edges):
            kinds = np.array([d["kind"] for _, _, d in edges])
            bad = set(kinds) - {"strong", "audience"}
            if bad:
                raise ValueError(f"edge attribute 'kind' must be 'strong' or 'audience', got {sorted(bad)}")
            s, a = kinds == "strong", kinds == "audience"
            strong = [d for _, _, d in edges if d["kind"] == "strong"]
            strong_circles = None
            if strong and all("circle" in d for d in strong):
                strong_circles = np.fromiter((d["circle"] for d in strong), dtype=np.uint8, count=len(strong))
            if circle is not None:
                experiment = _with_key(experiment, "graph", "circle", int(circle))
            g = _core.Graph.from_layers(len(nodes), src[s], dst[s], strong_circles, src[a], dst[a],
                                        _experiment(experiment), _seed(seed), "networkx")
            return cls(_core_graph=g, _labels=nodes)
        have_circle = bool(edges) and all("circle" in d for _, _, d in edges)
        circles = np.fromiter((d["circle"] for _, _, d in edges), dtype=np.uint8, count=len(edges)) if have_circle else None
        return cls.from_edges(np.column_stack([src, dst]), people=len(nodes), directed=G.is_directed(),
                              circle=circles if circles is not None else circle, experiment=experiment, seed=seed,
                              nodes=nodes, source="networkx")

    @classmethod
    def from_scipy(cls, matrix, directed=None, experiment=None, seed=None, circle=None):
        """A graph from a square scipy sparse matrix: every stored nonzero (i, j) is an edge i -> j.

        directed=None decides by symmetry (a symmetric matrix is an undirected graph). circle gives
        the ties' circle (see from_edges); circle="values" reads each edge's circle (1..4) from the
        matrix, as to_scipy("strong") writes it.
        """
        coo = matrix.tocoo()
        if coo.shape[0] != coo.shape[1]:
            raise ValueError(f"the matrix must be square, got shape {coo.shape}")
        keep = coo.data != 0
        rows, cols = coo.row[keep], coo.col[keep]
        if isinstance(circle, str):
            if circle != "values":
                raise ValueError(f"circle must be a number 1..4, an array or 'values', got {circle!r}")
            values = coo.data[keep]
            if not np.isin(values, [1, 2, 3, 4]).all():
                raise ValueError("circle='values': the matrix's values must be circles 1..4")
            circle = values.astype(np.uint8)
        if directed is None:
            pattern = matrix.copy().astype(bool).astype(np.int8)
            directed = (pattern != pattern.T).nnz > 0
        return cls.from_edges(np.column_stack([rows, cols]), people=coo.shape[0], directed=directed, circle=circle,
                              experiment=experiment, seed=seed, source="scipy")

    @classmethod
    def load(cls, path, experiment=None, seed=None):
        """A graph saved by `nanoreach graph --save-graph` (or output.save_graph); tiers are cut by the
        experiment's [tiers] keys (default: the defaults)."""
        return cls(_core_graph=_core.Graph.load(os.fspath(path), _experiment(experiment), _seed(seed)))

    # -- what it holds
    people = property(lambda self: self._g.people, doc="number of people")
    degree = property(lambda self: self._g.degree, doc="strong ties per person (uint32 view)")
    followers = property(lambda self: self._g.followers, doc="followers (audience size) per person (uint32 view)")
    tier = property(lambda self: self._g.tier, doc="tier code per person, 0 ordinary .. 4 mega (uint8 view)")
    strong_offsets = property(lambda self: self._g.strong_offsets, doc="CSR offsets of the strong layer (int64)")
    strong_targets = property(lambda self: self._g.strong_targets, doc="CSR targets of the strong layer (uint32)")
    strong_circle = property(lambda self: self._g.strong_circle, doc="circle 1..4 of each strong tie (uint8)")
    audience_offsets = property(lambda self: self._g.audience_offsets, doc="CSR offsets of the audience layer (int64)")
    audience_targets = property(lambda self: self._g.audience_targets, doc="followers of each account, CSR (uint32)")

    @property
    def stats(self) -> dict:
        """The statistics `nanoreach graph` prints (people, strong_ties, clustering, tier_counts, ...)."""
        return self._g.stats

    @property
    def tiers(self):
        """People per tier as a pandas Series indexed by tier name."""
        import pandas as pd
        return pd.Series(self._g.stats["tier_counts"], index=list(TIERS), name="people")

    def tier_names(self) -> np.ndarray:
        """Each person's tier as a name (a new array of str)."""
        return np.asarray(TIERS, dtype=object)[self.tier]

    def people_of_tier(self, tier: str) -> np.ndarray:
        """Ids of the people of one tier ("ordinary", "nano", ..., "mega")."""
        return np.flatnonzero(self.tier == TIERS.index(tier)).astype(np.uint32)

    def to_scipy(self, layer: str = "strong"):
        """The layer as a scipy.sparse.csr_matrix (people x people): "strong" (values: circles),
        "audience" (values 1; row u = u's followers) or "all" (strong circles + audience 1s)."""
        import scipy.sparse as sp
        n = self.people
        strong = sp.csr_matrix((self.strong_circle, self.strong_targets, self.strong_offsets), shape=(n, n))
        audience = sp.csr_matrix((np.ones(len(self.audience_targets), dtype=np.uint8), self.audience_targets,
                                  self.audience_offsets), shape=(n, n))
        if layer == "strong":
            return strong
        if layer == "audience":
            return audience
        if layer == "all":
            return (strong + audience).tocsr()
        raise ValueError(f"layer must be 'strong', 'audience' or 'all', got {layer!r}")

    def to_networkx(self):
        """A networkx.DiGraph: strong ties both ways (kind="strong", circle=c), audience edges account ->
        follower (kind="audience"); node attributes tier (name) and followers. Node labels are .nodes
        when the graph was imported with labels, else 0..people-1. A follower drawn uniformly from
        everyone may be a friend already, or listed twice: a simple graph keeps that edge once, as the
        strong tie when there is one."""
        import networkx as nx
        G = nx.DiGraph()
        label = self.nodes if self.nodes is not None else range(self.people)
        names = self.tier_names()
        G.add_nodes_from((label[i], {"tier": names[i], "followers": int(self.followers[i])}) for i in range(self.people))
        rows = np.repeat(np.arange(self.people), np.diff(self.strong_offsets))
        G.add_edges_from((label[u], label[v], {"kind": "strong", "circle": int(c)})
                         for u, v, c in zip(rows, self.strong_targets, self.strong_circle))
        rows = np.repeat(np.arange(self.people), np.diff(self.audience_offsets))
        G.add_edges_from((label[u], label[v], {"kind": "audience"}) for u, v in zip(rows, self.audience_targets)
                         if not G.has_edge(label[u], label[v]))
        return G

    def __repr__(self) -> str:
        s = self.stats
        return (f"<nanoreach.Graph {s['source']}: {s['people']:,} people, {s['strong_ties']:,} strong ties, "
                f"{s['audience_edges']:,} audience edges>")


def _with_key(experiment, section: str, key: str, value):
    """The experiment with one more key (only for dicts and None; text and files get a TOML line)."""
    if experiment is None:
        return {section: {key: value}}
    if isinstance(experiment, dict):
        out = dict(experiment)
        out[section] = dict(out.get(section, {}), **{key: value})
        return out
    raise ValueError(f"give {section}.{key} inside the experiment when it is text or a file")


class Result:
    """The result of nanoreach.run: a result file (kept in a temporary directory until saved, or at
    `out`) read through nanoreach's reader."""

    def __init__(self, path: Path, tmpdir: str | None):
        self.path = Path(path)
        self._cache = {}
        if tmpdir is not None:
            self._cleanup = weakref.finalize(self, shutil.rmtree, tmpdir, True)

    def _get(self, name, load):
        if name not in self._cache:
            self._cache[name] = load(self.path)
        return self._cache[name]

    @property
    def runs(self):
        """/runs as a DataFrame: one row per run, the file's columns."""
        return self._get("runs", _h5.load_runs)

    @property
    def summary(self):
        """/summary as a DataFrame: one row per strategy and model."""
        return self._get("summary", _h5.load_summary)

    @property
    def config(self):
        """The experiment as run (every key, defaults filled in) as a dict; .text is its TOML."""
        return self._get("config", _h5.load_config)

    @property
    def graph(self) -> dict:
        """/graph: the graph's statistics and histograms."""
        return self._get("graph", _h5.load_graph)

    @property
    def info(self) -> dict:
        """The root attributes: version, seed, threads, times, complete."""
        return self._get("info", _h5.file_info)

    def curves(self, strategy: str, model: str = "ic", cumulative: bool = True):
        """Adoption curves, runs x steps (see nanoreach.load_curves)."""
        return _h5.load_curves(self.path, strategy, model, cumulative=cumulative)

    def save(self, path, overwrite: bool = False) -> Path:
        """Writes the result file to `path`: the file `nanoreach run` writes for the same experiment and
        seed (only start_time, end_time, host, command_line and /graph build_seconds differ)."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} already exists; pass overwrite=True to replace it")
        shutil.copyfile(self.path, path)
        return path

    def export_csv(self, directory, overwrite: bool = False) -> list[Path]:
        """The file's tables and curves as CSV files (as `nanoreach export --format csv`)."""
        return export_csv(self.path, directory, overwrite)

    def __repr__(self) -> str:
        cols = [c for c in ("strategy", "model", "runs", "seeds_mean", "cost_mean", "reach_mean", "reach_ci95_low",
                            "reach_ci95_high") if c in self.summary.columns]
        return f"<nanoreach.Result {self.path}>\n{self.summary[cols].to_string(index=False)}"


def run(experiment=None, graph: Graph | None = None, threads: int | None = None, seed: int | None = None,
        out=None, overwrite: bool = False) -> Result:
    """Runs an experiment as `nanoreach run` does (same code, same file, same bytes for the same seed)
    and returns its Result.

    experiment: a dict, TOML text or a TOML file. graph: a Graph to use instead of the experiment's
    [graph], [audience] and [tiers] (the file's /graph then describes that graph). threads: OpenMP
    threads for this call (default: all cores). seed: overrides the experiment's seed (as --seed).
    out: write the result file there (default: a temporary file, kept until the Result is gone; save()
    copies it). Ctrl-C stops at the next run boundary and raises KeyboardInterrupt; the finished runs
    are in OUT.partial.
    """
    tmpdir = None
    if out is None:
        tmpdir = tempfile.mkdtemp(prefix="nanoreach-")
        out = Path(tmpdir) / "result.h5"
    out = Path(out)
    try:
        report = _core.run(_experiment(experiment), graph._g if graph is not None else None,
                           None if threads is None else int(threads), _seed(seed), os.fspath(out), bool(overwrite),
                           f"nanoreach.run (Python {sys.version.split()[0]})")
    except Exception:  # not KeyboardInterrupt: its message names the OUT.partial that keeps the finished runs
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    return Result(Path(report["written"]), tmpdir)


@dataclass
class Cascade:
    """One cascade: people in order of activation (seeds first), the step at which each activated and
    who activated them (-1 for seeds); reach, the adoption curve (people active by step t), steps."""

    people: np.ndarray
    step: np.ndarray
    activator: np.ndarray
    reach: int
    seeds: int
    steps: int
    curve: np.ndarray
    infected: np.ndarray
    truncated: bool

    def to_frame(self):
        """A DataFrame with columns person, step, activator."""
        import pandas as pd
        return pd.DataFrame({"person": self.people, "step": self.step, "activator": self.activator})

    def tree(self):
        """The cascade as a networkx.DiGraph of activator -> person edges (attribute step)."""
        import networkx as nx
        T = nx.DiGraph()
        T.add_nodes_from((int(p), {"step": int(s)}) for p, s in zip(self.people, self.step))
        T.add_edges_from((int(a), int(p)) for p, a in zip(self.people, self.activator) if a >= 0)
        return T


def cascade(graph: Graph, seeds, model: str = "ic", p: float | None = None, experiment=None, seed: int | None = None,
            run: int = 0) -> Cascade:
    """One cascade from `seeds` on `graph`, with who activated whom.

    model: "ic", "threshold" or "sir". p: every edge fires with probability p (ic; sir: per step),
    instead of the experiment's campaign (virality x trust x circle weight or engagement). The random
    streams are those of run `run` of `nanoreach run` with the experiment's seed (or `seed`), so the
    reach and curve equal that run's for the same seed set. Computed by the reference implementation:
    meant for graphs of a few thousand people.
    """
    d = _core.cascade(graph._g, _nodes(seeds, "seeds"), model, None if p is None else float(p),
                      _experiment(experiment), _seed(seed), int(run))
    return Cascade(**d)


def export_csv(result, directory, overwrite: bool = False) -> list[Path]:
    """Writes runs.csv, summary.csv, points.csv (sweeps) and curves/<strategy>/<model>.csv."""
    return [Path(p) for p in _core.export_csv(os.fspath(result), os.fspath(directory), bool(overwrite))]


def defaults() -> str:
    """A complete, annotated experiment file with every key at its default (TOML text)."""
    return _core.print_defaults()


def experiment_toml(experiment=None, seed: int | None = None) -> str:
    """The experiment with every key filled in, as TOML (checks every key, as run() would)."""
    return _core.experiment_toml(_experiment(experiment), _seed(seed))
