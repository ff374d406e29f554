#!/usr/bin/env bash
# TPU VM pod slice: the same command on every worker; JAX finds its peers through the TPU metadata.
#   bash launch/tpu_vm.sh NAME ZONE configs/qwen2_5_3b.py gs://bucket/run --config.model.hf_path=/ckpt
# The workdir must be visible to every host (a bucket or a shared disk).
set -euo pipefail
name=${1:?usage: launch/tpu_vm.sh TPU_NAME ZONE CONFIG WORKDIR [FLAGS...]}
zone=${2:?}; config=${3:?}; workdir=${4:?}
shift 4
flags=$(printf ' %q' "$@")
gcloud compute tpus tpu-vm ssh "$name" --zone="$zone" --worker=all --command="
  set -e
  cd ~/bite-jax
  python -m pip install -q -e '.[tpu]'
  python -m bite_jax.main --config=$config --workdir=$workdir --config.mesh.coordinator=auto $flags
"
