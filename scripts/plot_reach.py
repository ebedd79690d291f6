#!/usr/bin/python3
"""Plots one nanoreach result file: reach per strategy and mean adoption curves.

    /usr/bin/python3 scripts/plot_reach.py RESULT.h5 -o FIGURE.png [--model ic] [--point N]

Left panel: the distribution of reach (people active at the end, seeds included) over the runs of
each strategy, as box plots (box: quartiles; thin grey whiskers without caps: 1.5 IQR), with the mean
(diamond, its value beside it) and its 95% confidence interval (mean +/- 1.96 standard errors, from
/summary) in black with caps, so the two cannot be mistaken for each other. The headline ratio, nano
/ mega (ratio of mean reach, 95% CI by the delta method on the log), is written in the panel when the
file has a budget strategy of each tier, and each strategy's share of the best reach when it has an
`optimal` (IMM) strategy. Right panel: the mean cumulative adoption curve (people reached by step t)
of each strategy with a band of the 95% confidence interval of that mean, each curve labelled at its
end (no legend to cover a curve; labels are pushed apart when curves end close together), steps on
whole numbers. The title gives the budget and virality from the stored configuration and the tier
thresholds the graph actually used (/graph). Uses matplotlib's Agg backend: no display needed.

Exits 1 with a message naming the problem if the file is missing, unreadable, incomplete (an
interrupted run; --allow-incomplete plots it anyway, marked as such), lacks the model, or is a
sweep with several points and no --point.
"""
from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from nanoreach import h5 as nh5  # noqa: E402

Z95 = 1.959963984540054


class PlotError(Exception):
    pass


def _money(x: float) -> str:
    return f"${x:,.0f}"


def _title(cfg, summary, model: str, people: int, complete: bool, point) -> str:
    spending = summary[summary["budget"] > 0]["budget"].unique() if "budget" in summary else []
    if len(spending) == 1:
        budget = f"equal budget {_money(spending[0])}"
    elif len(spending) > 1:
        budget = "budgets " + " / ".join(_money(b) for b in spending)
    else:
        budget = f"budget {_money(cfg.get_key('campaign.budget', float('nan')))}"
    virality = cfg.get_key("campaign.virality")
    runs = summary["runs"].unique()
    runs_text = f"{runs[0]} runs per strategy" if len(runs) == 1 else f"{runs.min()}-{runs.max()} runs per strategy"
    head = f"Reach at {budget}, virality {virality:g}" if virality is not None else f"Reach at {budget}"
    tail = f"model {model}, {people:,} people, {runs_text}"
    if point is not None:
        tail += f", sweep point {point}"
    if not complete:
        tail += " - INCOMPLETE FILE"
    return f"{head}\n{tail}"


def _population_axis(ax, people: int):
    """A right-hand axis in % of the population."""
    if people > 0:
        sec = ax.secondary_yaxis("right", functions=(lambda y: 100 * y / people, lambda p: p * people / 100))
        sec.set_ylabel("% of population")


def _tiers_text(graph: dict) -> str:
    """'tiers (automatic): nano >= 100, micro >= 3,000, macro >= 10,000, mega >= 100,000 followers'."""
    th = graph.get("tier_thresholds")
    if th is None or len(th) != 4:
        return ""
    parts = ", ".join(f"{n} >= {int(t):,}" for n, t in zip(("nano", "micro", "macro", "mega"), th))
    return f"tiers ({graph.get('tiers_rule', '?')}): {parts} followers"


def _ratio(summary, a: str, b: str):
    """Ratio of mean reach of the budget strategies of tiers a and b, with its 95% CI (delta method on
    the log, the two means taken as independent); None when either is missing or reached nobody."""
    rows = {}
    for t in (a, b):
        r = summary[(summary.get("tier", "") == t) & (summary.get("kind", "") == "budget")]
        if len(r) == 0:
            return None
        rows[t] = r.iloc[0]
    ma, mb = rows[a].reach_mean, rows[b].reach_mean
    if not (ma > 0 and mb > 0):
        return None
    se = np.sqrt((rows[a].reach_se / ma) ** 2 + (rows[b].reach_se / mb) ** 2)
    return ma / mb, ma / mb * np.exp(-Z95 * se), ma / mb * np.exp(Z95 * se)


