"""Platform-dependent performance choices, named and documented in one place.

None of these changes a result: the attention output, the loss and the gradients are the same
whatever the values; only speed and memory move. Code asks `for_platform(jax_platform_name)`;
`benchmarks/train_throughput.py` and `benchmarks/train_memory.py` measure the effect of a change.

  field                  used by                         what it bounds
  attention_block_bytes  models.attention.attention_plan float32 scores of one query block
  max_query_blocks       models.attention                query blocks per attention call
  causal_block           models.attention.attention_plan queries per block of causal self-attention
  keep_probs_bytes       models.attention.attention_plan probabilities kept instead of recomputed
  pass_bytes             train.step.choose_row_passes    one layer's activations per row pass
  min_pass_tokens        train.step.choose_row_passes    tokens per row pass, from below
  loss_chunk_bytes       train.loss.chunk_budget         float32 logits per loss chunk (floor, cap)
"""

from __future__ import annotations

import dataclasses

MiB = 2**20


@dataclasses.dataclass(frozen=True)
class PlatformTuning:
  """Speed and memory choices for one kind of device (bytes are per device)."""

  # Scores of a query block [B, heads, block, keys] stay under this; beyond it the query axis is split.
  attention_block_bytes: int
  # The blocks are unrolled into the program, so their number is bounded.
  max_query_blocks: int = 32
  # Causal self-attention takes at most this many queries per block, so blocks skip most masked keys
  # (None: the byte budget alone decides).
  causal_block: int | None = None
  # Block probabilities are kept for the backward pass while all of them fit here; else each block is
  # rematerialised (flash attention's memory).
  keep_probs_bytes: int = 0
  # A micro-batch is taken in row passes whose activations fit here (None: one pass).
  pass_bytes: int | None = None
  # ... but never fewer tokens per pass than this, so the weight-gradient matmuls stay wide.
  min_pass_tokens: int = 1
  # Bytes of float32 logits per loss chunk: the LM head's own size clamped to (floor, cap).
  loss_chunk_bytes: tuple[int, int] = (1024 * MiB, 1024 * MiB)


# CPU: memory traffic, not FLOPs, bounds these kernels, so work is cut into cache-sized pieces.
CPU = PlatformTuning(
  attention_block_bytes=2 * MiB,
  causal_block=64,
  keep_probs_bytes=32 * MiB,
  pass_bytes=8 * MiB,
  min_pass_tokens=512,
  loss_chunk_bytes=(2 * MiB, 32 * MiB),
)
# GPU and TPU: large tiles keep the matmuls compute-bound; only memory bounds the pieces.
ACCELERATOR = PlatformTuning(attention_block_bytes=512 * MiB)

PLATFORMS = {'cpu': CPU}


def for_platform(platform: str) -> PlatformTuning:
  """The choices for a jax platform name ('cpu', 'gpu', 'tpu', ...); accelerators share one entry."""
  return PLATFORMS.get(platform, ACCELERATOR)
