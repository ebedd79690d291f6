"""Smoke tests of the issue-7 experiments (experiments/README.md, "Results"): every experiment file
runs through the real program in a small `--set` variant (20,000 people or fewer, a few runs, few
sweep points) in a temporary directory, and the analysis script that draws its figure produces it.

Needs $NANOREACH_BIN (tests/python/CMakeLists.txt sets it); skipped without it. About 30-60 s on
2 cores. By hand:
    NANOREACH_BIN=build/nanoreach /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python/test_experiments.py
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
SCRIPTS = Path(os.environ.get("NANOREACH_SCRIPTS", REPO / "scripts")).resolve()
EXPERIMENTS = REPO / "experiments"
BIN = os.path.abspath(os.environ["NANOREACH_BIN"]) if os.environ.get("NANOREACH_BIN") else None
PYTHON = "/usr/bin/python3"

pytestmark = pytest.mark.skipif(not BIN or not Path(BIN).exists(),
                                reason="NANOREACH_BIN is not set to the nanoreach program")

SMALL = ["--set", "graph.people=20000", "--set", "runs.count=5", "--set", "runs.min=5", "--set", "runs.batch=5"]

# experiment file -> extra --set overrides that shrink its sweep (the small variant)
SWEEPS = {
    "nano_vs_mega_phase": SMALL + ["--set", "sweep.campaign.virality=[0.02,0.05]",
                                   "--set", "sweep.campaign.budget=[5000,50000]"],
    # a 20,000-person network's mega tier (>= 2,000 followers) holds ~100,000 followers in all
    "nano_vs_mega_nominal": SMALL + [a for s in ("nano", "micro", "mega")
                                     for a in ("--set", f"sweep.strategy.{s}.reach=[20000,20000]")]
                                  + ["--set", "sweep.campaign.virality=[0.03,0.05]"],
    "nano_vs_mega_phase_optimal": SMALL + ["--set", "sweep.campaign.virality=[0.02]",
                                           "--set", "sweep.campaign.budget=[5000,50000]"],
    "nano_vs_mega_structure": SMALL + ["--set", "sweep.graph.rewire=[0.05]"],
    "who_drives": SMALL + ["--set", "sweep.campaign.virality=[0.03,0.07]"],
    "fatigue": SMALL + ["--set", "sweep.campaign.virality=[0.03,0.03,0.05]",
                        "--set", "sweep.strategy.nano.sponsored_posts=[0,10,0]",
                        "--set", "sweep.strategy.mega_tired.sponsored_posts=[0,10,0]"],
    "no_fanbase": SMALL + ["--set", "sweep.campaign.virality=[0.03,0.03]",
                           "--set", "sweep.campaign.affinity=[1.0,0.2]",
                           "--set", "sweep.strategy.nano_nofan.sponsored_posts=[0,15]"],
    "watts_dodds_2007": ["--set", "graph.people=2000", "--set", "runs.count=50", "--set", "runs.batch=50",
                         "--set", "sweep.graph.mean_degree=[1,3,8]", "--set", "sweep.model.threshold.phi=[0.18]"],
    "watts_dodds_dunbar": ["--set", "graph.people=5000", "--set", "runs.count=5",
                           "--set", "strategy.random_10pct.k=500",
                           "--set", "sweep.model.threshold.absolute=[false,true]",
                           "--set", "sweep.model.threshold.phi=[0.18,1]",
                           "--set", "sweep.campaign.circle_weights=[[1,1,1,1],[1,0.5,0.25,0.1]]"],
    # 20,000 people cannot hold the article's tiers: automatic ones, two of the fifteen cells
    "nano_vs_mega_scale": SMALL + ["--set", "tiers.mode=\"automatic\"", "--set", "sweep.campaign.virality=[0.03,0.03]",
                                   "--set", "sweep.campaign.budget=[5000,50000]"],
    "nano_vs_mega_supercritical": SMALL + ["--set", "tiers.mode=\"automatic\""],
    "nano_vs_mega_weare8": SMALL + ["--set", "tiers.mode=\"automatic\""]
                                 + [a for s in ("nano", "micro", "mega") for a in ("--set", f"sweep.strategy.{s}.reach=[5000,20000]")],
    "nano_vs_mega_snap": ["--set", f'graph.path="{REPO / "tests/data/snap-ego-facebook.txt"}"', "--set", "runs.count=20",
                          "--set", 'sweep.graph.source=["edgelist","dunbar"]', "--set", "sweep.graph.circle=[2,2]",
                          "--set", "sweep.graph.size_mean=[150,49.65]", "--set", "sweep.campaign.virality=[0.03,0.03]"],
}


def _run(cmd, cwd):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
    return p


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Runs every experiment's small variant once; {name: path of its .h5}."""
    d = tmp_path_factory.mktemp("experiments")
    out = {}
    for name, extra in SWEEPS.items():
        h5 = d / f"{name}.h5"
        _run([BIN, "sweep", EXPERIMENTS / f"{name}.toml", "--out", h5, "--quiet", "--threads", "2", *extra], d)
        assert h5.exists()
        out[name] = h5
    return out


