#!/usr/bin/env bash
# Single-host GPU run: installs jax[cuda] and runs one config.
#   bash launch/gpu.sh configs/qwen2_5_1_5b.py runs/q15 --config.model.hf_path=/ckpt/Qwen2.5-1.5B
set -euo pipefail
config=${1:?usage: launch/gpu.sh CONFIG WORKDIR [FLAGS...]}
workdir=${2:?usage: launch/gpu.sh CONFIG WORKDIR [FLAGS...]}
shift 2
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[cuda]"
# Let XLA take most of the GPU memory up front but leave room for the executor's compilers.
export XLA_PYTHON_CLIENT_MEM_FRACTION=${XLA_PYTHON_CLIENT_MEM_FRACTION:-0.9}
exec python -m bite_jax.main --config="$config" --workdir="$workdir" "$@"
