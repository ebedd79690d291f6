#!/usr/bin/python3
"""Question 1: the nano-vs-mega phase diagram over virality x budget, and equal nominal reach.

    /usr/bin/python3 scripts/plot_phase.py PHASE.h5 [--nominal NOMINAL.h5] [--optimal OPTIMAL.h5] -o PREFIX

PHASE.h5 is a sweep of experiments/nano_vs_mega_phase.toml (axes campaign.virality and
campaign.budget; budget strategies named nano, micro, macro, mega, ordinary). Writes

    PREFIX.png          (a) nano reach / mega reach per cell (log colour scale), reach counting the
                        paid seeds; (b) the same for adopters (people reached beyond the seeds); the
                        black line is the break-even boundary, drawn along cell edges between cells
                        where nano is ahead and cells where mega is ahead (never through a label),
                        grey cells are budgets below the cheapest mega post, cells marked "CI spans
                        1" have a 95% CI of the ratio that includes 1
    PREFIX_curves.png   reach vs budget per strategy at every virality (mean and 95% CI; open
                        markers: the tier ran out of accounts before the budget did)
    PREFIX.csv          one row per (virality, budget, strategy): seeds, spend, reach, adopters
                        with 95% CIs, and the nano/mega ratios with 95% CIs
    PREFIX_nominal.png, PREFIX_nominal.csv   with --nominal (experiments/nano_vs_mega_nominal.toml):
                        reach and cost of nano, micro and mega at the same follower total
    PREFIX_optimal.csv  with --optimal (experiments/nano_vs_mega_phase_optimal.toml: IMM's best seed
                        set under the same budgets, at the viralities where IMM fits in memory): the
                        optimal reach and each strategy's reach as a share of it, with 95% CIs; the
                        optimal set is also drawn in PREFIX_curves.png (black, dashed)

Ratio CIs use the delta method on log(ratio) with the two strategies' standard errors taken as
independent. Strategies share random numbers run by run, which correlates them positively, so the
true intervals are if anything narrower: these are conservative.
"""
from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from nanoreach import h5 as nh5  # noqa: E402

Z95 = 1.959963984540054
COLORS = {"nano": "#1b9e77", "micro": "#7570b3", "macro": "#e7298a", "mega": "#d95f02",
          "ordinary": "#666666", "optimal": "black"}


def sweep_table(path) -> pd.DataFrame:
    """/summary of a sweep joined with its /points (axis values as columns), model ic rows only
    unless the file has no ic rows."""
    s = nh5.load_summary(path)
    p = nh5.load_points(path)
    if p is None:
        raise SystemExit(f"{path}: not a sweep file (no /points)")
    p = p.drop(columns=[c for c in ("runs", "status") if c in p.columns])
    out = s.merge(p, on="point", how="left")
    if "ic" in set(out["model"]):
        out = out[out["model"] == "ic"]
    return out.reset_index(drop=True)


def graph_tiers(path) -> dict:
    """{tier: (people, fewest followers)} of the (first) graph of a result or sweep file.

    nanoreach.load_graph reads /graph only; a sweep stores /graphs/<g>, one per distinct graph."""
    import h5py
    with h5py.File(path, "r") as f:
        g = f["graph"] if "graph" in f else f["graphs"][sorted(f["graphs"], key=int)[0]]
        names = list(g["tier_names"].asstr()[()])
        counts = g["tier_counts"][()]
        lows = [0] + list(g.attrs["tier_thresholds"])
    return {n: (int(c), float(lo)) for n, c, lo in zip(names, counts, lows)}


def people_of(table: pd.DataFrame) -> int:
    return int(table["people"].iloc[0])


def add_adopter_stats(path, table: pd.DataFrame) -> pd.DataFrame:
    """Adds adopters_se and adopters_ci95_low/high per (point, strategy, model) from /runs."""
    runs = nh5.load_runs(path)
    g = runs.groupby(["point", "strategy", "model"])["adopters"]
    st = pd.DataFrame({"adopters_se": g.std(ddof=1) / np.sqrt(g.count())}).reset_index()
    out = table.merge(st, on=["point", "strategy", "model"], how="left")
    out["adopters_se"] = out["adopters_se"].fillna(0.0)
    out["adopters_ci95_low"] = out["adopters_mean"] - Z95 * out["adopters_se"]
    out["adopters_ci95_high"] = out["adopters_mean"] + Z95 * out["adopters_se"]
    return out


