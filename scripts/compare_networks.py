#!/usr/bin/python3
"""A real network against the Dunbar generator (issue 15; experiments/README.md, question 1, "A real
network: SNAP ego-Facebook"): reach per strategy on each network of a sweep of
experiments/nano_vs_mega_snap.toml, and the structural statistics of every strong layer it used.

    /usr/bin/python3 scripts/compare_networks.py SNAP.h5 -o PREFIX [--sources 500] [--model ic]

Writes
  PREFIX.png, PREFIX.csv    reach: one row per point and strategy (network, virality, seeds, cost,
                            mean reach and its 95% CI, adopters, P(reach >= 10%), the theory
                            columns, the network's own epidemic threshold T_c and theory_T / T_c,
                            each strategy's reach relative to mega's and to nano's with 95% CIs by
                            the delta method on the log);
  PREFIX_network.png, PREFIX_network.csv
                            statistics of each distinct strong layer: people, ties, degrees, people
                            above 150 ties, average clustering (over everybody, people with fewer
                            than two ties counting 0, as networkx does; and over people with two
                            or more, as the program reports it) and transitivity (exact, by sparse
                            matrix products), components, degree assortativity, shortest paths by
                            BFS from --sources random people (mean, median, 90th percentile, the
                            largest distance seen: a lower bound on the diameter), k-cores (largest
                            core number and its size), circle weights (mean tie weight, weighted
                            degree) and the bond-percolation threshold T_c = <k> / (<k^2> - <k>)
                            with the virality it takes to reach it;
and prints both tables.

Each network is rebuilt from the result file's own configuration (the root `config` with the point's
axis values), through the package (`nanoreach.Graph`), and checked against the file's /graphs/<g>
(people, strong ties, follower edges, clustering): a rebuilt graph that differs is refused. An edge
list's graph.path is opened relative to the working directory, as the program opens it.
Intervals are 95%: means +/- 1.96 SE (/summary); ratios of means by the delta method on the log,
the two estimates taken as independent (strategies share random numbers run by run, so this is
conservative).
"""
from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.csgraph as csg  # noqa: E402

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
# The graphs are rebuilt through the bindings: the package on PYTHONPATH first (ctest sets build/python),
# then the build tree's copy, then the source tree's reader (which says what is missing).
sys.path += [os.path.join(HERE, "..", "build", "python"), os.path.join(HERE, "..", "python")]
import nanoreach as nr  # noqa: E402  (before plot_phase, which puts the source tree's python/ first)
from nanoreach import h5 as nh5  # noqa: E402

sys.path.insert(0, HERE)
from plot_phase import COLORS, ratio_ci  # noqa: E402

STRATEGIES = ["nano", "micro", "mega", "ordinary"]
GRAPH_SECTIONS = ("graph", "audience", "tiers")
NET_COLORS = ["#1f77b4", "#9ecae1", "#d62728", "#ff9896", "#2ca02c", "#98df8a"]
NET_MARKERS = ["o", "s", "^", "v", "D", "P"]


def _set(d: dict, dotted: str, value):
    *head, last = dotted.split(".")
    for k in head:
        d = d.setdefault(k, {})
    d[last] = value.item() if hasattr(value, "item") else value


def point_configs(path):
    """{graph id: (experiment dict of [graph]/[audience]/[tiers] + seed, the point's axis values)} for
    the first point of every graph of a sweep file."""
    cfg = dict(nh5.load_config(path))
    points = nh5.load_points(path)
    if points is None:
        raise SystemExit(f"compare_networks: {path} is not a sweep file (no /points)")
    axes = [c for c in points.columns if "." in c and c.split(".")[0] in GRAPH_SECTIONS]
    out = {}
    for _, p in points.iterrows():
        g = int(p["graph"])
        if g in out:
            continue
        exp = {"seed": cfg["seed"], **{s: dict(cfg.get(s, {})) for s in GRAPH_SECTIONS}}
        for a in axes:
            if a.split(".")[0] in GRAPH_SECTIONS:
                _set(exp, a, p[a])
        out[g] = exp
    return out


