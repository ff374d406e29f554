"""Project CodeNet -> editor pairs and tree roots (the `data` stage): metadata streaming, mining, writing."""

from bite_jax.data.codenet.metadata import (
  DROP_REASONS,
  Stats,
  Submission,
  problem_files,
  problem_tests,
  read_program,
  source_path,
  submissions,
)
from bite_jax.data.codenet.mining import estimated_tokens, mine, problem_pairs
from bite_jax.data.codenet.prepare import pool_pair_verifier, pool_verifier, prepare

__all__ = [
  'DROP_REASONS',
  'Stats',
  'Submission',
  'estimated_tokens',
  'mine',
  'pool_pair_verifier',
  'pool_verifier',
  'prepare',
  'problem_files',
  'problem_pairs',
  'problem_tests',
  'read_program',
  'source_path',
  'submissions',
]