def ratio_ci(m1, se1, m2, se2):
    """Ratio m1/m2 with a 95% CI by the delta method on the log (independent estimates)."""
    m1, se1, m2, se2 = (np.asarray(x, dtype=float) for x in (m1, se1, m2, se2))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = m1 / m2
        s = np.sqrt((se1 / m1) ** 2 + (se2 / m2) ** 2)
        return r, r * np.exp(-Z95 * s), r * np.exp(Z95 * s)


def phase_table(path) -> pd.DataFrame:
    t = add_adopter_stats(path, sweep_table(path))
    t = t.rename(columns={"campaign.virality": "virality", "campaign.budget": "budget_axis"})
    if "virality" not in t or "budget_axis" not in t:
        raise SystemExit(f"{path}: expected sweep axes campaign.virality and campaign.budget")
    return t


def ratios(t: pd.DataFrame, num: str = "nano", den: str = "mega") -> pd.DataFrame:
    a = t[t["strategy"] == num].set_index(["virality", "budget_axis"])
    b = t[t["strategy"] == den].set_index(["virality", "budget_axis"])
    out = pd.DataFrame(index=a.index)
    for q in ("reach", "adopters"):
        r, lo, hi = ratio_ci(a[f"{q}_mean"], a[f"{q}_se"], b[f"{q}_mean"], b[f"{q}_se"])
        out[f"{q}_ratio"], out[f"{q}_ratio_low"], out[f"{q}_ratio_high"] = r, lo, hi
    out[f"{den}_seeds"] = b["seeds_mean"]
    return out.reset_index()


def _runs_text(runs) -> str:
    return f"{runs.min()} runs" if runs.min() == runs.max() else f"{runs.min()}-{runs.max()} runs"


def _heatmap(ax, rat: pd.DataFrame, q: str, title: str, norm):
    vir = np.sort(rat["virality"].unique())
    bud = np.sort(rat["budget_axis"].unique())
    grid = np.full((len(vir), len(bud)), np.nan)
    lo = np.full_like(grid, np.nan)
    hi = np.full_like(grid, np.nan)
    empty = np.zeros_like(grid, dtype=bool)
    for r in rat.itertuples():
        i, j = np.searchsorted(vir, r.virality), np.searchsorted(bud, r.budget_axis)
        if r.mega_seeds == 0:
            empty[i, j] = True
            continue
        v = getattr(r, f"{q}_ratio")
        if np.isfinite(v) and v > 0:
            grid[i, j] = np.log10(v)
            lo[i, j], hi[i, j] = getattr(r, f"{q}_ratio_low"), getattr(r, f"{q}_ratio_high")
    # Cells drawn on index coordinates; ticks name the values (budgets are log-spaced).
    x = np.arange(len(bud) + 1) - 0.5
    y = np.arange(len(vir) + 1) - 0.5
    mesh = ax.pcolormesh(x, y, np.ma.masked_invalid(grid), cmap="RdBu", norm=norm, shading="flat")
    for i in range(len(vir)):
        for j in range(len(bud)):
            if empty[i, j]:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="0.85", hatch="//",
                                           edgecolor="0.6", lw=0))
                ax.text(j, i, "mega\nunaffordable", ha="center", va="center", fontsize=7, color="0.3")
            elif np.isfinite(grid[i, j]):
                r = 10 ** grid[i, j]
                txt = f"{r:.3f}x" if 0.95 < r < 1.05 else (f"{r:.2g}x" if r < 100 else f"{r:,.0f}x")
                if lo[i, j] <= 1 <= hi[i, j]:
                    txt += "\nCI spans 1"
                ax.text(j, i, txt, ha="center", va="center", fontsize=8, zorder=5,
                        color="white" if abs(grid[i, j]) > 0.6 * norm.vmax else "black")
    # Break-even: the cell edges between a cell where nano is ahead and a neighbour where mega is.
    edges = []
    for i in range(len(vir)):
        for j in range(len(bud)):
            if not np.isfinite(grid[i, j]):
                continue
            if j + 1 < len(bud) and np.isfinite(grid[i, j + 1]) and (grid[i, j] > 0) != (grid[i, j + 1] > 0):
                edges.append(([j + 0.5, j + 0.5], [i - 0.5, i + 0.5]))
            if i + 1 < len(vir) and np.isfinite(grid[i + 1, j]) and (grid[i, j] > 0) != (grid[i + 1, j] > 0):
                edges.append(([j - 0.5, j + 0.5], [i + 0.5, i + 0.5]))
    for xs, ys in edges:
        ax.plot(xs, ys, color="black", lw=3, solid_capstyle="butt", zorder=4)
    if edges:
        ax.plot([], [], color="black", lw=3, label="break-even: nano ahead on one side, mega on the other")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8, frameon=False)
    ax.set_xticks(range(len(bud)), [f"${b:,.0f}" for b in bud], rotation=30)
    ax.set_yticks(range(len(vir)), [f"{v:g}" for v in vir])
    ax.set_xlabel("budget per strategy")
    ax.set_ylabel("campaign virality")
    ax.set_title(title, loc="left", fontsize=10)
    return mesh


