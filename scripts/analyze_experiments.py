#!/usr/bin/python3
"""Questions 2-5 of docs/MODEL.md section 6: figures, CSV tables and printed numbers.

    analyze_experiments.py who     --phase PHASE.h5 --who WHO.h5       -o PREFIX   (question 2)
    analyze_experiments.py fatigue FATIGUE.h5                          -o PREFIX   (question 3)
    analyze_experiments.py fanbase NO_FANBASE.h5                       -o PREFIX   (question 4)
    analyze_experiments.py wd      --er WD_ER.h5 [--dunbar WD_DUNBAR.h5] -o PREFIX (question 5)
    analyze_experiments.py structure STRUCTURE.h5                      -o PREFIX   (question 1, networks)

Each writes PREFIX.png and PREFIX.csv (wd also PREFIX_dunbar.csv) and prints the numbers the
write-up (experiments/README.md) quotes. Inputs are sweeps of the experiment files named in each
function's docstring. All intervals are 95%: means +/- 1.96 SE; shares of adoptions are ratio
estimators (sum of by_X over sum of adopters, SE by linearisation over runs); probabilities use
Wilson's interval; ratios of means use the delta method on the log with the two estimates taken as
independent (strategies share random numbers run by run, so this is conservative).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from nanoreach import h5 as nh5  # noqa: E402
from plot_phase import COLORS, Z95, add_adopter_stats, people_of, ratio_ci, sweep_table  # noqa: E402

SOURCES = ["by_seed", "by_ordinary", "by_nano", "by_micro", "by_macro", "by_mega"]
SOURCE_COLORS = {"by_seed": "#000000", "by_ordinary": "#999999", "by_nano": COLORS["nano"],
                 "by_micro": COLORS["micro"], "by_macro": COLORS["macro"], "by_mega": COLORS["mega"]}
PD_OPTS = ("display.width", 220, "display.max_columns", None, "display.max_rows", 500,
           "display.float_format", "{:.4g}".format)


def wilson(k, n):
    """Wilson 95% interval of a proportion k/n (arrays)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = Z95 ** 2
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return p, centre - half, centre + half


def share_stats(d: pd.DataFrame) -> dict:
    """Shares of adoptions by source over the runs in d (ratio estimator) with 95% CIs."""
    x = d["adopters"].to_numpy(dtype=float)
    n = len(x)
    out = {"runs": n, "adopters_mean": x.mean() if n else np.nan}
    for s in SOURCES:
        y = d[s].to_numpy(dtype=float)
        if n == 0 or x.sum() == 0:
            out[s] = out[s + "_low"] = out[s + "_high"] = np.nan
            continue
        r = y.sum() / x.sum()
        se = np.sqrt(np.sum((y - r * x) ** 2) / (n * (n - 1))) / x.mean() if n > 1 else np.nan
        out[s], out[s + "_low"], out[s + "_high"] = r, r - Z95 * se, r + Z95 * se
    return out


def _runs_with_points(path) -> tuple[pd.DataFrame, int]:
    runs = nh5.load_runs(path)
    pts = nh5.load_points(path).drop(columns=["runs", "status"], errors="ignore")
    runs = runs.merge(pts, on="point", how="left")
    runs = runs[runs["model"] == "ic"] if "ic" in set(runs["model"]) else runs
    return runs, people_of(sweep_table(path))


# ---------------------------------------------------------------------------------------------
# Question 2
WHO_TITLES = {"one_random": "one random person", "one_nano": "one random nano-influencer",
              "one_mega": "one random mega-influencer"}