def test_every_experiment_file_is_covered():
    # the default one has its own tests, the billion-person one test_billion_file below
    have = {p.stem for p in EXPERIMENTS.glob("*.toml")} - {"nano_vs_mega", "nano_vs_mega_billion"}
    assert have <= set(SWEEPS), f"experiment files without a small variant here: {sorted(have - set(SWEEPS))}"


def _png(path: Path):
    assert path.exists() and path.stat().st_size > 10_000, path
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_phase_and_nominal(results, tmp_path):
    prefix = tmp_path / "phase"
    _run([PYTHON, SCRIPTS / "plot_phase.py", results["nano_vs_mega_phase"], "--nominal",
          results["nano_vs_mega_nominal"], "--optimal", results["nano_vs_mega_phase_optimal"], "-o", prefix], tmp_path)
    for suffix in ("", "_curves", "_nominal"):
        _png(Path(f"{prefix}{suffix}.png"))
    import pandas as pd
    t = pd.read_csv(f"{prefix}.csv")
    assert set(t["strategy"]) == {"nano", "micro", "macro", "mega", "ordinary"}
    assert len(t) == 2 * 2 * 5
    # $5,000 buys no mega account: zero seeds, zero reach, and the ratio is not a number.
    cheap = t[(t.budget == 5000) & (t.strategy == "mega")]
    assert (cheap["seeds_mean"] == 0).all() and (cheap["reach_mean"] == 0).all()
    # The optimal set, on the same graph at the viralities it was run for: each strategy's reach as
    # a share of it, equal to the ratio of the two files' means.
    best = pd.read_csv(f"{prefix}_optimal.csv")
    assert list(best["virality"]) == [0.02, 0.02] and list(best["budget"]) == [5000, 50000]
    for b in best.itertuples():
        nano = t[(t.virality == b.virality) & (t.budget == b.budget) & (t.strategy == "nano")].iloc[0]
        assert abs(b.nano_share - nano.reach_mean / b.optimal_reach) <= 1e-5 * b.nano_share
        assert b.nano_share_low < b.nano_share < b.nano_share_high
    # A phase file and an optimal file of another graph are refused.
    other = _run([BIN, "sweep", EXPERIMENTS / "nano_vs_mega_phase_optimal.toml", "--out", tmp_path / "o.h5", "--quiet",
                  *SWEEPS["nano_vs_mega_phase_optimal"], "--set", "seed=3"], tmp_path)
    assert other.returncode == 0
    p = subprocess.run([PYTHON, SCRIPTS / "plot_phase.py", results["nano_vs_mega_phase"], "--optimal", tmp_path / "o.h5",
                        "-o", tmp_path / "x"], capture_output=True, text=True)
    assert p.returncode != 0 and "another graph" in p.stderr


def test_structure(results, tmp_path):
    prefix = tmp_path / "structure"
    _run([PYTHON, SCRIPTS / "analyze_experiments.py", "structure", results["nano_vs_mega_structure"], "-o", prefix],
         tmp_path)
    _png(Path(f"{prefix}.png"))


def test_who(results, tmp_path):
    prefix = tmp_path / "who"
    _run([PYTHON, SCRIPTS / "analyze_experiments.py", "who", "--phase", results["nano_vs_mega_phase"],
          "--who", results["who_drives"], "-o", prefix], tmp_path)
    _png(Path(f"{prefix}.png"))
    import pandas as pd
    t = pd.read_csv(f"{prefix}.csv")
    full = t[(t.cascade == "all") & (t.adopters_mean > 0)]
    shares = full[["by_seed", "by_ordinary", "by_nano", "by_micro", "by_macro", "by_mega"]].sum(axis=1)
    assert ((shares - 1).abs() < 1e-5).all()  # (CSV keeps 6 digits) every adoption is attributed to exactly one source


def test_fatigue(results, tmp_path):
    prefix = tmp_path / "fatigue"
    _run([PYTHON, SCRIPTS / "analyze_experiments.py", "fatigue", results["fatigue"], "-o", prefix], tmp_path)
    _png(Path(f"{prefix}.png"))


