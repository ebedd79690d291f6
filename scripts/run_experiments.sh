#!/bin/bash
# Runs the default experiment and the issue-7 experiments (docs/MODEL.md section 6, questions 1-5)
# one after another and draws every figure; README.md and experiments/README.md ("Results") report
# what they found.
#
#   scripts/run_experiments.sh                 full runs (about 45 min on 2 shared cores) into
#                                              results/issue7/, figures and CSVs into experiments/figures/
#   scripts/run_experiments.sh --small         the small variants (a few minutes): fewer sweep points and
#                                              runs, into results/issue7-small/ and results/issue7-small/figures/
#   scripts/run_experiments.sh --scale         question 1 at the article's scale (experiments/README.md,
#                                              "Question 1 at the article's scale"): budgets on 100,000,000
#                                              and 1,000,000,000 people, above the threshold and IMM on
#                                              10,000,000 and 100,000,000, WeAre8 on 1,000,000,000 (about 100 min and up
#                                              to 15.7 GiB on 2 cores), into
#                                              results/scale/, figures into experiments/figures/
#   NANOREACH=path/to/nanoreach scripts/run_experiments.sh ...   another build (default: build, then build-exp)
#
# A sweep that was interrupted is continued with --resume (nanoreach keeps per-point checkpoints in
# OUT.h5.checkpoint/); a finished one is not run again (delete its .h5 to rerun it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
BIN=${NANOREACH:-}
if [[ -z "$BIN" ]]; then
  for b in build/nanoreach build-exp/nanoreach; do [[ -x $b ]] && BIN=$b && break; done
fi
[[ -x "$BIN" ]] || { echo "run_experiments: no nanoreach program (build it, or set NANOREACH=...)" >&2; exit 1; }

small=0 scale=0
[[ "${1:-}" == "--small" ]] && small=1
[[ "${1:-}" == "--scale" ]] && scale=1
if (( small )); then
  OUT=results/issue7-small; FIG=$OUT/figures
elif (( scale )); then
  OUT=results/scale; FIG=experiments/figures
else
  OUT=results/issue7; FIG=experiments/figures
fi
mkdir -p "$OUT" "$FIG"

# sweep NAME OUTPUT [--set ...]: runs experiments/NAME.toml into $OUT/OUTPUT.h5
sweep() {
  local name=$1 out=$OUT/$2.h5; shift 2
  if [[ -f $out ]]; then echo "run_experiments: $out exists, skipped"; return; fi
  local resume=()
  [[ -d $out.checkpoint ]] && resume=(--resume)
  echo "run_experiments: $name -> $out ($(date -u +%H:%M:%S))"
  "$BIN" sweep "experiments/$name.toml" --out "$out" "${resume[@]}" "$@"
}

# run NAME OUTPUT [--set ...]: one experiment (not a sweep) into $OUT/OUTPUT.h5
run() {
  local name=$1 out=$OUT/$2.h5; shift 2
  if [[ -f $out ]]; then echo "run_experiments: $out exists, skipped"; return; fi
  echo "run_experiments: $name -> $out ($(date -u +%H:%M:%S))"
  "$BIN" run "experiments/$name.toml" --out "$out" "$@"
}

if (( scale )); then
  sweep nano_vs_mega_scale scale --quiet
  sweep nano_vs_mega_scale scale_1b --quiet --set graph.people=1000000000 \
        --set 'sweep.campaign.virality=[0.03,0.03,0.03,0.03,0.03]' \
        --set 'sweep.campaign.budget=[15811.3883,50000,158113.883,500000,1000000]'
  sweep nano_vs_mega_scale scale_linear --quiet --set 'campaign.cost_model="linear"' \
        --set 'sweep.campaign.virality=[0.03,0.03]' --set 'sweep.campaign.budget=[50000,500000]'
  sweep nano_vs_mega_supercritical supercritical --quiet
  sweep nano_vs_mega_supercritical supercritical_100m --quiet --set graph.people=100000000 \
        --set 'graph.storage="implicit"' --set runs.count=3 --set 'sweep.campaign.virality=[0.05]' \
        --set 'sweep.campaign.budget=[50000]'
  sweep nano_vs_mega_weare8 weare8 --quiet
  run nano_vs_mega default_1m --quiet
  run nano_vs_mega optimal_10m --quiet --set graph.people=10000000 --set 'graph.storage="explicit"'
  $PY scripts/plot_scale.py "$OUT/scale.h5" --rescaled "$FIG/phase.csv" -o "$FIG/scale"
  $PY scripts/plot_scale.py "$OUT/scale_1b.h5" --rescaled "$FIG/phase.csv" -o "$FIG/scale_1b"
  $PY scripts/plot_scale.py "$OUT/supercritical.h5" --rescaled "$FIG/phase.csv" -o "$FIG/supercritical"
  $PY scripts/plot_weare8.py "$OUT/weare8.h5" -o "$FIG/weare8"
  $PY scripts/plot_convergence.py "$OUT/default_1m.h5" "$OUT/optimal_10m.h5" -o "$FIG/optimal_10m"
  echo "run_experiments: figures and tables in $FIG"
  exit 0