def who(args) -> int:
    """Question 2 from experiments/nano_vs_mega_phase.toml (budget strategies nano and mega) and
    experiments/who_drives.toml (one random person / nano / mega per run)."""
    rows = []
    people = None
    if args.phase:
        r, people = _runs_with_points(args.phase)
        r = r[r["strategy"].isin(["nano", "mega"]) & (r["seeds"] > 0)]
        for (s, v, b), d in r.groupby(["strategy", "campaign.virality", "campaign.budget"]):
            rows.append(dict(source="phase", strategy=f"{s} (${b:,.0f})", virality=v, budget=b, _d=d))
    if args.who:
        r, people = _runs_with_points(args.who)
        for (s, v), d in r.groupby(["strategy", "campaign.virality"]):
            rows.append(dict(source="who", strategy=s, virality=v, budget=np.nan, _d=d))
    if not rows:
        raise SystemExit("who: give --phase and/or --who")
    cut = args.cut * people
    table = []
    for row in rows:
        d = row.pop("_d")
        large = d["adopters"] > cut
        for cls, sel in (("all", slice(None)), ("large", large), ("small", ~large)):
            st = share_stats(d[sel] if cls != "all" else d)
            table.append({**row, "cascade": cls, **st})
    t = pd.DataFrame(table)
    t.to_csv(args.out + ".csv", index=False, float_format="%.6g")

    # Figure: the single-seed strategies and the phase budget closest to the default $50,000.
    show = t[t["source"] == "who"]
    if args.phase:
        ph = t[t["source"] == "phase"]
        b0 = ph["budget"].unique()[np.argmin(np.abs(np.log(ph["budget"].unique() / 50000.0)))]
        show = pd.concat([ph[ph["budget"] == b0], show])
    strategies = list(dict.fromkeys(show["strategy"]))
    vir = np.sort(show["virality"].unique())
    fig, axes = plt.subplots(1, len(strategies), figsize=(3.6 * len(strategies), 5.2), sharey=True,
                             squeeze=False, constrained_layout=True)
    for ax, s in zip(axes[0], strategies):
        xt, xl = [], []
        for i, v in enumerate(np.sort(show[show.strategy == s]["virality"].unique())):
            # The virality names the pair of bars, centred under both (S and L are the tick labels).
            ax.text(i * 2.6 + 0.5, -0.055, f"{v:g}", ha="center", va="top", fontsize=8,
                    transform=matplotlib.transforms.blended_transform_factory(ax.transData, ax.transAxes))
            for j, cls in enumerate(("small", "large")):
                e = show[(show.strategy == s) & (show.virality == v) & (show.cascade == cls)]
                x = i * 2.6 + j
                xt.append(x)
                xl.append("S" if cls == "small" else "L")
                if e.empty or e["runs"].iloc[0] == 0 or not np.isfinite(e["by_seed"].iloc[0]):
                    ax.text(x, 0.01, "no\nruns", ha="center", fontsize=6, color="0.4")
                    continue
                bottom = 0.0
                for src in SOURCES:
                    h = e[src].iloc[0]
                    ax.bar(x, h, 0.9, bottom=bottom, color=SOURCE_COLORS[src],
                           label=("a paid seed" if src == "by_seed" else src[3:]) if (i, j) == (0, 0) else None)
                    bottom += h
                ax.text(x, 1.01, f"{int(e['runs'].iloc[0])}", ha="center", fontsize=6)
        ax.set_xticks(xt, xl, fontsize=7)
        ax.set_title(WHO_TITLES.get(s, s), fontsize=10)
        ax.set_ylim(0, 1.08)
        ax.set_xlabel("virality (S: small cascades, L: large)", labelpad=16)
    axes[0][0].set_ylabel("share of adoptions triggered by ...")
    handles, labels = axes[0][0].get_legend_handles_labels()
    if not handles:
        for ax in axes[0][1:]:
            handles, labels = ax.get_legend_handles_labels()
            if handles:
                break
    axes[0][-1].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), title="triggered by", fontsize=8)
    fig.suptitle(f"Who triggered each adoption: paid seeds directly, or unpaid people by tier "
                 f"({people:,} people; large = more than {args.cut:.0%} of the population adopted beyond "
                 "the seeds; numbers above bars: runs)")
    fig.savefig(args.out + ".png", dpi=120)
    plt.close(fig)
    print(f"who: wrote {args.out}.png, {args.out}.csv (cut: adopters > {cut:,.0f})")
    cols = ["strategy", "virality", "cascade", "runs", "adopters_mean", "by_seed", "by_seed_low", "by_seed_high",
            "by_ordinary", "by_ordinary_low", "by_ordinary_high", "by_nano", "by_micro", "by_macro", "by_mega"]
    with pd.option_context(*PD_OPTS):
        print(show[show.cascade != "all"][cols].to_string(index=False))
    return 0


# ---------------------------------------------------------------------------------------------
# Question 3
FATIGUE_LABELS = {"nano": "nano", "mega": "mega, no other posts", "mega_tired": "mega, as many posts as nano"}


class _PlainLogFormatter(matplotlib.ticker.LogFormatter):
    """Log-axis labels as 20,000 rather than 2 x 10^4; which ticks get one is LogFormatter's choice
    (minor ticks only when the axis spans about a decade or less)."""

    def _num_to_string(self, x, vmin, vmax):
        return f"{x:,.0f}" if x >= 1 else f"{x:g}"


def _plain_log_labels(axis):
    axis.set_major_formatter(_PlainLogFormatter())
    axis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.4)))