def _tiers_title(tiers: dict) -> str:
    """'mega: >= 100,000 followers (12 accounts); nano: >= 100 (52,091)' from graph_tiers()."""
    parts = []
    for name in ("mega", "nano"):
        if name in tiers:
            count, low = tiers[name]
            parts.append(f"{name}: >= {low:,.0f} followers ({count:,} accounts)")
    return "; ".join(parts)


def plot_phase(t: pd.DataFrame, rat: pd.DataFrame, out: str, people: int, tiers: dict):
    vals = np.log10(np.concatenate([rat["reach_ratio"].to_numpy(), rat["adopters_ratio"].to_numpy()]))
    vals = vals[np.isfinite(vals)]
    vmax = max(1.0, float(np.max(np.abs(vals)))) if len(vals) else 1.0
    norm = mcolors.TwoSlopeNorm(vmin=-vmax, vcenter=0.0, vmax=vmax)
    fig, axes = plt.subplots(1, 2, figsize=(14, 6), constrained_layout=True)
    m = _heatmap(axes[0], rat, "reach", "(a) nano / mega: people reached (paid seeds included)", norm)
    _heatmap(axes[1], rat, "adopters", "(b) nano / mega: adopters beyond the paid seeds", norm)
    cb = fig.colorbar(m, ax=axes, shrink=0.85)
    # Ticks name the ratio itself, on the log scale the colours use.
    ticks = [k for k in range(-int(np.floor(vmax)), int(np.floor(vmax)) + 1)]
    cb.set_ticks(ticks, labels=[f"{10.0 ** k:g}x" if k >= 0 else f"1/{10 ** -k:g}x" for k in ticks])
    cb.set_label("nano / mega (blue: nano ahead, red: mega ahead)")
    runs = t["runs"]
    fig.suptitle(f"Equal budget, nano- vs mega-influencers: {people:,} people, independent cascade, "
                 f"{_runs_text(runs)} per cell and strategy\n"
                 f"ratio of mean reach; {_tiers_title(tiers)}")
    fig.savefig(out, dpi=130)
    plt.close(fig)


def plot_curves(t: pd.DataFrame, out: str, people: int, tiers: dict):
    vir = np.sort(t["virality"].unique())
    n = len(vir)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 4.2 * rows), squeeze=False, constrained_layout=True)
    strategies = list(dict.fromkeys(t["strategy"]))
    for k, v in enumerate(vir):
        ax = axes.flat[k]
        d = t[t["virality"] == v]
        for s in strategies:
            e = d[(d["strategy"] == s) & (d["seeds_mean"] > 0)].sort_values("budget_axis")
            if e.empty:
                continue
            c = COLORS.get(s)
            err = np.vstack([e["reach_mean"] - e["reach_ci95_low"], e["reach_ci95_high"] - e["reach_mean"]])
            best = s == "optimal"  # thin and dashed on top: it often lies on the ordinary line
            ax.errorbar(e["budget_axis"], e["reach_mean"], yerr=err, color=c, lw=1.0 if best else 1.8, capsize=3,
                        ls="--" if best else "-", zorder=4 if best else 2, label="optimal (IMM)" if best else s)
            size = tiers.get(e["tier"].iloc[0], (np.inf, 0))[0] if "tier" in e else np.inf
            full = e["seeds_mean"] < 0.999 * size  # open marker: every account of the tier bought
            ax.scatter(e["budget_axis"][full], e["reach_mean"][full], color=c, s=25, zorder=3)
            ax.scatter(e["budget_axis"][~full], e["reach_mean"][~full], facecolor="white", edgecolor=c,
                       s=35, zorder=3)
        if "optimal" in strategies and not (d["strategy"] == "optimal").any():
            ax.text(0.03, 0.97, "no optimal set here: above the epidemic threshold\nIMM's reverse-reachable sets "
                    "do not fit in memory", transform=ax.transAxes, va="top", fontsize=7, color="0.3")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda x, _: f"${x / 1e6:g}M" if x >= 1e6 else (f"${x / 1e3:g}k" if x >= 1e3 else f"${x:g}")))
        pos = d.loc[d["reach_mean"] > 0, "reach_mean"]
        if len(pos) and pos.max() / pos.min() > 3:
            ax.set_yscale("log")
        else:  # supercritical: every strategy reaches about the same giant cascade
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:,.0f}"))
        ax.set_title(f"virality {v:g}", loc="left")
        ax.set_xlabel("budget per strategy")
        ax.set_ylabel("mean people reached (95% CI)")
        ax.grid(alpha=0.3, which="both")
        sec = ax.secondary_yaxis("right", functions=(lambda y: 100 * y / people, lambda p: p * people / 100))
        sec.set_ylabel("% of population")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    # One legend for all panels, below them, so that it covers no line.
    handles, labels = axes.flat[0].get_legend_handles_labels()
    for ax in list(axes.flat)[1:n]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.get_layout_engine().set(rect=(0, 0.13 / rows, 1, 1 - 0.13 / rows))  # a strip at the bottom for it
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9, frameon=False,
               title="filled marker: the budget ran out first; open marker: the tier sold out first", title_fontsize=8)
    fig.suptitle(f"Reach vs budget per strategy ({people:,} people; each strategy buys random accounts of its tier)\n"
                 + "people per tier: " + ", ".join(
                     f"{n} {c:,}" + (f" (>= {lo:,.0f} followers)" if lo > 0 else "") for n, (c, lo) in tiers.items()))
    fig.savefig(out, dpi=120)
    plt.close(fig)


