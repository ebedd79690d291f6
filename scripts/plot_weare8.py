#!/usr/bin/python3
"""Question 1, WeAre8 at its own numbers: strategies matched in nominal reach (followers bought),
per follower target, what they reach and what they cost.

    /usr/bin/python3 scripts/plot_weare8.py WEARE8.h5 -o PREFIX

WEARE8.h5 is a sweep of experiments/nano_vs_mega_weare8.toml (nominal_reach strategies; one sweep
axis strategy.<name>.reach per strategy, equal at every point). Writes

    PREFIX.csv   one row per (target, strategy): runs, accounts bought, spend, followers bought,
                 reach and adopters with 95% CIs, reach per $1,000, and nano / strategy for reach
                 (95% CI by the delta method on the log, the two means taken as independent)
    PREFIX.png   (a) mean reach per strategy at each target, (b) reach per $1,000 spent; each bar
                 labelled with the accounts bought and the spend
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_phase as pp  # noqa: E402

Z95 = pp.Z95


def table(t: pd.DataFrame, path: str) -> pd.DataFrame:
    """t: pp.sweep_table(path)."""
    axes = [c for c in t.columns if c.startswith("strategy.") and c.endswith(".reach")]
    if not axes:
        raise SystemExit(f"plot_weare8: {path} has no sweep axis strategy.<name>.reach "
                         "(expected a sweep of experiments/nano_vs_mega_weare8.toml)")
    target = t[axes].to_numpy(float)
    if not (target == target[:, :1]).all():
        raise SystemExit(f"plot_weare8: {path}: the strategies' follower targets differ within a point "
                         f"({', '.join(axes)}); they must be equal")
    t = t.assign(target=target[:, 0])
    if "nano" not in set(t["strategy"]):
        raise SystemExit(f"plot_weare8: {path} has no strategy named nano")
    out = t[["target", "strategy", "runs", "seeds_mean", "cost_mean", "nominal_reach_mean", "reach_mean", "reach_se",
             "reach_ci95_low", "reach_ci95_high", "adopters_mean"]].copy()
    out["reach_per_1000usd"] = 1000 * out["reach_mean"] / out["cost_mean"]
    nano = out[out["strategy"] == "nano"].set_index("target")
    q, lo, hi = pp.ratio_ci(nano.loc[out["target"], "reach_mean"].to_numpy(), nano.loc[out["target"], "reach_se"].to_numpy(),
                            out["reach_mean"].to_numpy(), out["reach_se"].to_numpy())
    out["nano_over"], out["nano_over_low"], out["nano_over_high"] = q, lo, hi
    out.loc[out["strategy"] == "nano", ["nano_over", "nano_over_low", "nano_over_high"]] = 1.0
    order = {n: i for i, n in enumerate(["nano", "micro", "macro", "mega", "ordinary"])}
    return out.sort_values(["target", "strategy"], key=lambda c: c.map(lambda v: order.get(v, 99)) if c.name == "strategy"
                           else c, kind="stable").reset_index(drop=True)


def _big(x: float) -> str:
    for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return f"{x / div:.3g}{unit}"
    return f"{x:.3g}"


def plot(t: pd.DataFrame, out: str, people: int):
    import matplotlib.pyplot as plt
    import matplotlib.ticker as mt

    targets = sorted(t["target"].unique())
    strategies = list(dict.fromkeys(t["strategy"]))
    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 5.4), constrained_layout=True)
    w = 0.8 / len(strategies)
    x = np.arange(len(targets))
    for k, s in enumerate(strategies):
        e = t[t["strategy"] == s].set_index("target").reindex(targets)
        pos = x - 0.4 + w * (k + 0.5)
        c = pp.COLORS.get(s)
        a.bar(pos, e["reach_mean"], width=w, color=c, label=s)
        a.errorbar(pos, e["reach_mean"], yerr=[e["reach_mean"] - e["reach_ci95_low"], e["reach_ci95_high"] - e["reach_mean"]],
                   fmt="none", ecolor="k", capsize=3, lw=1)
        b.bar(pos, e["reach_per_1000usd"], width=w, color=c, label=s)
        for p, r in zip(pos, e.itertuples()):
            a.text(p, r.reach_mean * 1.15, f"{_big(r.seeds_mean)} acc.\n${_big(r.cost_mean)}", ha="center",
                   va="bottom", fontsize=7)
            b.text(p, r.reach_per_1000usd * 1.02, f"{r.reach_per_1000usd:,.0f}", ha="center", va="bottom", fontsize=8)
    labels = [f"{_big(v)} followers" for v in targets]
    a.set_yscale("log")
    a.set_ylim(t["reach_ci95_low"].min() / 2, t["reach_mean"].max() * 8)
    a.yaxis.set_major_formatter(mt.FuncFormatter(lambda y, _: f"{y:,.0f}"))
    a.set_ylabel("mean people reached (95% CI)")
    a.set_title("(a) reach at equal nominal reach (labels: accounts, spend)", loc="left")
    b.set_ylabel("people reached per $1,000 spent")
    b.set_ylim(0, t["reach_per_1000usd"].max() * 1.15)
    b.set_title("(b) reach per $1,000", loc="left")
    for ax in (a, b):
        ax.set_xticks(x, labels)
        ax.set_xlabel("followers bought per strategy (the nominal-reach target)")
        ax.grid(alpha=0.3, axis="y")
    a.legend(loc="upper left", fontsize=9, ncol=len(strategies))
    fig.suptitle(f"WeAre8 at its own numbers: {people:,} people, independent cascade\n"
                 "each strategy buys random accounts of its tier until their followers reach the target")
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("weare8", help="sweep result of experiments/nano_vs_mega_weare8.toml")
    ap.add_argument("-o", "--out", required=True, help="output prefix, e.g. experiments/figures/weare8")
    a = ap.parse_args(argv)
    sweep = pp.sweep_table(a.weare8)
    t = table(sweep, a.weare8)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    t.to_csv(a.out + ".csv", index=False, float_format="%.6g")
    plot(t, a.out + ".png", pp.people_of(sweep))
    print(f"plot_weare8: wrote {a.out}.png and {a.out}.csv")
    with pd.option_context("display.width", 200, "display.max_columns", None, "display.float_format", "{:.4g}".format):
        print(t.drop(columns=["reach_se"]).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
