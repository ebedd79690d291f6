#!/usr/bin/env python3
"""Convergence in N: the same experiment on several population sizes, reach per strategy against
the population, with 95% confidence intervals, and the mega threshold each file used.

    /usr/bin/python3 scripts/plot_convergence.py R1.h5 R2.h5 ... -o PREFIX [--model ic]

Writes PREFIX.png (panel (a): mean reach per strategy against the population, log x; panel (b):
each strategy's reach relative to nano's) and PREFIX.csv (one row per file and strategy: people,
strategy, seeds_mean, cost_mean, reach_mean, reach_ci95_low, reach_ci95_high, ratio_to_nano and its
95% CI by the delta method, tiers_rule, mega_threshold, mega_accounts). Files must share the
experiment apart from graph.people and tiers (refused otherwise, naming the key).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import nanoreach.h5 as nh  # noqa: E402

IGNORED = ("graph.people", "graph.storage", "tiers.")  # what may differ between the files
COLOURS = {"nano": "tab:blue", "micro": "tab:orange", "macro": "tab:purple", "mega": "tab:green",
           "ordinary": "tab:red", "optimal": "black"}


def _flat(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            for e in v:
                out.update(_flat(e, f"{prefix}{k}.{e.get('name', '?')}."))
        else:
            out[prefix + k] = v
    return out


def _comparable(cfg: dict) -> dict:
    return {k: v for k, v in _flat(cfg).items() if not k.startswith(IGNORED)}


def table(paths, model: str) -> pd.DataFrame:
    rows, first = [], None
    for path in paths:
        cfg = _comparable(dict(nh.load_config(path)))
        if first is None:
            first = (path, cfg)
        else:
            for k in sorted(set(cfg) | set(first[1])):
                if cfg.get(k) != first[1].get(k):
                    raise SystemExit(f"plot_convergence: {path} differs from {first[0]} in {k} "
                                     f"({cfg.get(k)!r} against {first[1].get(k)!r}); only graph.people, "
                                     "graph.storage and [tiers] may differ")
        graph = nh.load_graph(path)
        runs = nh.load_runs(path)
        runs = runs[runs["model"] == model]
        if runs.empty:
            raise SystemExit(f"plot_convergence: {path} has no runs of model {model!r}")
        names = list(graph["tier_names"])
        mega = int(list(graph["tier_thresholds"])[-1])
        accounts = int(graph["tier_counts"][names.index("mega")])
        nano = runs[runs["strategy"] == "nano"]["reach"].to_numpy(float)
        for strategy, g in runs.groupby("strategy", sort=False):
            r = g["reach"].to_numpy(float)
            m, se = r.mean(), r.std(ddof=1) / np.sqrt(len(r))
            row = dict(people=int(graph["people"]), strategy=strategy, runs=len(r), seeds_mean=g["seeds"].mean(),
                       cost_mean=g["cost"].mean(), reach_mean=m, reach_ci95_low=m - 1.96 * se,
                       reach_ci95_high=m + 1.96 * se, tiers_rule=graph["tiers_rule"], mega_threshold=mega,
                       mega_accounts=accounts)
            if strategy == "nano":
                row.update(ratio_to_nano=1.0, ratio_ci95_low=1.0, ratio_ci95_high=1.0)
            elif len(nano) and nano.mean() > 0 and m > 0:
                q = m / nano.mean()
                sq = q * np.sqrt((se / m) ** 2 + (nano.std(ddof=1) / np.sqrt(len(nano)) / nano.mean()) ** 2)
                row.update(ratio_to_nano=q, ratio_ci95_low=q - 1.96 * sq, ratio_ci95_high=q + 1.96 * sq)
            rows.append(row)
    return pd.DataFrame(rows).sort_values(["people", "strategy"], kind="stable").reset_index(drop=True)


def plot(t: pd.DataFrame, out: Path, model: str):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 5.2), constrained_layout=True)
    people = sorted(t["people"].unique())
    for strategy, g in t.groupby("strategy", sort=False):
        c = COLOURS.get(strategy)
        a.errorbar(g["people"], g["reach_mean"], yerr=[g["reach_mean"] - g["reach_ci95_low"],
                   g["reach_ci95_high"] - g["reach_mean"]], marker="o", capsize=0, color=c, label=strategy)
        if strategy != "nano" and "ratio_to_nano" in g:
            b.errorbar(g["people"], g["ratio_to_nano"], yerr=[g["ratio_to_nano"] - g["ratio_ci95_low"],
                       g["ratio_ci95_high"] - g["ratio_to_nano"]], marker="o", capsize=0, color=c, label=strategy)
    def short(x):
        for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if x >= div:
                v = x / div
                return f"{v:.0f}{unit}" if v == int(v) else f"{v:.1f}{unit}"
        return f"{x:.0f}"

    for ax in (a, b):
        ax.set_xscale("log")
        ax.set_xticks(people)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: short(x)))
        ax.minorticks_off()
        ax.set_xlim(people[0] / 1.6, people[-1] * 1.6)
        ax.set_xlabel("population (people)")
        ax.grid(alpha=0.3)
    a.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    a.set_ylabel("mean reach per run (paid seeds included)")
    a.set_title("(a) reach at equal budget; bars: 95% CI of the mean", loc="left")
    handles, labels = a.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: list(COLOURS).index(labels[i]) if labels[i] in COLOURS else 99)
    a.legend([handles[i] for i in order], [labels[i] for i in order], loc="center", bbox_to_anchor=(0.5, 0.83),
             ncol=len(order), frameon=True)
    # Under each population: the mega threshold it used and how many accounts reach it.
    mega = t[t["strategy"] == "mega"].set_index("people")
    labels = [f"{short(p)}\nmega >= {short(mega.loc[p, 'mega_threshold'])}\n({mega.loc[p, 'mega_accounts']:,} accounts)"
              if p in mega.index else short(p) for p in people]
    for ax in (a, b):
        ax.set_xticks(people, labels)
    a.set_ylim(0, a.get_ylim()[1])
    b.axhline(1, color="tab:blue", lw=1, ls="--")
    b.text(people[0], 1.02, "nano", color="tab:blue", va="bottom")
    b.set_ylabel("reach / nano's reach (95% CI, delta method)")
    b.set_title("(b) each strategy against nano", loc="left")
    b.legend(loc="best", frameon=True)
    fig.suptitle(f"Does the answer depend on the population? model {model}", fontsize=13)
    fig.savefig(out, dpi=110)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("-o", "--out", required=True, help="prefix of PREFIX.png and PREFIX.csv")
    ap.add_argument("--model", default="ic")
    args = ap.parse_args(argv)
    if len(args.files) < 2:
        ap.error("needs at least two result files")
    t = table(args.files, args.model)
    t.to_csv(f"{args.out}.csv", index=False)
    plot(t, Path(f"{args.out}.png"), args.model)
    print(f"plot_convergence: wrote {args.out}.png and {args.out}.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