def nominal(path, prefix: str) -> pd.DataFrame:
    t = add_adopter_stats(path, sweep_table(path))
    reach_cols = [c for c in t.columns if c.startswith("strategy.") and c.endswith(".reach")]
    t["target"] = t[reach_cols[0]] if reach_cols else np.nan
    t = t.rename(columns={"campaign.virality": "virality"})
    keep = ["virality", "target", "strategy", "runs", "seeds_mean", "nominal_reach_mean", "cost_mean",
            "reach_mean", "reach_ci95_low", "reach_ci95_high", "adopters_mean", "adopters_ci95_low",
            "adopters_ci95_high", "reach_per_1000usd", "p_reach_1pct", "p_reach_10pct"]
    t = t[keep].sort_values(["target", "virality", "strategy"])
    t.to_csv(prefix + "_nominal.csv", index=False, float_format="%.6g")
    people = people_of(sweep_table(path))
    cases = t[["target", "virality"]].drop_duplicates().to_numpy()
    strategies = list(dict.fromkeys(t["strategy"]))
    fig, axes = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    w = 0.8 / len(strategies)
    for i, s in enumerate(strategies):
        e = pd.DataFrame([t[(t.target == a) & (t.virality == v) & (t.strategy == s)].iloc[0] for a, v in cases])
        x = np.arange(len(cases)) + (i - (len(strategies) - 1) / 2) * w
        err = np.vstack([e["reach_mean"] - e["reach_ci95_low"], e["reach_ci95_high"] - e["reach_mean"]])
        axes[0].bar(x, e["reach_mean"], w, yerr=err, color=COLORS.get(s), label=s, capsize=3)
        for xi, sd, top in zip(x, e["seeds_mean"], e["reach_ci95_high"]):  # above the error bar, not on it
            axes[0].annotate(f"{sd:,.1f}\nseeds" if sd < 10 else f"{sd:,.0f}\nseeds", (xi, top), ha="center",
                             va="bottom", fontsize=6, xytext=(0, 3), textcoords="offset points")
        for xi, nr, c in zip(x, e["nominal_reach_mean"], e["cost_mean"]):
            axes[1].annotate(f"{nr / 1000:,.0f}k", (xi, c), ha="center", va="bottom", fontsize=6,
                             xytext=(0, 2), textcoords="offset points")
        axes[1].bar(x, e["cost_mean"], w, color=COLORS.get(s), label=s)
    labels = [f"{a:,.0f} followers\nvirality {v:g}" for a, v in cases]
    for ax in axes:
        ax.set_xticks(np.arange(len(cases)), labels, fontsize=8)
        ax.grid(axis="y", alpha=0.3, which="both")
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_yscale("log")
    low, high = axes[0].get_ylim()
    axes[0].set_ylim(low, high * 2.5)  # room for the labels above the tallest bars
    axes[1].set_ylim(0, 1.15 * t["cost_mean"].max())
    axes[0].set_ylabel("mean people reached (95% CI)")
    axes[0].set_title("(a) reach at equal nominal reach (same follower total)", loc="left")
    axes[1].set_ylabel("mean spend ($)")
    axes[1].yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"${y:,.0f}"))
    axes[1].set_title("(b) what it costs (labels: followers actually bought)", loc="left")
    tiers = graph_tiers(path)
    fig.suptitle(f"Equal nominal reach (WeAre8's 80,000 accounts / 1 billion followers scaled to {people:,} people)\n"
                 + "; ".join(f"{n} >= {tiers[n][1]:,.0f} followers ({tiers[n][0]:,} accounts)"
                             for n in strategies if n in tiers))
    fig.savefig(prefix + "_nominal.png", dpi=130)
    plt.close(fig)
    return t