def test_fanbase(results, tmp_path):
    prefix = tmp_path / "fanbase"
    _run([PYTHON, SCRIPTS / "analyze_experiments.py", "fanbase", results["no_fanbase"], "-o", prefix], tmp_path)
    _png(Path(f"{prefix}.png"))
    assert Path(f"{prefix}_k_needed.csv").exists()


def test_watts_dodds(results, tmp_path):
    prefix = tmp_path / "wd"
    _run([PYTHON, SCRIPTS / "analyze_experiments.py", "wd", "--er", results["watts_dodds_2007"], "--dunbar",
          results["watts_dodds_dunbar"], "-o", prefix], tmp_path)
    _png(Path(f"{prefix}.png"))
    import pandas as pd
    d = pd.read_csv(f"{prefix}_dunbar.csv")
    # Fraction thresholds of 0.18 on ~136 ties: one seed never starts anything.
    one = d[(d.variant.str.startswith("fraction 0.18")) & (d.strategy == "random")]
    assert (one["reach_mean"] == 1).all()


def test_billion_file(tmp_path):
    """The billion-person file at 20,000 people: the implicit graph runs it (recorded in /graph), and the
    absolute thresholds it asks for are used unchanged, so the tiers a population this small lacks are
    refused by name rather than rescaled."""
    import h5py
    h5 = tmp_path / "b.h5"
    _run([BIN, "run", EXPERIMENTS / "nano_vs_mega_billion.toml", "--out", h5, "--quiet", "--threads", "2", *SMALL,
          "--set", "tiers.mode=\"automatic\""], tmp_path)
    with h5py.File(h5, "r") as f:
        assert f["graph"].attrs["storage"] == "implicit"
        assert f["graph"].attrs["people"] == 20000
        assert sorted(f["summary/strategy"].asstr()[:]) == ["mega", "micro", "nano", "ordinary"]
    p = subprocess.run([BIN, "run", EXPERIMENTS / "nano_vs_mega_billion.toml", "--out", tmp_path / "a.h5", "--quiet",
                        *SMALL], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode != 0 and "tier" in p.stderr and "mega" in p.stderr, p.stderr
    assert not (tmp_path / "a.h5").exists()


def test_convergence_plot(tmp_path):
    """scripts/plot_convergence.py on the billion-person file at two small populations: one row per file
    and strategy with the thresholds each used, nano's ratio to itself exactly 1, the ratio the means
    give, and a refusal naming the key when the files differ in more than the population."""
    files = []
    for n in (20000, 40000):
        files.append(tmp_path / f"c{n}.h5")
        _run([BIN, "run", EXPERIMENTS / "nano_vs_mega_billion.toml", "--out", files[-1], "--quiet", *SMALL,
              "--set", f"graph.people={n}", "--set", "tiers.mode=\"automatic\"", "--set", "graph.storage=\"auto\""],
             tmp_path)
    prefix = tmp_path / "conv"
    _run([PYTHON, SCRIPTS / "plot_convergence.py", *files, "-o", prefix], tmp_path)
    _png(Path(f"{prefix}.png"))
    import pandas as pd
    t = pd.read_csv(f"{prefix}.csv")
    assert list(t["people"].unique()) == [20000, 40000] and len(t) == 8
    assert (t[t.strategy == "nano"]["ratio_to_nano"] == 1).all()
    for people, g in t.groupby("people"):
        nano = g[g.strategy == "nano"].reach_mean.iloc[0]
        mega = g[g.strategy == "mega"].iloc[0]
        assert abs(mega.ratio_to_nano - mega.reach_mean / nano) < 1e-9
        assert mega.ratio_ci95_low < mega.ratio_to_nano < mega.ratio_ci95_high
        assert mega.mega_threshold == people // 10 and mega.mega_accounts > 0
    other = tmp_path / "other.h5"
    _run([BIN, "run", EXPERIMENTS / "nano_vs_mega_billion.toml", "--out", other, "--quiet", *SMALL,
          "--set", "tiers.mode=\"automatic\"", "--set", "campaign.budget=40000"], tmp_path)
    p = subprocess.run([PYTHON, SCRIPTS / "plot_convergence.py", files[0], other, "-o", tmp_path / "x"],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "campaign.budget" in p.stderr, p.stderr


def test_scale_table(results, tmp_path):
    """scripts/plot_scale.py on the small scale sweep against the committed 1 M-person phase table: one
    row per cell and strategy, the rescaled columns are the phase table's own numbers for the same cell,
    nano / mega is the ratio of the two means (none where the budget buys no mega account), and
    ratio_moved is the quotient of the two scales' ratios."""
    import pandas as pd
    phase = EXPERIMENTS / "figures" / "phase.csv"
    prefix = tmp_path / "scale"
    _run([PYTHON, SCRIPTS / "plot_scale.py", results["nano_vs_mega_scale"], "--rescaled", phase, "-o", prefix], tmp_path)
    _png(Path(f"{prefix}.png"))
    t = pd.read_csv(f"{prefix}.csv")
    ref = pd.read_csv(phase)
    assert len(t) == 2 * 5 and set(t["strategy"]) == {"nano", "micro", "macro", "mega", "ordinary"}
    for r in t.itertuples():
        e = ref[(ref.virality == r.virality) & (abs(ref.budget - r.budget) < 1e-4 * r.budget) & (ref.strategy == r.strategy)]
        assert len(e) == 1 and e.reach_mean.iloc[0] == r.rescaled_reach_mean
    mega = t[t.strategy == "mega"].set_index("budget")
    nano = t[t.strategy == "nano"].set_index("budget")
    assert mega.loc[5000, "seeds_mean"] == 0 and pd.isna(mega.loc[5000, "nano_over"])
    q = nano.loc[50000, "reach_mean"] / mega.loc[50000, "reach_mean"]
    assert abs(mega.loc[50000, "nano_over"] - q) < 2e-5 * q  # the CSV holds 6 significant figures: 5e-6 each
    assert mega.loc[50000, "nano_over_low"] < q < mega.loc[50000, "nano_over_high"]
    m = mega.loc[50000]
    assert abs(m.ratio_moved - m.nano_over / m.rescaled_nano_over) < 2e-5 * m.ratio_moved
    qa = nano.loc[50000, "adopters_mean"] / m.adopters_mean  # adopters: reach minus the paid seeds
    assert abs(m.nano_over_adopters - qa) < 2e-5 * qa
    n5 = nano.loc[50000]  # the CSV holds 6 significant figures
    assert abs(n5.adopters_mean - (n5.reach_mean - n5.seeds_mean)) < 2e-5 * n5.reach_mean
    p = subprocess.run([PYTHON, SCRIPTS / "plot_scale.py", results["nano_vs_mega_weare8"], "--rescaled", phase, "-o",
                        tmp_path / "x"], capture_output=True, text=True)
    assert p.returncode != 0 and ("campaign.virality" in p.stderr or "strategy" in p.stderr), p.stderr


def test_weare8(results):
    """The WeAre8 file: its first follower target is what 80,000 random nano accounts hold on average,
    derived here from the follower law it states (floor(10 u^(-1/1.276)), nano 100-2,999), the sweep
    runs that target and WeAre8's billion; in the small variant every run of every strategy bought
    followers up to its point's target."""
    import numpy as np
    import tomllib
    import h5py
    cfg = tomllib.loads((EXPERIMENTS / "nano_vs_mega_weare8.toml").read_text())
    k = np.arange(100, 3000, dtype=float)
    p = (k / 10) ** -1.276 - ((k + 1) / 10) ** -1.276  # P(floor(a) = k)
    expected = 80000 * (k * p).sum() / p.sum()
    for s in cfg["strategy"]:
        assert abs(s["reach"] - expected) < 1, (s["name"], s["reach"], expected)
        assert cfg["sweep"]["strategy"][s["name"]]["reach"] == [s["reach"], 1e9]
    with h5py.File(results["nano_vs_mega_weare8"], "r") as f:
        point = f["runs/point"][()]
        reach = f["runs/nominal_reach"][()]
        strategy = f["runs/strategy"].asstr()[()]
        target = f["points/strategy.nano.reach"][()]
    assert list(target) == [5000, 20000] and set(point) == {0, 1}
    assert set(strategy) == {"nano", "micro", "mega"}
    for pt in (0, 1):
        assert (reach[point == pt] >= target[pt]).all(), (pt, reach[point == pt].min())


def test_weare8_plot(results, tmp_path):
    """scripts/plot_weare8.py: one row per target and strategy, nano / mega and reach per $1,000 as the
    means give them, and a refusal of a sweep without follower-target axes."""
    import pandas as pd
    prefix = tmp_path / "w8"
    _run([PYTHON, SCRIPTS / "plot_weare8.py", results["nano_vs_mega_weare8"], "-o", prefix], tmp_path)
    _png(Path(f"{prefix}.png"))
    t = pd.read_csv(f"{prefix}.csv")
    assert list(t["target"].unique()) == [5000, 20000] and len(t) == 6
    assert list(t["strategy"][:3]) == ["nano", "micro", "mega"]
    for target, g in t.groupby("target"):
        g = g.set_index("strategy")
        assert (g["nominal_reach_mean"] >= target).all()
        q = g.loc["nano", "reach_mean"] / g.loc["mega", "reach_mean"]
        assert abs(g.loc["mega", "nano_over"] - q) < 2e-5 * q  # 6 significant figures in the CSV
        assert g.loc["mega", "nano_over_low"] < q < g.loc["mega", "nano_over_high"]
        r = g.loc["micro"]
        assert abs(r.reach_per_1000usd - 1000 * r.reach_mean / r.cost_mean) < 2e-5 * r.reach_per_1000usd
    p = subprocess.run([PYTHON, SCRIPTS / "plot_weare8.py", results["nano_vs_mega_scale"], "-o", tmp_path / "x"],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "strategy.<name>.reach" in p.stderr, p.stderr


def test_compare_networks(results, tmp_path):
    """scripts/compare_networks.py on the SNAP file's small variant (SNAP and a Dunbar network of its
    size and mean degree): SNAP's statistics equal what the edge list itself gives (counted here from
    the file, clustering by networkx rather than the script's own code, the largest core by peeling), the Dunbar layer
    keeps the cap, every tier is non-empty, and the ratio columns are the ratios of the means."""
    import networkx as nx
    import pandas as pd
    prefix = tmp_path / "snap"
    _run([PYTHON, SCRIPTS / "compare_networks.py", results["nano_vs_mega_snap"], "-o", prefix, "--sources", "50"],
         REPO)
    for suffix in ("", "_network"):
        _png(Path(f"{prefix}{suffix}.png"))
    pairs = set()
    for line in (REPO / "tests/data/snap-ego-facebook.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            u, v = map(int, line.split()[:2])
            if u != v:
                pairs.add((min(u, v), max(u, v)))
    G = nx.Graph(pairs)
    stats = pd.read_csv(f"{prefix}_network.csv").set_index("network")
    assert list(stats.index) == ["SNAP ego-Facebook", "Dunbar, size_mean 49.65"]
    snap = stats.loc["SNAP ego-Facebook"]
    assert snap.people == G.number_of_nodes() and snap.strong_ties == len(pairs)
    assert snap.max_degree == max(d for _, d in G.degree())
    assert abs(snap.mean_degree - 2 * len(pairs) / G.number_of_nodes()) < 1e-9
    assert abs(snap.avg_clustering - nx.average_clustering(G)) < 1e-9
    assert abs(snap.transitivity - nx.transitivity(G)) < 1e-9
    # The largest core number by its definition, peeling the graph directly: the k-core is what is
    # left after repeatedly removing people with fewer than k ties among those left.
    def k_core_nonempty(k):
        left = {u: set(G[u]) for u in G}
        drop = [u for u, nb in left.items() if len(nb) < k]
        while drop:
            u = drop.pop()
            if u not in left:
                continue
            for v in left.pop(u):
                if v in left:
                    left[v].discard(u)
                    if len(left[v]) < k:
                        drop.append(v)
        return bool(left)
    assert k_core_nonempty(int(snap.max_core)) and not k_core_nonempty(int(snap.max_core) + 1)
    assert snap.components == 1
    assert 1 <= snap.path_mean <= snap.path_max_seen
    dunbar = stats.loc["Dunbar, size_mean 49.65"]
    assert dunbar.people == snap.people and dunbar.max_degree <= 150 and dunbar.over_150 == 0
    assert abs(dunbar.mean_degree - snap.mean_degree) < 0.5  # size_mean was tuned to SNAP's mean degree
    for _, r in stats.iterrows():  # the same audience and tiers on both, and every tier holds someone
        tiers = [r[f"tier_{t}"] for t in ("ordinary", "nano", "micro", "macro", "mega")]
        assert min(tiers) > 0 and sum(tiers) == r.people
    t = pd.read_csv(f"{prefix}.csv")
    assert sorted(t.strategy.unique()) == ["mega", "micro", "nano", "ordinary"] and len(t) == 8
    assert (t.seeds_mean > 0).all() and (t.cost_mean <= 202).all()
    for _, g in t.groupby("point"):
        mega = g[g.strategy == "mega"].iloc[0]
        nano = g[g.strategy == "nano"].iloc[0]
        for r in g.itertuples():
            assert abs(r.ratio_to_mega - r.reach_mean / mega.reach_mean) < 1e-9 * r.ratio_to_mega
            assert abs(r.ratio_to_nano - r.reach_mean / nano.reach_mean) < 1e-9 * r.ratio_to_nano
            if r.strategy != "mega":
                assert r.ratio_to_mega_low < r.ratio_to_mega < r.ratio_to_mega_high
        assert abs(mega.T_over_T_c - mega.theory_T / mega.T_c) < 1e-12