def _spread_labels(values, height: float, min_gap: float):
    """Label heights near `values` (same order) at least min_gap * height apart."""
    order = np.argsort(values)
    out = np.maximum(np.array(values, dtype=float), 0.03 * height)  # not on the axis itself
    for i in range(1, len(order)):
        lo = out[order[i - 1]] + min_gap * height
        if out[order[i]] < lo:
            out[order[i]] = lo
    return out


def load(path: str, model: str, point, allow_incomplete: bool):
    try:
        info = nh5.file_info(path)
    except (OSError, KeyError) as e:
        raise PlotError(str(e)) from e
    complete = bool(info.get("complete", False))
    if not complete and not allow_incomplete:
        raise PlotError(f"{path}: the file is incomplete (root attribute complete = false: the run was "
                        "interrupted or is still going); pass --allow-incomplete to plot what finished")
    try:
        summary = nh5.load_summary(path)
        runs = nh5.load_runs(path)
        cfg = nh5.load_config(path)
        people = int(nh5.load_graph(path).get("people", 0))
    except (OSError, KeyError, ValueError) as e:
        raise PlotError(str(e)) from e
    if len(runs) == 0 or len(summary) == 0:
        raise PlotError(f"{path}: holds no finished runs")
    if "point" in runs.columns:
        points = sorted(runs["point"].unique())
        if point is None:
            if len(points) > 1:
                raise PlotError(f"{path}: a sweep with points {points[0]}..{points[-1]}; choose one with --point")
            point = points[0]
        if point not in points:
            raise PlotError(f"{path}: no sweep point {point} (points: {points})")
        runs = runs[runs["point"] == point]
        summary = summary[summary["point"] == point]
    elif point is not None:
        raise PlotError(f"{path}: not a sweep file, --point means nothing here")
    models = list(dict.fromkeys(summary["model"]))
    if model not in models:
        raise PlotError(f"{path}: no runs of model {model!r}; models here: {', '.join(models)}")
    summary = summary[summary["model"] == model].reset_index(drop=True)
    runs = runs[runs["model"] == model]
    strategies = list(summary["strategy"])
    curves = {}
    for s in strategies:
        try:
            curves[s] = nh5.load_curves(path, s, model, cumulative=True)
        except KeyError:
            curves[s] = None  # written with output.curves = false
        else:
            if "point" in runs.columns:
                curves[s] = curves[s].xs(point, level="point")
    return info, cfg, people, complete, point, summary, runs, strategies, curves


