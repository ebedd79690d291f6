#!/bin/bash
# Submits a parameter sweep as a Slurm job array plus a merge job. Run it on the login node (it only
# calls sbatch; it is not itself a job):
#
#   scripts/slurm/sweep.sh EXPERIMENT.toml [OUTDIR]             every shard, then the merge
#   ONLY=3,7 scripts/slurm/sweep.sh EXPERIMENT.toml [OUTDIR]    resubmit shards 3 and 7, then the merge
#
# Array task I (sweep-shard.sbatch) runs `nanoreach sweep --shard I/SHARDS` into
# OUTDIR/NAME.shard-IIII-of-NNNN.h5; the merge job (sweep-merge.sbatch) waits for every task to end,
# successful or not (afterany), checks that every shard listed in OUTDIR/NAME.shards is there and
# complete, and writes OUTDIR/NAME.h5, the file one process would have written. If a shard failed
# (node failure, time limit), the merge says which and prints the ONLY=... line that resubmits just
# those shards; a resubmitted shard continues from its checkpoints (--resume).
#
# Environment:
#   SHARDS=16                  number of array tasks (shards of the sweep's points)
#   NANOREACH=path             the program (default: build/nanoreach of this repository)
#   NANOREACH_MODULES="a b"    environment modules the tasks load first (`module load a b`), if the
#                              program was built against a site's modules
#   FORCE=1                    overwrite shard files of an earlier submission (otherwise refused)
#   SBATCH_ACCOUNT, SBATCH_PARTITION, ...  read by sbatch itself; resources: the #SBATCH lines of
#                              sweep-shard.sbatch (8 CPUs, 4 h per task) and sweep-merge.sbatch
#                              (1 CPU, 1 h), or sbatch's own environment variables
#
# Every path is made absolute here, before submission: Slurm runs a copy of each job script from its
# spool directory, so nothing may depend on where the script lies or which directory a task starts in.
set -euo pipefail

die() { echo "sweep.sh: $*" >&2; exit 1; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: scripts/slurm/sweep.sh EXPERIMENT.toml [OUTDIR] (see the comment at the top)"
[ -z "${SLURM_ARRAY_TASK_ID:-}" ] || die "run this on the login node, not as a job: it only submits the jobs"
command -v sbatch >/dev/null || die "sbatch not found: run this where Slurm is installed"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
experiment=$(realpath -e "$1" 2>/dev/null) || die "no experiment file $1"
outdir=$(realpath -m "${2:-results}")
bin=${NANOREACH:-$repo/build/nanoreach}
bin=$(realpath -m "$bin")
[ -x "$bin" ] || die "no nanoreach program at $bin (build it with scripts/build.sh, or set NANOREACH=/path/to/nanoreach)"
shards=${SHARDS:-16}
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a positive integer, got '$shards'"
name=$(basename "$experiment" .toml)
mkdir -p "$outdir"
manifest="$outdir/$name.shards"

shard_file() { printf '%s/%s.shard-%04d-of-%04d.h5' "$outdir" "$name" "$1" "$shards"; }

# The shards to run: all, or ONLY's list (which must name shards of this plan).
if [ -n "${ONLY:-}" ]; then
  [ -f "$manifest" ] || die "ONLY=$ONLY but $manifest does not exist: submit the whole sweep first"
  [ "$(wc -l < "$manifest")" -eq "$shards" ] ||
    die "$manifest lists $(wc -l < "$manifest") shards; set SHARDS=$(wc -l < "$manifest") as in the first submission"
  IFS=, read -r -a run <<< "$ONLY"
  for i in "${run[@]}"; do
    [[ $i =~ ^[1-9][0-9]*$ ]] && [ "$i" -le "$shards" ] || die "ONLY names shard '$i'; shards are 1..$shards"
  done
else
  run=()
  for ((i = 1; i <= shards; i++)); do run+=("$i"); done
  : > "$manifest.new"
  for ((i = 1; i <= shards; i++)); do shard_file "$i" >> "$manifest.new"; echo >> "$manifest.new"; done
fi

# Shard files of an earlier submission would be taken for this one's: refuse them unless FORCE=1.
if [ "${FORCE:-0}" != 1 ]; then
  stale=()
  for i in "${run[@]}"; do
    f=$(shard_file "$i")
    if [ -e "$f" ]; then stale+=("$f"); fi
  done
  if [ ${#stale[@]} -gt 0 ]; then
    rm -f "$manifest.new"
    die "${#stale[@]} shard file(s) exist already, e.g. ${stale[0]}: remove them, or set FORCE=1 to overwrite them"
  fi
fi
[ -f "$manifest.new" ] && mv "$manifest.new" "$manifest"

list=$(IFS=,; echo "${run[*]}")
export NANOREACH_BIN=$bin NANOREACH_SHARDS=$shards NANOREACH_MODULES=${NANOREACH_MODULES:-} NANOREACH_FORCE=${FORCE:-0}
array=$(sbatch --parsable --array="$list" --export=ALL "$here/sweep-shard.sbatch" "$experiment" "$outdir")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterany:"$array" --export=ALL,NANOREACH_SCRIPTS="$here" \
  "$here/sweep-merge.sbatch" "$experiment" "$outdir")
merge=${merge%%;*}
echo "sweep.sh: submitted shards $list of $shards as array job $array, and merge job $merge"
echo "sweep.sh: shards in $outdir, merged file $outdir/$name.h5"