def fatigue(args) -> int:
    """Question 3 from experiments/fatigue.toml (zip sweep of virality and sponsored posts)."""
    t = add_adopter_stats(args.file, sweep_table(args.file))
    post_col = "strategy.nano.sponsored_posts"
    t["posts"] = t[post_col]
    t["virality"] = t["campaign.virality"]
    people = people_of(t)
    keep = ["virality", "posts", "strategy", "runs", "seeds_mean", "cost_mean", "reach_mean", "reach_ci95_low",
            "reach_ci95_high", "adopters_mean", "adopters_ci95_low", "adopters_ci95_high", "p_reach_1pct",
            "p_reach_10pct"]
    t[keep].sort_values(["virality", "posts", "strategy"]).to_csv(args.out + ".csv", index=False, float_format="%.6g")
    vir = np.sort(t["virality"].unique())
    fig, axes = plt.subplots(2, len(vir), figsize=(6.5 * len(vir), 8.5), squeeze=False, constrained_layout=True)
    print(f"fatigue: wrote {args.out}.png, {args.out}.csv")
    style = {"nano": dict(color=COLORS["nano"]), "mega": dict(color=COLORS["mega"]),
             "mega_tired": dict(color=COLORS["mega"], ls="--")}
    for c, v in enumerate(vir):
        d = t[t["virality"] == v]
        for r, q in enumerate(("reach", "adopters")):
            ax = axes[r][c]
            for s in dict.fromkeys(d["strategy"]):
                e = d[d["strategy"] == s].sort_values("posts")
                x = e["posts"].to_numpy()
                ax.plot(x, e[f"{q}_mean"], marker="o", ms=3, label=FATIGUE_LABELS.get(s, s), **style.get(s, {}))
                ax.fill_between(x, e[f"{q}_ci95_low"], e[f"{q}_ci95_high"], alpha=0.25,
                                color=style.get(s, {}).get("color"))
            ax.set_xscale("symlog", linthresh=1)
            ax.set_yscale("log")
            _plain_log_labels(ax.yaxis)
            ax.set_xticks([0, 1, 2, 3, 5, 10, 20, 40], ["0", "1", "2", "3", "5", "10", "20", "40"])
            ax.set_xlabel("other sponsored posts per paid seed (fatigue 0.9 each)")
            ax.set_ylabel(f"mean {'people reached (seeds included)' if q == 'reach' else 'adopters beyond the seeds'}")
            ax.set_title(f"virality {v:g}: {q}", loc="left")
            ax.grid(alpha=0.3, which="both")
            ax.legend(fontsize=8)
            # Where does nano fall to (fresh) mega's level?
            n = d[d.strategy == "nano"].set_index("posts").sort_index()
            m = d[d.strategy == "mega"].set_index("posts").sort_index()
            mt = d[d.strategy == "mega_tired"].set_index("posts").sort_index() if "mega_tired" in set(d.strategy) else None
            for ref_name, ref in (("mega (0 posts)", m), ("mega_tired", mt)):
                if ref is None:
                    continue
                below = n.index[n[f"{q}_mean"] <= ref[f"{q}_mean"].reindex(n.index)]
                overlap = n.index[n[f"{q}_ci95_low"] <= ref[f"{q}_ci95_high"].reindex(n.index)]
                r0, lo0, hi0 = ratio_ci(n[f"{q}_mean"].iloc[0], (n[f"{q}_ci95_high"].iloc[0] - n[f"{q}_mean"].iloc[0]) / Z95,
                                        ref[f"{q}_mean"].iloc[0], (ref[f"{q}_ci95_high"].iloc[0] - ref[f"{q}_mean"].iloc[0]) / Z95)
                # log-linear interpolation of the first crossing of the two mean curves
                diff = np.log(n[f"{q}_mean"]) - np.log(ref[f"{q}_mean"].reindex(n.index))
                cross = np.nan
                for i in range(1, len(diff)):
                    if diff.iloc[i - 1] > 0 >= diff.iloc[i]:
                        x0, x1 = diff.index[i - 1], diff.index[i]
                        cross = x0 + (x1 - x0) * diff.iloc[i - 1] / (diff.iloc[i - 1] - diff.iloc[i])
                        break
                print(f"  virality {v:g} {q:8s} vs {ref_name:15s}: crossing at {'~%.1f posts (interpolated)' % cross if np.isfinite(cross) else 'none in 0-40 posts'}; "
                      f"nano/ref at 0 posts = {r0:.3g} "
                      f"[{lo0:.3g}, {hi0:.3g}]; nano mean <= ref from posts = "
                      f"{below.min() if len(below) else 'never (<= 40)'}; CIs overlap from posts = "
                      f"{overlap.min() if len(overlap) else 'never (<= 40)'}")
    budget = t[t.strategy == "nano"]["budget"].iloc[0]
    fig.suptitle(f"Sponsored-content fatigue: \\${budget:,.0f} of nano seeds posting ever more sponsored content vs "
                 f"\\${budget:,.0f} of mega ({people:,} people; bands: 95% CI)")
    fig.savefig(args.out + ".png", dpi=120)
    plt.close(fig)
    with pd.option_context(*PD_OPTS):
        print(t[keep].sort_values(["virality", "posts", "strategy"]).to_string(index=False))
    return 0