def plot(path: str, out: str, model: str = "ic", point=None, allow_incomplete: bool = False) -> None:
    info, cfg, people, complete, point, summary, runs, strategies, curves = load(path, model, point,
                                                                                 allow_incomplete)
    try:
        graph = nh5.load_graph(path, graph=None if point is None else _graph_of_point(path, point))
    except (OSError, KeyError):
        graph = {}
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    color = {s: colors[i % len(colors)] for i, s in enumerate(strategies)}
    fig, (ax_box, ax_curve) = plt.subplots(1, 2, figsize=(13, 5.8), constrained_layout=True)
    thousands = matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:,.0f}")

    # (a) reach distributions with the mean and its 95% CI.
    data = [runs.loc[runs["strategy"] == s, "reach"].to_numpy() for s in strategies]
    pos = np.arange(1, len(strategies) + 1)
    box = ax_box.boxplot(data, positions=pos, widths=0.5, patch_artist=True, showfliers=True, showcaps=False,
                         whiskerprops={"color": "0.55", "lw": 1},
                         flierprops={"marker": ".", "markersize": 3, "alpha": 0.4, "markeredgecolor": "0.5"},
                         medianprops={"color": "0.2"})
    for patch, s in zip(box["boxes"], strategies):
        patch.set_facecolor(color[s])
        patch.set_alpha(0.45)
    mean = summary["reach_mean"].to_numpy()
    err = np.vstack([mean - summary["reach_ci95_low"].to_numpy(), summary["reach_ci95_high"].to_numpy() - mean])
    ax_box.errorbar(pos, mean, yerr=err, fmt="D", color="black", markersize=5, capsize=7, capthick=2,
                    elinewidth=2, label="mean and its 95% CI")
    for x, m, n in zip(pos, mean, summary["seeds_mean"]):
        ax_box.annotate(f"{m:,.0f}", (x + 0.27, m), xytext=(2, 0), textcoords="offset points", va="center",
                        fontsize=8)
        if n == 0:  # empty_ok: an empty tier, or a budget below its cheapest account
            ax_box.annotate("seeded nobody\n(see the run's note)", (x, m), xytext=(0, 14), textcoords="offset points",
                            ha="center", fontsize=7, color="0.35")
    ax_box.set_xlim(0.4, len(strategies) + 0.9)  # room for the last label before the right-hand axis
    def seeds(x):
        return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"
    labels = [f"{s}\n{seeds(r.seeds_mean)} seeds\n{_money(r.cost_mean)}" for s, r in zip(strategies, summary.itertuples())]
    ax_box.set_xticks(pos, labels, fontsize=8 if len(strategies) > 4 else 9)
    ax_box.set_ylabel("people reached (paid seeds included)")
    top = max([float(np.max(d)) for d in data if len(d)] + [1.0])
    ax_box.set_ylim(0, top * 1.4)  # headroom for the legend and the headline below it
    ax_box.set_title("(a) reach per run", loc="left")
    ax_box.legend(handles=[ax_box.containers[0] if ax_box.containers else None,
                           matplotlib.patches.Patch(facecolor="0.8", edgecolor="0.3",
                                                    label="runs: box = quartiles, whiskers = 1.5 IQR")],
                  loc="upper left", fontsize=8)
    headline = []
    ratio = _ratio(summary, "nano", "mega")
    if ratio:
        headline.append(f"nano / mega: {ratio[0]:.1f}x [{ratio[1]:.1f}, {ratio[2]:.1f}] (mean reach, 95% CI)")
    best = summary[summary.get("kind", "") == "optimal"]
    if len(best) and best.iloc[0].reach_mean > 0:
        b = best.iloc[0]
        shares = ", ".join(f"{r.strategy} {100 * r.reach_mean / b.reach_mean:.0f}%" for r in summary.itertuples()
                           if r.strategy != b.strategy)
        headline.append(f"reach as a share of the best set found ({b.strategy}, IMM): {shares}")
    if headline:
        ax_box.text(0.015, 0.855, "\n".join(headline), transform=ax_box.transAxes, ha="left", va="top", fontsize=8,
                    bbox={"facecolor": "white", "edgecolor": "0.7", "boxstyle": "round,pad=0.3"})
    ax_box.yaxis.set_major_formatter(thousands)
    ax_box.grid(axis="y", alpha=0.3)
    _population_axis(ax_box, people)

    # (b) mean cumulative adoption curves with the 95% CI band of the mean.
    # Show steps until every mean curve is within 0.1% of where it ends; shorter curves are
    # extended flat (a cumulative curve stays at the run's reach after its last step).
    bands, xmax = {}, 1
    for s in strategies:
        c = curves[s]
        if c is None or len(c) == 0:
            continue
        m = c.mean(axis=0).to_numpy()
        se = c.std(axis=0, ddof=1).to_numpy() / np.sqrt(len(c)) if len(c) > 1 else np.zeros_like(m)
        bands[s] = (m, se)
        xmax = max(xmax, int(np.nonzero(m >= 0.999 * m[-1])[0][0]) + 2)
    ends = {}
    for s, (m, se) in bands.items():
        if len(m) < xmax + 1:
            m = np.concatenate([m, np.full(xmax + 1 - len(m), m[-1])])
            se = np.concatenate([se, np.full(xmax + 1 - len(se), se[-1])])
        final = float(m[-1])  # the mean reach
        m, se = m[: xmax + 1], se[: xmax + 1]
        steps = np.arange(len(m))
        ax_curve.plot(steps, m, color=color[s], lw=2)
        ax_curve.fill_between(steps, m - Z95 * se, m + Z95 * se, color=color[s], alpha=0.25, lw=0)
        ends[s] = final
    if all(c is None for c in curves.values()):
        ax_curve.text(0.5, 0.5, "no curves in this file\n(output.curves = false)", ha="center", va="center",
                      transform=ax_curve.transAxes)
    else:
        ax_curve.set_xlim(0, xmax * 1.3)  # the right 23% holds the curves' labels
        height = max(ends.values()) * 1.08 if ends else 1.0
        ax_curve.set_ylim(0, height)
        names = list(ends)
        for s, y in zip(names, _spread_labels([ends[n] for n in names], height, 0.045)):
            ax_curve.annotate(f"{s} {ends[s]:,.0f}", (xmax, ends[s]), xytext=(xmax * 1.02, y), va="center",
                              fontsize=8, color=color[s], arrowprops={"arrowstyle": "-", "color": color[s], "lw": 0.6})
        ax_curve.text(0.02, 0.98, "bands: 95% CI of the mean", transform=ax_curve.transAxes, va="top", fontsize=8,
                      color="0.3")
    # Whole steps, and no ticks past the last step shown (the labels' margin holds no data).
    ticks = matplotlib.ticker.MaxNLocator(integer=True).tick_values(0, xmax)
    ax_curve.set_xticks([t for t in ticks if 0 <= t <= xmax])
    ax_curve.set_xlabel("step")
    ax_curve.set_ylabel("mean people reached by step")
    ax_curve.set_ylim(bottom=0)
    ax_curve.yaxis.set_major_formatter(thousands)
    ax_curve.set_title("(b) mean cumulative adoption", loc="left")
    ax_curve.grid(alpha=0.3)
    _population_axis(ax_curve, people)

    title = _title(cfg, summary, model, people, complete, point)
    tiers = _tiers_text(graph)
    fig.suptitle(title + (f"\n{tiers}" if tiers else ""))
    fig.text(0.995, 0.005, f"{os.path.basename(path)}, nanoreach {info.get('nanoreach_version', '?')} "
             f"({info.get('git_revision', '?')}), seed {info.get('seed', '?')}", ha="right", va="bottom",
             fontsize=6, color="0.4")
    fig.savefig(out, dpi=130)
    plt.close(fig)


def _graph_of_point(path: str, point: int):
    """The /graphs/<g> a sweep point used (from /points)."""
    pts = nh5.load_points(path)
    return int(pts.loc[pts["point"] == point, "graph"].iloc[0])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Reach per strategy and mean adoption curves of a nanoreach result file.")
    ap.add_argument("file", help="result file written by `nanoreach run` (HDF5)")
    ap.add_argument("-o", "--out", help="figure to write (PNG, or any format matplotlib knows by the suffix); "
                                        "default: FILE with .png")
    ap.add_argument("--model", default="ic", help="diffusion model to show (default: ic)")
    ap.add_argument("--point", type=int, help="sweep files: the point to show")
    ap.add_argument("--allow-incomplete", action="store_true", help="plot an interrupted run's file anyway")
    a = ap.parse_args(argv)
    out = a.out or os.path.splitext(a.file)[0] + ".png"
    try:
        plot(a.file, out, a.model, a.point, a.allow_incomplete)
    except PlotError as e:
        print(f"plot_reach: {e}", file=sys.stderr)
        return 1
    print(f"plot_reach: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
