#!/usr/bin/env bash
# Several GPU nodes under SLURM: writes an sbatch script and submits it. One task per node; each task is
# one JAX process driving all of its node's GPUs, and the processes find each other through JAX's SLURM
# detection (--config.mesh.coordinator=auto reads SLURM_JOB_ID, SLURM_STEP_NODELIST, SLURM_NTASKS,
# SLURM_PROCID). The mesh (--config.mesh.*) spans every GPU of every node.
#
#   bash launch/slurm.sh [--dry_run] [--nodes=N] [--gpus_per_node=G] [--partition=P] [--time=HH:MM:SS] \
#       [--account=A] CONFIG WORKDIR [FLAGS...]
#   bash launch/slurm.sh --nodes=4 --partition=gpu configs/qwen2_5_3b.py /shared/runs/q3 --config.model.hf_path=/ckpt
#
# Before submitting, on a login node: this checkout and a Python environment on a filesystem every node
# sees, with `pip install -e '.[cuda]'` (add gcs for gs:// workdirs) done in it and active (sbatch passes
# the environment on). The executor's compilers, bubblewrap and valgrind must be installed on the nodes
# (`python -m executor setup` as root names them); each task checks with `python -m executor setup --check`
# and stops before loading a model when they are missing or bubblewrap cannot sandbox there.
# WORKDIR is shared by all nodes (a shared disk or a bucket). Defaults: 1 node, 8 GPUs per node, nodes
# used whole (--exclusive: the executor runs one worker per core). The script and the logs (one per
# node) go to logs/slurm/ in this checkout. --dry_run prints the sbatch script and the commands instead.
set -euo pipefail
usage='usage: bash launch/slurm.sh [--dry_run] [--nodes=N] [--gpus_per_node=G] [--partition=P] [--time=HH:MM:SS] [--account=A] CONFIG WORKDIR [FLAGS...]'
source "$(dirname "$0")/commands.sh"

nodes=1 gpus_per_node=8 partition='' time_limit='' account=''
while (($#)) && [[ $1 == -* ]]; do
  case $1 in
    --dry_run) dry_run=1 ;;
    --nodes=?*) nodes=${1#*=} ;;
    --gpus_per_node=?*) gpus_per_node=${1#*=} ;;
    --partition=?*) partition=${1#*=} ;;
    --time=?*) time_limit=${1#*=} ;;
    --account=?*) account=${1#*=} ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) usage_error "unknown option $1" ;;
  esac
  shift
done
[[ $nodes =~ ^[1-9][0-9]*$ ]] || usage_error "--nodes=$nodes: not a positive integer"
[[ $gpus_per_node =~ ^[1-9][0-9]*$ ]] || usage_error "--gpus_per_node=$gpus_per_node: not a positive integer"
(($# >= 2)) || usage_error 'CONFIG and WORKDIR are required'
config=$1 workdir=$2
shift 2

repo=$(cd "$(dirname "$0")/.." && pwd)
logs=$repo/logs/slurm
script=$logs/bite-jax-$(date -u +%Y%m%dT%H%M%SZ).sbatch
main=$(quote --config="$config" --workdir="$workdir" --config.mesh.coordinator=auto "$@")

sbatch_script() {
  echo '#!/usr/bin/env bash'
  echo '#SBATCH --job-name=bite-jax'
  echo "#SBATCH --nodes=$nodes"
  echo '#SBATCH --ntasks-per-node=1'
  echo "#SBATCH --gpus-per-node=$gpus_per_node"
  echo '#SBATCH --exclusive'
  echo "#SBATCH --output=$logs/%x-%j.out"
  [[ -n $partition ]] && echo "#SBATCH --partition=$partition"
  [[ -n $time_limit ]] && echo "#SBATCH --time=$time_limit"
  [[ -n $account ]] && echo "#SBATCH --account=$account"
  echo 'set -euo pipefail'
  echo "cd $(quote "$repo")"
  echo '# JAX'"'"'s SLURM detection alone would give each process only the GPU numbered SLURM_LOCALID.'
  echo "export JAX_LOCAL_DEVICE_IDS=$(seq -s, 0 $((gpus_per_node - 1)))"
  echo '# XLA takes most of the GPU memory up front but leaves room for the executor'"'"'s compilers.'
  echo 'export XLA_PYTHON_CLIENT_MEM_FRACTION=${XLA_PYTHON_CLIENT_MEM_FRACTION:-0.9}'
  echo "srun --cpus-per-task=\"\$SLURM_CPUS_ON_NODE\" --output=$(quote "$logs/%x-%j-node%t.log") \\"
  echo "  bash -c 'python -m executor setup --check && exec python -m bite_jax.main \"\$@\"' bite-jax \\"
  echo "  $main"
}

if ((dry_run)); then
  quote mkdir -p "$logs"
  echo "# $script:"
  sbatch_script
  quote sbatch "$script"
else
  mkdir -p "$logs"
  sbatch_script >"$script"
  sbatch "$script"
fi