def network_label(exp: dict) -> str:
    g = exp["graph"]
    if g["source"] == "edgelist":
        name = "SNAP ego-Facebook" if "snap" in os.path.basename(g["path"]).lower() else os.path.basename(g["path"])
        return f"{name}, ties in circle {g['circle']}"
    if g["source"] == "dunbar":
        return f"Dunbar, size_mean {g['size_mean']:g}"
    return g["source"]


def structure_label(exp: dict) -> str:
    """The strong layer alone: an edge list's circle changes its weights, not its structure."""
    g = exp["graph"]
    return network_label(exp).split(", ties in circle")[0] if g["source"] == "edgelist" else network_label(exp)


# ---------------------------------------------------------------- statistics of one strong layer

def strong_matrix(g) -> sp.csr_matrix:
    a = g.to_scipy("strong")
    return sp.csr_matrix((np.ones(a.nnz), a.indices, a.indptr), shape=a.shape)


def clustering(a: sp.csr_matrix):
    """Local clustering per person (0 for degree < 2) and transitivity, exactly: triangles through i
    are diag(A^3) / 2, computed as the row sums of (A @ A) .* A."""
    k = np.asarray(a.sum(axis=1)).ravel()
    tri2 = np.asarray((a @ a).multiply(a).sum(axis=1)).ravel()  # 2 x triangles through each person
    pairs2 = k * (k - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        local = np.where(pairs2 > 0, tri2 / pairs2, 0.0)
    return local, tri2.sum() / pairs2.sum()


def path_lengths(a: sp.csr_matrix, sources: int, seed: int):
    """Distances from `sources` random people (BFS) to everybody they can reach."""
    rng = np.random.default_rng(seed)
    n = a.shape[0]
    src = rng.choice(n, size=min(sources, n), replace=False)
    d = csg.shortest_path(a, method="D", unweighted=True, directed=False, indices=src)
    d = d[np.isfinite(d) & (d > 0)].astype(np.int64)
    return np.bincount(d)  # counts by distance


def core_numbers(a: sp.csr_matrix) -> np.ndarray:
    """k-core number of every person (networkx's Batagelj & Zaversnik 2003 bucket algorithm)."""
    import networkx as nx
    core = nx.core_number(nx.from_scipy_sparse_array(a))
    return np.fromiter((core[i] for i in range(a.shape[0])), dtype=np.int64, count=a.shape[0])


def degree_assortativity(a: sp.csr_matrix) -> float:
    k = np.diff(a.indptr).astype(float)
    coo = a.tocoo()
    x, y = k[coo.row], k[coo.col]
    return float(np.corrcoef(x, y)[0, 1])


def network_stats(g, weights, sources: int, seed: int):
    a = strong_matrix(g)
    n = a.shape[0]
    k = np.diff(a.indptr).astype(float)
    local, trans = clustering(a)
    ncomp, labels = csg.connected_components(a, directed=False)
    largest = np.bincount(labels).max()
    dist = path_lengths(a, sources, seed)
    d_vals = np.repeat(np.arange(len(dist)), dist)
    core = core_numbers(a)
    circles = np.asarray(g.strong_circle)
    w = np.asarray(weights, float)[circles.astype(int) - 1]
    k1, k2 = k.mean(), (k ** 2).mean()
    t_c = k1 / (k2 - k1)
    row = dict(people=n, strong_ties=a.nnz // 2, mean_degree=k1, median_degree=float(np.median(k)),
               sd_degree=k.std(), max_degree=int(k.max()), over_150=int((k > 150).sum()),
               avg_clustering=local.mean(), avg_clustering_deg2=local[k >= 2].mean(), transitivity=trans, components=ncomp, largest_component=int(largest),
               assortativity=degree_assortativity(a), path_sources=min(sources, n), path_mean=d_vals.mean(),
               path_median=float(np.median(d_vals)), path_p90=float(np.percentile(d_vals, 90)),
               path_max_seen=int(d_vals.max()), max_core=int(core.max()),
               max_core_size=int((core == core.max()).sum()), mean_tie_weight=w.mean(),
               mean_weighted_degree=w.sum() / n, T_c=t_c)
    extra = dict(degree=k.astype(int), local=local, dist=dist, core=core)
    return row, extra


# ---------------------------------------------------------------- reach table

def reach_table(path, model: str, nets: dict) -> pd.DataFrame:
    s = nh5.load_summary(path)
    p = nh5.load_points(path)
    s = s[s["model"] == model]
    if s.empty:
        raise SystemExit(f"compare_networks: {path} has no rows of model {model!r}")
    t = s.merge(p[["point", "graph", "campaign.virality"]] if "campaign.virality" in p else p[["point", "graph"]],
                on="point")
    if "campaign.virality" not in t:
        t["campaign.virality"] = dict(nh5.load_config(path))["campaign"]["virality"]
    t = t.rename(columns={"campaign.virality": "virality"})
    t["network"] = t["graph"].map(lambda gid: nets[gid]["label"])
    t["T_c"] = t["graph"].map(lambda gid: nets[gid]["T_c"])
    t["T_over_T_c"] = t["theory_T"] / t["T_c"]
    for ref in ("mega", "nano"):
        r = t[t["strategy"] == ref][["point", "reach_mean", "reach_se"]].rename(
            columns={"reach_mean": "_m", "reach_se": "_se"})
        t = t.merge(r, on="point", how="left")
        q, lo, hi = ratio_ci(t["reach_mean"], t["reach_se"], t["_m"], t["_se"])
        t[f"ratio_to_{ref}"], t[f"ratio_to_{ref}_low"], t[f"ratio_to_{ref}_high"] = q, lo, hi
        t = t.drop(columns=["_m", "_se"])
    cols = ["point", "graph", "network", "virality", "strategy", "runs", "seeds_mean", "cost_mean",
            "nominal_reach_mean", "reach_mean", "reach_se", "reach_ci95_low", "reach_ci95_high", "adopters_mean",
            "p_reach_10pct", "share_by_ordinary", "theory_T", "theory_outbreak_probability", "theory_outbreak_size",
            "T_c", "T_over_T_c", "ratio_to_mega", "ratio_to_mega_low", "ratio_to_mega_high",
            "ratio_to_nano", "ratio_to_nano_low", "ratio_to_nano_high"]
    return t[cols].sort_values(["graph", "virality", "strategy"]).reset_index(drop=True)


def plot_reach(t: pd.DataFrame, out: str):
    nets = list(dict.fromkeys(t.sort_values("graph")["network"]))
    fig = plt.figure(figsize=(4 * max(len(nets), 2), 8.6))
    gs = fig.add_gridspec(2, max(len(nets), 2) * 2)
    strategies = [s for s in STRATEGIES if s in set(t["strategy"])]
    ymax = t["reach_ci95_high"].max() * 1.6
    for i, net in enumerate(nets):
        ax = fig.add_subplot(gs[0, 2 * i:2 * i + 2])
        d = t[t["network"] == net]
        for s in strategies:
            e = d[d["strategy"] == s].sort_values("virality")
            ax.errorbar(e["virality"], e["reach_mean"],
                        yerr=[e["reach_mean"] - e["reach_ci95_low"], e["reach_ci95_high"] - e["reach_mean"]],
                        marker="o", ms=3.5, capsize=2, color=COLORS[s], label=s)
        tc = d.drop_duplicates("point")
        crit = tc[tc["T_over_T_c"] >= 1]["virality"]
        if len(crit):
            ax.axvspan(crit.min(), d["virality"].max() * 1.05, color="0.92", zorder=0)
        ax.set_yscale("log")
        ax.set_ylim(1, ymax)
        ax.set_xlim(0, d["virality"].max() * 1.05)
        ax.set_title(f"({chr(97 + i)}) {net}", fontsize=9.5)
        ax.set_xlabel("virality")
        if i == 0:
            ax.set_ylabel("mean reach (people, 95% CI)")
            ax.legend(fontsize=8, loc="upper left", title="budget strategy", title_fontsize=8)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    half = max(len(nets), 2)
    for j, (num, den, name) in enumerate([("nano", "mega", "nano / mega"), ("ordinary", "nano", "ordinary / nano")]):
        ax = fig.add_subplot(gs[1, j * half:(j + 1) * half])
        for i, net in enumerate(nets):
            e = t[(t["network"] == net) & (t["strategy"] == num)].sort_values("virality")
            col = f"ratio_to_{den}"
            ax.errorbar(e["T_over_T_c"], e[col], yerr=[e[col] - e[f"{col}_low"], e[f"{col}_high"] - e[col]],
                        marker=NET_MARKERS[i % 6], ms=4, capsize=2, color=NET_COLORS[i % 6], label=net)
        ax.axhline(1, color="k", lw=0.8)
        ax.axvline(1, color="0.5", lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_xlabel("mean tie transmissibility / the network's own threshold T_c  (theory_T / T_c)")
        ax.set_ylabel(f"reach, {name} (95% CI)")
        ax.set_title(f"({chr(97 + len(nets) + j)}) {name} at equal budget", fontsize=9.5)
        ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator([0.1, 0.2, 0.5, 1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        if j == 0:
            ax.legend(fontsize=8, loc="best")
    fig.suptitle("nano vs mega at equal budget ($202, 4,039 people): the real strong layer against Dunbar networks\n"
                 "(a-d) grey: above the network's own epidemic threshold (theory_T >= T_c)", fontsize=11)
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=110)
    plt.close(fig)


def plot_network(stats: pd.DataFrame, extras: dict, out: str):
    fig, axs = plt.subplots(2, 2, figsize=(11, 8.4))
    for i, (label, e) in enumerate(extras.items()):
        c, m = NET_COLORS[2 * i % 6], NET_MARKERS[i % 6]
        deg = np.sort(e["degree"])
        ks, idx = np.unique(deg, return_index=True)
        ccdf = 1 - idx / len(deg)
        axs[0, 0].loglog(ks[ks > 0], ccdf[ks > 0], color=c, label=label, lw=1.5)
        # clustering against degree (mean per log bin)
        bins = np.unique(np.round(np.logspace(0, np.log10(max(deg.max(), 2)) + 0.01, 25)))
        k = e["degree"]
        which = np.digitize(k, bins)
        xs, ys = [], []
        for b in np.unique(which):
            sel = (which == b) & (k >= 2)
            if sel.sum() >= 3:
                xs.append(k[sel].mean())
                ys.append(e["local"][sel].mean())
        axs[0, 1].semilogx(xs, ys, marker=m, ms=4, color=c, label=label)
        dist = e["dist"]
        axs[1, 0].plot(np.arange(len(dist))[1:], dist[1:] / dist.sum(), marker=m, ms=4, color=c, label=label)
        core = e["core"]
        kc = np.arange(1, core.max() + 1)
        axs[1, 1].semilogx(kc, [(core >= x).sum() for x in kc], color=c, label=label, lw=1.5)
    axs[0, 0].axvline(150, color="0.5", ls="--", lw=0.8)
    axs[0, 0].text(155, 0.5, "150", fontsize=8, color="0.4")
    axs[0, 0].set(xlabel="strong ties (degree)", ylabel="share of people with at least this degree",
                  title="(a) degree distribution (CCDF)")
    axs[0, 1].set(xlabel="degree (mean of a log bin)", ylabel="mean local clustering",
                  title="(b) clustering by degree", ylim=(0, 1))
    axs[1, 0].set(xlabel="shortest-path length (ties)", ylabel="share of pairs",
                  title=f"(c) path lengths (BFS from {int(stats['path_sources'].iloc[0])} random people)")
    axs[1, 1].set(xlabel="k", ylabel="people in the k-core (core number >= k)", title="(d) k-cores", ylim=(0, None))
    for ax in axs.ravel():
        ax.legend(fontsize=8, loc="best")
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    fig.suptitle("SNAP ego-Facebook against the Dunbar generator (4,039 people each)", fontsize=11)
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("result", help="a sweep file of experiments/nano_vs_mega_snap.toml")
    ap.add_argument("-o", "--out", required=True, help="output prefix (PREFIX.png/.csv, PREFIX_network.png/.csv)")
    ap.add_argument("--sources", type=int, default=500, help="BFS sources for path lengths (default 500)")
    ap.add_argument("--model", default="ic")
    args = ap.parse_args(argv)
    cfg = dict(nh5.load_config(args.result))
    weights = cfg.get("campaign", {}).get("circle_weights", [1.0, 0.5, 0.25, 0.1])
    nets, rows, extras, seen = {}, [], {}, {}
    for gid, exp in point_configs(args.result).items():
        g = nr.Graph(exp)
        st = g.stats
        want = nh5.load_graph(args.result, graph=gid)
        for key in ("people", "strong_ties", "audience_edges"):
            if int(st[key]) != int(want[key]):
                raise SystemExit(f"compare_networks: graph {gid} rebuilt from the file's configuration has "
                                 f"{key} = {st[key]}, the file says {want[key]}")
        row, extra = network_stats(g, weights, args.sources, int(cfg["seed"]))
        # the program averages over people with two ties or more (networkx counts the rest as 0)
        if abs(row["avg_clustering_deg2"] - float(want["clustering"])) > 1e-9 and not want["clustering_sampled"]:
            raise SystemExit(f"compare_networks: graph {gid}: clustering {row['avg_clustering_deg2']} here, "
                             f"{want['clustering']} in the file")
        label = network_label(exp)
        nets[gid] = dict(label=label, T_c=row["T_c"])
        skey = structure_label(exp)
        if skey in seen:  # the same strong layer with other circles: one row of statistics
            continue
        seen[skey] = gid
        tiers = dict(zip(want["tier_names"], want["tier_counts"]))
        rows.append(dict(network=skey, graph=gid, **row,
                         mean_followers=float(want["mean_followers"]), max_followers=int(want["max_followers"]),
                         tier_thresholds=" / ".join(str(int(x)) for x in want["tier_thresholds"]),
                         **{f"tier_{k}": int(v) for k, v in tiers.items()}))
        extras[skey] = extra
    stats = pd.DataFrame(rows)
    t = reach_table(args.result, args.model, nets)
    # the virality at which each network reaches its threshold: theory_T is proportional to virality
    tt = t.drop_duplicates("point")
    per_v = (tt["theory_T"] / tt["virality"]).groupby(tt["graph"]).mean()
    for i, r in stats.iterrows():
        same = [gid for gid, n in nets.items() if structure_label_from(n["label"]) == r["network"]]
        stats.loc[i, "virality_at_T_c"] = "; ".join(f"{r['T_c'] / per_v[g]:.4f} ({nets[g]['label'].split(', ')[-1]})"
                                                    if len(same) > 1 else f"{r['T_c'] / per_v[g]:.4f}"
                                                    for g in same if g in per_v)
    stats.to_csv(args.out + "_network.csv", index=False)
    t.to_csv(args.out + ".csv", index=False)
    plot_network(stats, extras, args.out + "_network")
    plot_reach(t, args.out)
    with pd.option_context("display.width", 250, "display.max_columns", None, "display.max_rows", 500):
        print(stats.set_index("network").T.to_string())
        print()
        show = t[["network", "virality", "strategy", "seeds_mean", "cost_mean", "reach_mean", "reach_ci95_low",
                  "reach_ci95_high", "T_over_T_c", "ratio_to_mega", "ratio_to_mega_low", "ratio_to_mega_high"]]
        print(show.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"wrote {args.out}.png, {args.out}.csv, {args.out}_network.png, {args.out}_network.csv")


def structure_label_from(label: str) -> str:
    return label.split(", ties in circle")[0]


if __name__ == "__main__":
    main()
