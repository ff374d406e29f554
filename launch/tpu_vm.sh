#!/usr/bin/env bash
# TPU VM slice (one host or a pod slice of many): ships the code to every worker, installs it, and starts
# the same command on all workers at once. JAX finds its peers through the TPU metadata
# (--config.mesh.coordinator=auto) and the mesh spans every chip of the slice.
#
#   bash launch/tpu_vm.sh [--dry_run] [--repo=GIT_URL_OR_LOCAL_DIR] [--ref=REF] TPU_NAME ZONE CONFIG WORKDIR [FLAGS...]
#   bash launch/tpu_vm.sh my-v5e ZONE configs/qwen2_5_1_5b.py gs://bucket/run --config.model.hf_path=/ckpt/Qwen2.5-1.5B
#
# --repo   a local directory (default: this checkout): REF (default HEAD) is packed with `git archive` and
#          copied to every worker, so uncommitted changes are not shipped; a git URL: every worker clones it
#          and checks out REF (default: the remote's default branch).
# --dry_run prints every command, one per line, instead of running it.
# On each worker the code lands in ~/bite-jax; `sudo python3 -m executor setup` installs the compilers,
# bubblewrap and valgrind with apt-get (on a VM created minutes ago, unattended upgrades may hold apt's
# lock: run the script again); pip installs the package with the tpu and gcs extras.
# WORKDIR must be one place every worker sees: a bucket (gs://bucket/run) or a shared disk. CONFIG is a
# path inside the repository; a checkpoint path must exist on every worker. The run is detached (nohup):
# each worker logs to ~/bite-jax-logs/<start time>-<hostname>.log; follow them with
#   gcloud compute tpus tpu-vm ssh TPU_NAME --zone=ZONE --worker=all --command='tail -n 3 ~/bite-jax-logs/*.log'
# A TPU takes one process at a time: stop a previous run on the slice before starting another.
set -euo pipefail
usage='usage: bash launch/tpu_vm.sh [--dry_run] [--repo=GIT_URL_OR_LOCAL_DIR] [--ref=REF] TPU_NAME ZONE CONFIG WORKDIR [FLAGS...]'
source "$(dirname "$0")/commands.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
ref=''
while (($#)) && [[ $1 == -* ]]; do
  case $1 in
    --dry_run) dry_run=1 ;;
    --repo=?*) repo=${1#--repo=} ;;
    --ref=?*) ref=${1#--ref=} ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) usage_error "unknown option $1" ;;
  esac
  shift
done
(($# >= 4)) || usage_error 'TPU_NAME, ZONE, CONFIG and WORKDIR are required'
name=$1 zone=$2 config=$3 workdir=$4
shift 4

tpu() { # gcloud compute tpus tpu-vm SUBCOMMAND ... on every worker of the slice
  local subcommand=$1
  shift
  run gcloud compute tpus tpu-vm "$subcommand" "$@" --zone="$zone" --worker=all
}
stamp=$(date -u +%Y%m%dT%H%M%SZ)

# (a) The code, in ~/bite-jax on every worker.
if [[ -d $repo ]]; then
  ref=${ref:-HEAD}
  git -C "$repo" rev-parse --verify --quiet "$ref^{commit}" >/dev/null 2>&1 \
    || usage_error "--ref=$ref: no such commit in $repo (a git checkout)"
  if [[ $ref == HEAD && -n $(git -C "$repo" status --porcelain --untracked-files=no) ]]; then
    echo "${0##*/}: $repo has uncommitted changes; shipping HEAD without them" >&2
  fi
  tarball=${TMPDIR:-/tmp}/bite-jax-$stamp.tar.gz
  run git -C "$repo" archive --format=tar.gz --output="$tarball" "$ref"
  tpu scp "$tarball" "$name:bite-jax.tar.gz"
  tpu ssh "$name" --command='rm -rf ~/bite-jax && mkdir ~/bite-jax && tar -xzf ~/bite-jax.tar.gz -C ~/bite-jax && rm ~/bite-jax.tar.gz'
  run rm -f "$tarball"
else
  checkout=''
  [[ -n $ref ]] && checkout=" && git -C ~/bite-jax checkout --quiet $(quote "$ref")"
  tpu ssh "$name" --command="rm -rf ~/bite-jax && git clone --quiet $(quote "$repo") ~/bite-jax$checkout"
fi

# (b) The executor's toolchains (apt-get, as root), checked as the user who runs; then the package.
tpu ssh "$name" --command="cd ~/bite-jax && sudo python3 -m executor setup && python3 -m executor setup --check \
&& python3 -m pip install --quiet --upgrade pip && python3 -m pip install --quiet -e '.[tpu,gcs]'"

# (c) The run, on every worker at once, detached, one log per worker.
main=$(quote python3 -m bite_jax.main --config="$config" --workdir="$workdir" --config.mesh.coordinator=auto "$@")
log="~/bite-jax-logs/$stamp-\$(hostname).log"
tpu ssh "$name" --command="cd ~/bite-jax && mkdir -p ~/bite-jax-logs && nohup $main > $log 2>&1 < /dev/null & \
echo \"\$(hostname): started; log $log\""
