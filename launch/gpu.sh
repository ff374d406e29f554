#!/usr/bin/env bash
# One host with one or more GPUs. One process drives every local GPU: there is no jax.distributed and no
# coordinator; the stages spread over the GPUs through the device mesh (--config.mesh.data, .fsdp,
# .tensor: the paper configs set fsdp=-1, all GPUs in one FSDP axis; e.g. --config.mesh.fsdp=4
# --config.mesh.tensor=2 on 8 GPUs). For several hosts use launch/slurm.sh or launch/tpu_vm.sh.
#
#   bash launch/gpu.sh [--dry_run] [--install|--no_install] CONFIG WORKDIR [FLAGS...]
#   bash launch/gpu.sh configs/qwen2_5_1_5b.py runs/q15 --config.model.hf_path=/ckpt/Qwen2.5-1.5B
#
# --install (the default) installs the package with the cuda extra, then runs `python -m executor setup`
# (the compilers, bubblewrap and valgrind: installed with apt-get as root, else checked, naming what is
# missing). --no_install skips both. --dry_run prints every command, one per line, instead of running it.
# CONFIG and WORKDIR are relative to the repository root (WORKDIR may be a bucket URL: gs://, s3://).
set -euo pipefail
usage='usage: bash launch/gpu.sh [--dry_run] [--install|--no_install] CONFIG WORKDIR [FLAGS...]'
source "$(dirname "$0")/commands.sh"

install=1
while (($#)) && [[ $1 == -* ]]; do
  case $1 in
    --dry_run) dry_run=1 ;;
    --install) install=1 ;;
    --no_install) install=0 ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) usage_error "unknown option $1" ;;
  esac
  shift
done
(($# >= 2)) || usage_error 'CONFIG and WORKDIR are required'
config=$1 workdir=$2
shift 2

repo=$(cd "$(dirname "$0")/.." && pwd)
run cd "$repo"
if ((install)); then
  run python -m pip install --quiet -e '.[cuda]'
  run python -m executor setup
fi
# XLA takes most of the GPU memory up front but leaves room for the executor's compilers.
mem_fraction=${XLA_PYTHON_CLIENT_MEM_FRACTION:-0.9}
main=(env XLA_PYTHON_CLIENT_MEM_FRACTION="$mem_fraction" python -m bite_jax.main --config="$config" --workdir="$workdir" "$@")
if ((dry_run)); then
  quote "${main[@]}"
else
  exec "${main[@]}"
fi