def optimal_shares(t: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """Per (virality, budget) of the optimal sweep: the optimal set's reach and seeds, and each
    strategy's reach as a share of it (ratio of means, 95% CI by the delta method on the log)."""
    rows = []
    for b in best.itertuples():
        row = dict(virality=b.virality, budget=b.budget_axis, optimal_reach=b.reach_mean,
                   optimal_reach_ci95_low=b.reach_ci95_low, optimal_reach_ci95_high=b.reach_ci95_high,
                   optimal_seeds=b.seeds_mean, optimal_seeds_ordinary=getattr(b, "seeds_ordinary_mean", np.nan),
                   optimal_seeds_nano=getattr(b, "seeds_nano_mean", np.nan))
        cell = t[(t["virality"] == b.virality) & (t["budget_axis"] == b.budget_axis)]
        for s in cell.itertuples():
            r, lo, hi = ratio_ci(s.reach_mean, s.reach_se, b.reach_mean, b.reach_se)
            row[f"{s.strategy}_share"], row[f"{s.strategy}_share_low"], row[f"{s.strategy}_share_high"] = r, lo, hi
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["virality", "budget"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("phase", help="sweep result of experiments/nano_vs_mega_phase.toml")
    ap.add_argument("--nominal", help="sweep result of experiments/nano_vs_mega_nominal.toml")
    ap.add_argument("--optimal", help="sweep result of experiments/nano_vs_mega_phase_optimal.toml (same seed)")
    ap.add_argument("-o", "--out", required=True, help="output prefix, e.g. experiments/figures/phase")
    a = ap.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    t = phase_table(a.phase)
    people = people_of(t)
    rat = ratios(t)
    tiers = graph_tiers(a.phase)
    plot_phase(t, rat, a.out + ".png", people, tiers)
    print("tiers: " + ", ".join(f"{n} {c:,} (>= {lo:,.0f} followers)" for n, (c, lo) in tiers.items()))
    best = None
    if a.optimal:
        best = phase_table(a.optimal)
        if graph_tiers(a.optimal) != tiers or people_of(best) != people:
            raise SystemExit(f"{a.optimal}: another graph than {a.phase}'s (seed, people or tiers differ)")
        best = best[best["strategy"] == "optimal"]
    plot_curves(t if best is None else pd.concat([t, best], ignore_index=True), a.out + "_curves.png", people, tiers)
    if best is not None:
        shares = optimal_shares(t, best)
        shares.to_csv(a.out + "_optimal.csv", index=False, float_format="%.6g")
        print(f"plot_phase: wrote {a.out}_optimal.csv")
        with pd.option_context("display.width", 200, "display.max_columns", None, "display.float_format", "{:.4g}".format):
            print(shares.to_string(index=False))
    csv = t[["virality", "budget_axis", "strategy", "runs", "seeds_mean", "cost_mean", "nominal_reach_mean",
             "reach_mean", "reach_ci95_low", "reach_ci95_high", "adopters_mean", "adopters_ci95_low",
             "adopters_ci95_high", "reach_per_1000usd", "p_reach_1pct", "p_reach_10pct",
             "share_by_seed", "share_by_ordinary", "theory_T", "theory_outbreak_probability",
             "theory_outbreak_size"]].rename(columns={"budget_axis": "budget"})
    csv = csv.merge(rat.rename(columns={"budget_axis": "budget"}).assign(strategy="nano").drop(columns="mega_seeds"),
                    on=["virality", "budget", "strategy"], how="left")
    csv.sort_values(["virality", "budget", "strategy"]).to_csv(a.out + ".csv", index=False, float_format="%.6g")
    print(f"plot_phase: wrote {a.out}.png, {a.out}_curves.png, {a.out}.csv")
    with pd.option_context("display.width", 200, "display.max_columns", None, "display.float_format", "{:.4g}".format):
        print(rat.to_string(index=False))
    if a.nominal:
        n = nominal(a.nominal, a.out)
        print(f"plot_phase: wrote {a.out}_nominal.png, {a.out}_nominal.csv")
        with pd.option_context("display.width", 200, "display.max_columns", None,
                               "display.float_format", "{:.4g}".format):
            print(n.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