# ---------------------------------------------------------------------------------------------
# Question 4
def _k_needed(ks, means, target):
    """Smallest k (log-interpolated between tested k) at which the micro_k mean reaches target."""
    ks, means = np.asarray(ks, dtype=float), np.asarray(means, dtype=float)
    if means[0] >= target:
        return ks[0]
    for i in range(1, len(ks)):
        if means[i] >= target:
            f = (np.log(target) - np.log(means[i - 1])) / (np.log(means[i]) - np.log(means[i - 1]))
            return float(np.exp(np.log(ks[i - 1]) + f * (np.log(ks[i]) - np.log(ks[i - 1]))))
    return np.inf


def fanbase(args) -> int:
    """Question 4 from experiments/no_fanbase.toml (zip sweep of virality and affinity)."""
    t = add_adopter_stats(args.file, sweep_table(args.file))
    t["virality"], t["affinity"] = t["campaign.virality"], t["campaign.affinity"]
    people = people_of(t)
    keep = ["virality", "affinity", "strategy", "runs", "seeds_mean", "cost_mean", "reach_mean", "reach_ci95_low",
            "reach_ci95_high", "adopters_mean", "adopters_ci95_low", "adopters_ci95_high"]
    t[keep].sort_values(["virality", "affinity", "strategy"]).to_csv(args.out + ".csv", index=False,
                                                                     float_format="%.6g")
    micro = t[t["strategy"].str.match(r"micro_\d+$")].copy()
    micro["k"] = micro["strategy"].str.slice(6).astype(int)
    need = []
    for (v, a), d in t.groupby(["virality", "affinity"]):
        m = micro[(micro.virality == v) & (micro.affinity == a)].sort_values("k")
        for ref in ("nano", "nano_nofan"):
            r = d[d.strategy == ref]
            if r.empty or m.empty:
                continue
            row = dict(virality=v, affinity=a, reference=ref)
            for q in ("reach", "adopters"):
                row[f"k_{q}"] = _k_needed(m["k"], m[f"{q}_mean"], r[f"{q}_mean"].iloc[0])
                row[f"k_{q}_low"] = _k_needed(m["k"], m[f"{q}_mean"], r[f"{q}_ci95_low"].iloc[0])
                row[f"k_{q}_high"] = _k_needed(m["k"], m[f"{q}_mean"], r[f"{q}_ci95_high"].iloc[0])
                row[f"ref_{q}"] = r[f"{q}_mean"].iloc[0]
            m5 = m[m.k == 5]
            if not m5.empty:
                row["micro5_over_ref_adopters"] = m5["adopters_mean"].iloc[0] / r["adopters_mean"].iloc[0]
                row["micro5_cost"] = m5["cost_mean"].iloc[0]
            row["ref_cost"] = r["cost_mean"].iloc[0]
            need.append(row)
    need = pd.DataFrame(need)
    need.to_csv(args.out + "_k_needed.csv", index=False, float_format="%.6g")

    vir = np.sort(t["virality"].unique())
    fig, axes = plt.subplots(2, len(vir), figsize=(6.5 * len(vir) + 2.5, 9.5), squeeze=False, constrained_layout=True)
    cmap = plt.get_cmap("Purples")
    names = {"nano": "nano ($ budget)", "nano_nofan": "nano, non-fan (assumption)", "micro_budget": "micro, same $"}
    ks = sorted(micro["k"].unique())
    for c, v in enumerate(vir):
        ax = axes[0][c]
        d = t[t.virality == v]
        for s, kw in (("nano", dict(color=COLORS["nano"], lw=2.5)),
                      ("nano_nofan", dict(color=COLORS["nano"], lw=2.5, ls="--")),
                      ("micro_budget", dict(color=COLORS["micro"], lw=2.5, ls=":"))):
            e = d[d.strategy == s].sort_values("affinity")
            if e.empty:
                continue
            ax.plot(e["affinity"], e["adopters_mean"], marker="o", label=names[s], **kw)
            ax.fill_between(e["affinity"], e["adopters_ci95_low"].clip(lower=0.1), e["adopters_ci95_high"],
                            alpha=0.2, color=kw["color"])
        for i, k in enumerate(ks):
            e = micro[(micro.virality == v) & (micro.k == k)].sort_values("affinity")
            ax.plot(e["affinity"], e["adopters_mean"].clip(lower=0.1), marker=".",
                    color=cmap(0.35 + 0.65 * i / max(1, len(ks) - 1)), lw=1.2, label=f"{k} micro")
        ax.set_yscale("log")
        _plain_log_labels(ax.yaxis)
        ax.set_xscale("log")
        ax.set_xticks([0.1, 0.2, 0.3, 0.5, 0.7, 1.0], ["0.1", "0.2", "0.3", "0.5", "0.7", "1"])
        ax.set_xlabel("brand affinity")
        ax.set_ylabel("mean adopters beyond the paid seeds (95% CI)")
        ax.set_title(f"virality {v:g}: adopters", loc="left")
        ax.grid(alpha=0.3, which="both")
        if c == len(vir) - 1:  # one legend, beside the row: the curves fill every panel
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        ax = axes[1][c]
        for ref, ls in (("nano", "-"), ("nano_nofan", "--")):
            e = need[(need.virality == v) & (need.reference == ref)].sort_values("affinity")
            if e.empty:
                continue
            for q, mk in (("adopters", "o"), ("reach", "s")):
                y = e[f"k_{q}"].replace(np.inf, np.nan)
                ax.plot(e["affinity"], y, ls=ls, marker=mk, color=COLORS["micro"] if q == "adopters" else "0.4",
                        label=f"to match {names[ref]}: {q}")
                lo = e[f"k_{q}_low"].replace(np.inf, np.nan)
                hi = e[f"k_{q}_high"].replace(np.inf, max(ks) * 1.5)
                ax.fill_between(e["affinity"], lo, hi, alpha=0.12,
                                color=COLORS["micro"] if q == "adopters" else "0.4")
                for a, yy in zip(e["affinity"], e[f"k_{q}"]):
                    if not np.isfinite(yy):
                        ax.annotate(f"> {max(ks)}", (a, max(ks)), fontsize=7, ha="center", color="0.3")
        ax.axhline(5, color="red", lw=1, ls=":", label="the article: 5 micro-influencers")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_labels(ax.yaxis)
        ax.set_xticks([0.1, 0.2, 0.3, 0.5, 0.7, 1.0], ["0.1", "0.2", "0.3", "0.5", "0.7", "1"])
        ax.set_ylim(0.5, max(ks) * 3)
        ax.set_xlabel("brand affinity")
        ax.set_ylabel(f"micro-influencers needed to match\n(tested {min(ks)}..{max(ks)}, log-interpolated)")
        nano_budget = t[(t.virality == v) & (t.strategy == "nano")]["budget"].iloc[0]
        ax.set_title(f"virality {v:g}: how many micro-influencers match ${nano_budget:,.0f} of nano", loc="left")
        ax.grid(alpha=0.3, which="both")
        if c == len(vir) - 1:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.suptitle(f"A brand without fans ({people:,} people). Affinity scales every edge equally.\n"
                 "Dashed: non-fan nano seeds ASSUMED to also lose authenticity (0.9^posts ~ affinity)")
    fig.savefig(args.out + ".png", dpi=120)
    plt.close(fig)
    print(f"fanbase: wrote {args.out}.png, {args.out}.csv, {args.out}_k_needed.csv")
    with pd.option_context(*PD_OPTS):
        print(t[keep].sort_values(["virality", "affinity", "strategy"]).to_string(index=False))
        print(need.to_string(index=False))
    return 0