fi

# The default experiment (README "Results", experiments/figures/nano_vs_mega.png); the small variant
# on 100,000 people.
default_out=$OUT/nano_vs_mega.h5
if [[ -f $default_out ]]; then
  echo "run_experiments: $default_out exists, skipped"
else
  echo "run_experiments: nano_vs_mega -> $default_out ($(date -u +%H:%M:%S))"
  if (( small )); then
    "$BIN" run experiments/nano_vs_mega.toml --out "$default_out" --set graph.people=100000 --set runs.count=100
  else
    "$BIN" run experiments/nano_vs_mega.toml --out "$default_out"
  fi
fi

if (( small )); then
  R=(--set runs.count=20 --set runs.min=20 --set runs.batch=20 --quiet)
  sweep nano_vs_mega_phase phase "${R[@]}" --set 'sweep.campaign.virality=[0.02,0.03,0.04,0.05]' \
        --set 'sweep.campaign.budget=[5000,50000,500000]'
  sweep nano_vs_mega_phase_optimal phase_optimal "${R[@]}" --set 'sweep.campaign.virality=[0.02,0.03,0.04]' \
        --set 'sweep.campaign.budget=[5000,50000,500000]'
  sweep nano_vs_mega_nominal nominal "${R[@]}"
  sweep who_drives who_drives "${R[@]}" --set runs.count=50 --set 'sweep.campaign.virality=[0.03,0.05]'
  sweep fatigue fatigue "${R[@]}" --set 'sweep.campaign.virality=[0.03,0.03,0.03,0.03,0.05,0.05,0.05,0.05]' \
        --set 'sweep.strategy.nano.sponsored_posts=[0,5,20,40,0,5,20,40]' \
        --set 'sweep.strategy.mega_tired.sponsored_posts=[0,5,20,40,0,5,20,40]'
  sweep no_fanbase no_fanbase "${R[@]}" --set 'sweep.campaign.virality=[0.03,0.03,0.03]' \
        --set 'sweep.campaign.affinity=[1.0,0.3,0.1]' --set 'sweep.strategy.nano_nofan.sponsored_posts=[0,11,22]'
  sweep nano_vs_mega_structure structure "${R[@]}" --set 'sweep.graph.rewire=[0.01,0.2]'
  sweep watts_dodds_2007 wd_er --quiet --set runs.count=300 --set runs.batch=300 \
        --set 'sweep.graph.mean_degree=[1,2,3,4,5,6,7,8,10]' --set 'sweep.model.threshold.phi=[0.18]'
  sweep watts_dodds_dunbar wd_dunbar --quiet --set graph.people=20000 --set runs.count=20 \
        --set strategy.random_10pct.k=2000
  sweep nano_vs_mega_snap snap --quiet --set runs.count=100
else
  for pair in nano_vs_mega_phase:phase nano_vs_mega_phase_optimal:phase_optimal nano_vs_mega_nominal:nominal \
              who_drives:who_drives fatigue:fatigue \
              no_fanbase:no_fanbase watts_dodds_2007:wd_er watts_dodds_dunbar:wd_dunbar \
              nano_vs_mega_structure:structure nano_vs_mega_snap:snap; do
    sweep "${pair%%:*}" "${pair##*:}"
  done
fi

$PY scripts/plot_reach.py "$default_out" -o "$FIG/nano_vs_mega.png"
$PY scripts/plot_phase.py "$OUT/phase.h5" --nominal "$OUT/nominal.h5" --optimal "$OUT/phase_optimal.h5" -o "$FIG/phase"
$PY scripts/analyze_experiments.py structure "$OUT/structure.h5" -o "$FIG/structure"
$PY scripts/analyze_experiments.py who --phase "$OUT/phase.h5" --who "$OUT/who_drives.h5" -o "$FIG/who_drives"
$PY scripts/analyze_experiments.py fatigue "$OUT/fatigue.h5" -o "$FIG/fatigue"
$PY scripts/analyze_experiments.py fanbase "$OUT/no_fanbase.h5" -o "$FIG/no_fanbase"
$PY scripts/analyze_experiments.py wd --er "$OUT/wd_er.h5" --dunbar "$OUT/wd_dunbar.h5" -o "$FIG/watts_dodds"
$PY scripts/compare_networks.py "$OUT/snap.h5" -o "$FIG/snap"
echo "run_experiments: figures and tables in $FIG"
