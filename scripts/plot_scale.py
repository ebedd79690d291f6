#!/usr/bin/python3
"""Question 1 at the article's scale: the phase diagram's cells on a large population with the
article's tier thresholds, point by point against the 1,000,000-person answer with rescaled tiers.

    /usr/bin/python3 scripts/plot_scale.py SCALE.h5 --rescaled PHASE.csv -o PREFIX

SCALE.h5 is a sweep of experiments/nano_vs_mega_scale.toml (axes campaign.virality and
campaign.budget, budget strategies nano, micro, macro, mega, ordinary); PHASE.csv is the table
scripts/plot_phase.py writes for the 1,000,000-person phase diagram (experiments/figures/phase.csv).
Writes

    PREFIX.csv   one row per (virality, budget, strategy) of SCALE.h5: seeds, spend, reach with its
                 95% CI at both scales (the 1 M columns empty where the phase diagram has no such
                 cell), and per strategy other than nano its reach relative to nano's (nano / it,
                 95% CI by the delta method on the log) at both scales, and how far that ratio moved
                 (large / rescaled); the same for adopters (reach minus the paid seeds: *_adopters)
    PREFIX.png   (a) reach vs budget per strategy at each virality, solid: large population with the
                 article's tiers, dashed: 1 M people with rescaled tiers; (b) nano / mega at both scales.
                 A sweep of one budget (experiments/nano_vs_mega_supercritical.toml) is drawn as bars
                 instead: reach as a share of each population, per strategy, at both scales

Cells are matched on virality and budget to 5 significant figures (the phase CSV's precision). A
budget that buys no account of a tier has no ratio (empty). Standard errors of the phase CSV are
recovered from its 95% CIs (half-width / 1.96).
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_phase as pp  # noqa: E402  (the phase diagram's readers and ratio rule)

Z95 = pp.Z95
STRATEGIES = ["nano", "micro", "macro", "mega", "ordinary"]


def _key(x) -> float:
    return float(f"{float(x):.5g}")


def table(t: pd.DataFrame, scale_path: str, rescaled_csv: str) -> pd.DataFrame:
    """t: pp.phase_table(scale_path)."""
    missing = sorted(set(STRATEGIES) - set(t["strategy"]))
    if missing:
        raise SystemExit(f"plot_scale: {scale_path} has no strategy {', '.join(missing)} "
                         f"(expected {', '.join(STRATEGIES)})")
    ref = pd.read_csv(rescaled_csv)
    for col in ("virality", "budget", "strategy", "seeds_mean", "reach_mean", "reach_ci95_low", "reach_ci95_high",
                "adopters_mean", "adopters_ci95_low", "adopters_ci95_high"):
        if col not in ref:
            raise SystemExit(f"plot_scale: {rescaled_csv} has no column {col!r} (expected scripts/plot_phase.py's CSV)")
    ref = ref.assign(v=ref["virality"].map(_key), b=ref["budget"].map(_key),
                     reach_se=(ref["reach_ci95_high"] - ref["reach_ci95_low"]) / (2 * Z95),
                     adopters_se=(ref["adopters_ci95_high"] - ref["adopters_ci95_low"]) / (2 * Z95))
    ref = ref.set_index(["v", "b", "strategy"])
    rows = []
    for r in t.itertuples():
        k = (_key(r.virality), _key(r.budget_axis), r.strategy)
        row = dict(virality=r.virality, budget=r.budget_axis, strategy=r.strategy, runs=r.runs,
                   seeds_mean=r.seeds_mean, cost_mean=r.cost_mean, nominal_reach_mean=r.nominal_reach_mean)
        for q in ("reach", "adopters"):
            row.update({f"{q}_mean": getattr(r, f"{q}_mean"), f"{q}_se": getattr(r, f"{q}_se"),
                        f"{q}_ci95_low": getattr(r, f"{q}_ci95_low"), f"{q}_ci95_high": getattr(r, f"{q}_ci95_high")})
        for c in ["seeds_mean"] + [f"{q}_{c}" for q in ("reach", "adopters") for c in ("mean", "se", "ci95_low", "ci95_high")]:
            row[f"rescaled_{c}"] = ref.loc[k, c] if k in ref.index else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    # nano / strategy at both scales, per cell, for reach and for adopters (reach minus the paid seeds)
    nano = out[out["strategy"] == "nano"].set_index(["virality", "budget"])
    for q, name in (("reach", "nano_over"), ("adopters", "nano_over_adopters")):
        for prefix in ("", "rescaled_"):
            ratio, lo, hi = [], [], []
            for r in out.itertuples():
                n = nano.loc[(r.virality, r.budget)]
                m, se = getattr(r, f"{prefix}{q}_mean"), getattr(r, f"{prefix}{q}_se")
                if r.strategy == "nano" or not (m > 0) or not (n[f"{prefix}{q}_mean"] > 0):
                    ratio.append(np.nan), lo.append(np.nan), hi.append(np.nan)
                    continue
                x, xl, xh = pp.ratio_ci(n[f"{prefix}{q}_mean"], n[f"{prefix}{q}_se"], m, se)
                ratio.append(float(x)), lo.append(float(xl)), hi.append(float(xh))
            out[f"{prefix}{name}"], out[f"{prefix}{name}_low"], out[f"{prefix}{name}_high"] = ratio, lo, hi
    out["ratio_moved"] = out["nano_over"] / out["rescaled_nano_over"]
    out["ratio_moved_adopters"] = out["nano_over_adopters"] / out["rescaled_nano_over_adopters"]
    order = {s: i for i, s in enumerate(STRATEGIES)}
    return out.sort_values(["virality", "budget", "strategy"], key=lambda c: c.map(order) if c.name == "strategy" else c,
                           kind="stable").reset_index(drop=True)


def _money(x, _=None):
    return f"${x / 1e6:g}M" if x >= 1e6 else (f"${x / 1e3:g}k" if x >= 1e3 else f"${x:g}")


def plot_bars(t: pd.DataFrame, out: str, people: int, tiers: dict, ref_people: int, rule: str):
    """One budget: per virality, each strategy's reach as a share of its population at both scales."""
    import matplotlib.pyplot as plt
    import matplotlib.ticker as mt

    vir = np.sort(t["virality"].unique())
    fig, axes = plt.subplots(1, len(vir), figsize=(5.4 * len(vir), 4.8), squeeze=False, constrained_layout=True)
    big = f"{people:,} people, " + ("article's tiers" if rule == "absolute" else f"{rule} tiers")
    for ax, v in zip(axes[0], vir):
        d = t[t["virality"] == v].set_index("strategy").reindex(STRATEGIES)
        x = np.arange(len(STRATEGIES))
        for off, prefix, n, label, hatch in ((-0.2, "", people, big, None),
                                              (0.2, "rescaled_", ref_people, f"{ref_people:,} people, rescaled tiers", "//")):
            m = 100 * d[f"{prefix}reach_mean"] / n
            lo = 100 * d[f"{prefix}reach_ci95_low"] / n
            hi = 100 * d[f"{prefix}reach_ci95_high"] / n
            ax.bar(x + off, m, width=0.38, color=[pp.COLORS[s] for s in STRATEGIES], hatch=hatch,
                   edgecolor="white" if hatch else None, alpha=1.0 if hatch is None else 0.55, label=label)
            ax.errorbar(x + off, m, yerr=[m - lo, hi - m], fmt="none", ecolor="k", capsize=3, lw=1)
        ax.set_xticks(x, STRATEGIES)
        ax.yaxis.set_major_formatter(mt.FuncFormatter(lambda y, _: f"{y:g}%"))
        ax.set_ylabel("mean reach, % of the population (95% CI)")
        budget = t["budget"].iloc[0]
        ax.set_title(f"virality {v:g}, {_money(budget)} per strategy", loc="left")
        ax.grid(alpha=0.3, axis="y")
        top = np.nanmax(100 * d[["reach_ci95_high"]].to_numpy() / people)
        top = max(top, np.nanmax(100 * d[["rescaled_reach_ci95_high"]].to_numpy() / ref_people))
        ax.set_ylim(0, top * 1.3)  # room for the legend above the bars
        ax.legend(loc="upper center", ncol=2, fontsize=8, title="solid: large; hatched: rescaled", title_fontsize=8)
    tier_text = ", ".join(f"{n} >= {lo:,.0f} ({c:,})" for n, (c, lo) in tiers.items() if lo > 0)
    fig.suptitle(f"Above the epidemic threshold: {people:,} people against {ref_people:,}, independent cascade\n"
                 f"tiers (followers, accounts): {tier_text}")
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot(t: pd.DataFrame, out: str, people: int, tiers: dict, ref_people: int, rule: str):
    import matplotlib.pyplot as plt
    import matplotlib.ticker as mt
    from matplotlib.lines import Line2D

    vir = np.sort(t["virality"].unique())
    width = max(4.6 * (len(vir) + 1), 13.0)  # wide enough for the title and the legend
    fig, axes = plt.subplots(1, len(vir) + 1, figsize=(width, 5.0), constrained_layout=True)
    for ax, v in zip(axes, vir):
        d = t[t["virality"] == v]
        for s in STRATEGIES:
            e = d[(d["strategy"] == s) & (d["seeds_mean"] > 0)].sort_values("budget")
            c = pp.COLORS[s]
            ax.errorbar(e["budget"], e["reach_mean"], yerr=[e["reach_mean"] - e["reach_ci95_low"],
                        e["reach_ci95_high"] - e["reach_mean"]], color=c, lw=1.8, marker="o", ms=4, capsize=2)
            f = e[e["rescaled_seeds_mean"] > 0]
            ax.plot(f["budget"], f["rescaled_reach_mean"], color=c, lw=1.2, ls="--", marker="x", ms=4)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(mt.FuncFormatter(_money))
        ax.yaxis.set_major_formatter(mt.FuncFormatter(lambda y, _: f"{y:,.0f}"))
        ax.set_title(f"(a) virality {v:g}", loc="left")
        ax.set_xlabel("budget per strategy")
        ax.set_ylabel("mean people reached (95% CI)")
        ax.grid(alpha=0.3, which="both")
    b = axes[-1]
    nm = t[t["strategy"] == "mega"]
    for k, v in enumerate(vir):
        e = nm[(nm["virality"] == v) & np.isfinite(nm["nano_over"])].sort_values("budget")
        col = f"C{k}"
        b.errorbar(e["budget"], e["nano_over"], yerr=[e["nano_over"] - e["nano_over_low"],
                   e["nano_over_high"] - e["nano_over"]], color=col, lw=1.8, marker="o", ms=4, capsize=2,
                   label=f"virality {v:g}")
        f = e[np.isfinite(e["rescaled_nano_over"])]
        b.plot(f["budget"], f["rescaled_nano_over"], color=col, lw=1.2, ls="--", marker="x", ms=4)
    b.axhline(1, color="k", lw=0.8)
    if np.isfinite(nm["nano_over"]).any():
        b.set_xscale("log")
        b.set_yscale("log")
        b.yaxis.set_minor_formatter(mt.NullFormatter())
        vals = np.concatenate([nm[c].to_numpy(float) for c in ("nano_over_low", "nano_over_high", "rescaled_nano_over")])
        vals = vals[np.isfinite(vals) & (vals > 0)]
        b.set_ylim(min(vals.min(), 1.0) / 1.4, vals.max() * 1.4)
        b.xaxis.set_major_formatter(mt.FuncFormatter(_money))
        b.yaxis.set_major_formatter(mt.FuncFormatter(lambda y, _: f"{y:g}x"))
    else:
        b.text(0.5, 0.5, "no budget here buys a mega account", transform=b.transAxes, ha="center")
    b.set_title("(b) nano / mega, people reached", loc="left")
    b.set_xlabel("budget per strategy")
    b.grid(alpha=0.3, which="both")
    b.legend(loc="best", fontsize=8)
    strat = [Line2D([], [], color=pp.COLORS[s], lw=2, label=s) for s in STRATEGIES]
    style = [Line2D([], [], color="k", lw=1.8, marker="o", ms=4, label=f"{people:,} people, " + ("article's tiers" if rule == "absolute" else f"{rule} tiers")),
             Line2D([], [], color="k", lw=1.2, ls="--", marker="x", ms=4, label=f"{ref_people:,} people, rescaled tiers")]
    fig.get_layout_engine().set(rect=(0, 0.09, 1, 0.91))
    ncol = len(strat) + len(style) if width > 15 else len(strat)
    fig.legend(handles=strat + style, loc="lower center", ncol=ncol, fontsize=9, frameon=False)
    tier_text = ", ".join(f"{n} >= {lo:,.0f} ({c:,})" for n, (c, lo) in tiers.items() if lo > 0)
    fig.suptitle(f"Equal budget at the article's scale: {people:,} people, independent cascade\n"
                 f"tiers (followers, accounts): {tier_text}")
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scale", help="sweep result of experiments/nano_vs_mega_scale.toml")
    ap.add_argument("--rescaled", required=True, help="scripts/plot_phase.py's CSV of the 1,000,000-person phase diagram")
    ap.add_argument("--rescaled-people", type=int, default=1000000, help="population of the rescaled run")
    ap.add_argument("-o", "--out", required=True, help="output prefix, e.g. experiments/figures/scale")
    a = ap.parse_args(argv)
    sweep = pp.phase_table(a.scale)
    t = table(sweep, a.scale, a.rescaled)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    t.to_csv(a.out + ".csv", index=False, float_format="%.6g")
    draw = plot if t["budget"].nunique() > 1 else plot_bars
    draw(t, a.out + ".png", pp.people_of(sweep), pp.graph_tiers(a.scale), a.rescaled_people,
         pp.nh5.load_graph(a.scale, graph=0)["tiers_rule"])
    print(f"plot_scale: wrote {a.out}.png and {a.out}.csv")
    show = t[t["strategy"] != "nano"][["virality", "budget", "strategy", "seeds_mean", "reach_mean", "nano_over",
                                        "nano_over_low", "nano_over_high", "rescaled_nano_over", "ratio_moved",
                                        "nano_over_adopters", "rescaled_nano_over_adopters"]]
    with pd.option_context("display.width", 200, "display.max_columns", None, "display.float_format", "{:.4g}".format):
        print(show.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