# ---------------------------------------------------------------------------------------------
# Question 5
def wd(args) -> int:
    """Question 5 from experiments/watts_dodds_2007.toml (Erdos-Renyi; axes graph.mean_degree x
    model.threshold.phi) and experiments/watts_dodds_dunbar.toml (zip over threshold variants)."""
    runs, people = _runs_with_points(args.er)
    runs["global"] = runs["reach"] > args.cut * people
    rows = []
    for (z, phi, s), d in runs.groupby(["graph.mean_degree", "model.threshold.phi", "strategy"]):
        n, k = len(d), int(d["global"].sum())
        p, lo, hi = wilson(k, n)
        row = dict(mean_degree=z, phi=phi, strategy=s, runs=n, p_global=p, p_global_low=lo, p_global_high=hi,
                   size_mean=d["reach"].mean(), size_se=d["reach"].std(ddof=1) / np.sqrt(n))
        for c in (0.01, 0.3):
            row[f"p_global_cut{c:g}"] = float((d["reach"] > c * people).mean())
        rows.append(row)
    t = pd.DataFrame(rows)
    a = t[t.strategy == "influential"].set_index(["mean_degree", "phi"])
    b = t[t.strategy == "random"].set_index(["mean_degree", "phi"])
    mult = pd.DataFrame(index=a.index)
    mult["multiplier"], mult["multiplier_low"], mult["multiplier_high"] = ratio_ci(a["size_mean"], a["size_se"],
                                                                                   b["size_mean"], b["size_se"])
    mult["p_global_random"], mult["p_global_influential"] = b["p_global"], a["p_global"]
    mult = mult.reset_index()
    t = t.merge(mult[["mean_degree", "phi", "multiplier", "multiplier_low", "multiplier_high"]],
                on=["mean_degree", "phi"], how="left")
    t.to_csv(args.out + ".csv", index=False, float_format="%.6g")
    dev30 = (t["p_global"] - t["p_global_cut0.3"]).abs()
    dev1 = (t["p_global"] - t["p_global_cut0.01"]).abs()

    dun = None
    if args.dunbar:
        dr, dpeople = _runs_with_points(args.dunbar)
        pts = nh5.load_points(args.dunbar)
        rows = []
        for (pt, s), d in dr.groupby(["point", "strategy"]):
            pr = pts[pts.point == pt].iloc[0]
            absolute = bool(pr["model.threshold.absolute"])
            phi = float(pr["model.threshold.phi"])
            w = pr.get("campaign.circle_weights", None)
            if isinstance(w, str):
                w = json.loads(w)
            weights = "equal" if w is not None and np.allclose(np.asarray(w, dtype=float), 1.0) else "circle"
            label = (f"absolute {phi:g}" if absolute else f"fraction {phi:g}") + ("" if absolute else f", {weights}")
            n, k = len(d), int((d["adopters"] > args.cut * dpeople).sum())
            p, lo, hi = wilson(k, n)
            rows.append(dict(point=pt, variant=label, absolute=absolute, phi=phi, weights=weights, strategy=s,
                             runs=n, seeds=d["seeds"].mean(), p_global=p, p_global_low=lo, p_global_high=hi,
                             reach_mean=d["reach"].mean(), reach_share=d["reach"].mean() / dpeople))
        dun = pd.DataFrame(rows)
        dun.to_csv(args.out + "_dunbar.csv", index=False, float_format="%.6g")

    ncol = 3 if dun is not None else 2
    fig, axes = plt.subplots(1, ncol, figsize=(6.2 * ncol, 5.2), constrained_layout=True)
    phis = np.sort(t["phi"].unique())
    cm = plt.get_cmap("viridis")
    for i, phi in enumerate(phis):
        col = cm(i / max(1, len(phis) - 1) * 0.85)
        for s, ls in (("random", "-"), ("influential", "--")):
            e = t[(t.phi == phi) & (t.strategy == s)].sort_values("mean_degree")
            axes[0].plot(e["mean_degree"], e["p_global"], ls=ls, marker="o", ms=3, color=col,
                         label=f"phi {phi:g}, {s}")
            axes[0].fill_between(e["mean_degree"], e["p_global_low"], e["p_global_high"], color=col, alpha=0.15)
        e = mult[mult.phi == phi].sort_values("mean_degree")
        ok = np.isfinite(e["multiplier"])
        axes[1].errorbar(e["mean_degree"][ok], e["multiplier"][ok],
                         yerr=np.vstack([(e["multiplier"] - e["multiplier_low"])[ok],
                                         (e["multiplier_high"] - e["multiplier"])[ok]]),
                         marker="o", ms=4, capsize=2, color=col, label=f"phi {phi:g}")
        local = ok & (e["p_global_random"] == 0) & (e["p_global_influential"] == 0)
        axes[1].scatter(e["mean_degree"][local], e["multiplier"][local], s=22, facecolor="white", edgecolor=col,
                        zorder=3)
    axes[0].axvspan(1, 6, color="0.9", zorder=0, label="Watts 2002 window (phi 0.18): z ~ 1..6")
    axes[0].set_xlabel("mean degree z (Erdos-Renyi)")
    axes[0].set_ylabel(f"P(global cascade: reach > {args.cut:.0%} of N) from one seed")
    axes[0].set_title(f"(a) cascade window, {people:,} people (95% Wilson CI)", loc="left")
    # Below the panel: inside it, any corner covers a curve somewhere along the window.
    axes[0].legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
    axes[0].grid(alpha=0.3)
    axes[1].axhline(1, color="black", lw=1)
    axes[1].set_yscale("log")
    axes[1].yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:g}"))
    axes[1].yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:g}" if y in (1.5, 2, 3, 4) else ""))
    axes[1].set_xlabel("mean degree z (Erdos-Renyi)")
    axes[1].set_ylabel("mean cascade size: influential / random seed")
    axes[1].set_title("(b) influentials' multiplier (top 10% by degree; 95% CI;\n"
                      "open: no global cascades from either seed)", loc="left")
    axes[1].legend(fontsize=7)
    axes[1].grid(alpha=0.3, which="both")
    if dun is not None:
        ax = axes[2]
        variants = list(dict.fromkeys(dun.sort_values("point")["variant"]))
        strategies = list(dict.fromkeys(dun["strategy"]))
        grid = np.full((len(strategies), len(variants)), np.nan)
        for r in dun.itertuples():
            grid[strategies.index(r.strategy), variants.index(r.variant)] = r.reach_share
        im = ax.imshow(grid, cmap="Greens", vmin=0, vmax=1, aspect="auto")
        for i in range(len(strategies)):
            for j in range(len(variants)):
                r = dun[(dun.strategy == strategies[i]) & (dun.variant == variants[j])].iloc[0]
                ax.text(j, i, f"{r.reach_share:.0%}\np={r.p_global:.2f}", ha="center", va="center", fontsize=6.5,
                        color="white" if r.reach_share > 0.6 else "black")
        ax.set_xticks(range(len(variants)), variants, rotation=60, ha="right", fontsize=7)
        seeds = {"influential": "1 influential", "random": "1 random person", "random_100": "100 random",
                 "random_1000": "1,000 random", "random_10pct": "10% at random"}
        ax.set_yticks(range(len(strategies)), [seeds.get(x, x) for x in strategies], fontsize=8)
        ax.set_ylabel("seeds")
        ax.set_title(f"(c) Dunbar network, {dpeople:,} people: mean reach share\n"
                     f"(p = P(adopters > {args.cut:.0%} of N))", loc="left", fontsize=9)
        fig.colorbar(im, ax=ax, shrink=0.7, label="mean reach / N")
    fig.suptitle("Watts (2002) / Watts & Dodds (2007): threshold cascades from one seed"
                 + ("; on the Dunbar network (c) also from many" if dun is not None else ""))
    fig.savefig(args.out + ".png", dpi=120)
    plt.close(fig)
    print(f"wd: wrote {args.out}.png, {args.out}.csv" + (f", {args.out}_dunbar.csv" if dun is not None else ""))
    print(f"  largest change of P(global) when the cut moves from {args.cut:.0%} to 30% of N: {dev30.max():.4f}; "
          f"to 1% of N: {dev1.max():.4f}, at (mean degree, phi) = "
          + ", ".join(f"({r.mean_degree:g}, {r.phi:g})" for r in t[dev1 > 0.005].drop_duplicates(["mean_degree", "phi"]).itertuples()))
    with pd.option_context(*PD_OPTS):
        print(mult.to_string(index=False))
        if dun is not None:
            print(dun.drop(columns=["absolute", "weights"]).to_string(index=False))
    return 0


# ---------------------------------------------------------------------------------------------
# Question 1, network structure
def _graph_facts(path) -> pd.DataFrame:
    """One row per distinct graph of a sweep: clustering, mean degree and tier sizes."""
    import h5py
    rows = []
    with h5py.File(path, "r") as f:
        for g in sorted(f["graphs"], key=int):
            grp = f["graphs"][g]
            row = {"graph": int(g), "clustering": float(grp.attrs["clustering"]),
                   "mean_strong_degree": float(grp.attrs["mean_degree"]),
                   "max_followers": int(grp.attrs["max_followers"])}
            for n, c in zip(grp["tier_names"].asstr()[()], grp["tier_counts"][()]):
                row[f"people_{n}"] = int(c)
            rows.append(row)
    return pd.DataFrame(rows)


def structure(args) -> int:
    """Question 1's network-structure axis from experiments/nano_vs_mega_structure.toml."""
    t = add_adopter_stats(args.file, sweep_table(args.file))
    axes_cols = [c for c in nh5.load_points(args.file).columns if c not in ("point", "graph", "status", "runs")]
    t = t.merge(_graph_facts(args.file), on="graph", how="left")
    people = people_of(t)
    keep = ["point", *axes_cols, "clustering", "people_nano", "people_micro", "people_mega", "strategy", "runs",
            "seeds_mean", "cost_mean", "reach_mean", "reach_ci95_low", "reach_ci95_high", "adopters_mean",
            "adopters_ci95_low", "adopters_ci95_high"]
    keep = [c for c in keep if c in t.columns]
    t[keep].to_csv(args.out + ".csv", index=False, float_format="%.6g")
    pts = t.drop_duplicates("point").sort_values("point")
    strategies = list(dict.fromkeys(t["strategy"]))
    fig, ax = plt.subplots(figsize=(2.2 * len(pts) + 3, 5.5), constrained_layout=True)
    w = 0.8 / len(strategies)
    labels = []
    print(f"structure: wrote {args.out}.png, {args.out}.csv")
    for i, p in enumerate(pts.itertuples()):
        d = t[t.point == p.point]
        labels.append("\n".join(f"{c.split('.')[-1]} {d[c].iloc[0]:g}"
                                for c in axes_cols) + f"\nclustering {d['clustering'].iloc[0]:.2f}"
                      + f"\n{int(d['people_mega'].iloc[0])} mega accounts")
        for j, s in enumerate(strategies):
            e = d[d.strategy == s]
            if e.empty:
                continue
            m = e["reach_mean"].iloc[0]
            ax.bar(i + (j - (len(strategies) - 1) / 2) * w, max(m, 0.5), w, color=COLORS.get(s),
                   yerr=[[m - e["reach_ci95_low"].iloc[0]], [e["reach_ci95_high"].iloc[0] - m]], capsize=2,
                   label=s if i == 0 else None)
        n, mg = d[d.strategy == "nano"], d[d.strategy == "mega"]
        if not n.empty and not mg.empty and mg["reach_mean"].iloc[0] > 0:
            r, lo, hi = ratio_ci(n["reach_mean"].iloc[0], n["reach_se"].iloc[0], mg["reach_mean"].iloc[0],
                                 mg["reach_se"].iloc[0])
            top = d["reach_ci95_high"].max()  # above the group's tallest bar, inside the axes
            ax.annotate(f"nano / mega\n{r:.1f}x [{lo:.1f}, {hi:.1f}]", (i, top * 1.2), ha="center", va="bottom",
                        fontsize=7)
            print(f"  point {p.point} " + ", ".join(f"{c} {d[c].iloc[0]:g}" for c in axes_cols)
                  + f": clustering {d['clustering'].iloc[0]:.3f}, {int(d['people_mega'].iloc[0])} mega; "
                  f"nano {n['reach_mean'].iloc[0]:,.0f}, mega {mg['reach_mean'].iloc[0]:,.0f}, "
                  f"ratio {r:.3g} [{lo:.3g}, {hi:.3g}]")
    ax.set_xticks(range(len(pts)), labels, fontsize=8)
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ax.set_ylim(low, t["reach_ci95_high"].max() * 8)  # room for the ratio labels and, above them, the legend
    ax.set_ylabel("mean people reached (95% CI)")
    ax.grid(axis="y", alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="upper center", ncol=len(strategies), frameon=False)
    v = t["campaign.virality"].iloc[0] if "campaign.virality" in t else nh5.load_config(args.file).get_key("campaign.virality")
    b = t[t.strategy == "nano"]["budget"].iloc[0]
    ax.set_title(f"Equal budget (${b:,.0f}) on {len(pts)} networks of {people:,} people, virality {v:g}: "
                 "strong-tie rewiring x follower-count exponent", loc="left")
    fig.savefig(args.out + ".png", dpi=120)
    plt.close(fig)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("who", help="question 2: who triggers adoptions in large vs small cascades")
    p.add_argument("--phase", help="sweep of experiments/nano_vs_mega_phase.toml")
    p.add_argument("--who", help="sweep of experiments/who_drives.toml")
    p.add_argument("--cut", type=float, default=0.01, help="large cascade: adopters > CUT x N (default 0.01)")
    p.add_argument("-o", "--out", required=True)
    p.set_defaults(fn=who)
    for name, fn, what in (("fatigue", fatigue, "question 3: sponsored-content fatigue"),
                           ("fanbase", fanbase, "question 4: no fan base, micro-influencers instead"),
                           ("structure", structure, "question 1: equal budget across network structures")):
        p = sub.add_parser(name, help=what)
        p.add_argument("file")
        p.add_argument("-o", "--out", required=True)
        p.set_defaults(fn=fn)
    p = sub.add_parser("wd", help="question 5: Watts & Dodds cascade window and influentials")
    p.add_argument("--er", required=True, help="sweep of experiments/watts_dodds_2007.toml")
    p.add_argument("--dunbar", help="sweep of experiments/watts_dodds_dunbar.toml")
    p.add_argument("--cut", type=float, default=0.1, help="global cascade: reach > CUT x N (default 0.1)")
    p.add_argument("-o", "--out", required=True)
    p.set_defaults(fn=wd)
    a = ap.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)) or ".", exist_ok=True)
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
