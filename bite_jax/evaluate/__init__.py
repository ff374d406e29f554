"""Evaluation: the paper's metrics, benchmarks (the bundled `mini` one among them), scoring through
the executor, reports and the direct / RAG / refine / SBLLM prompt methods (with a model directory or an
OpenAI-compatible endpoint: endpoint.py). README.md here has the details.

  load_benchmark(spec, **filters) -> list[Task]         'mini', 'pie:PATH', 'ecco:PATH', 'mercury:PATH',
                                                         'codenet:PATH', 'tasks:PATH'
  evaluate_candidates(tasks, candidates, out_dir, *, pool=None, workers=None, meter=None, repeats=None,
                      timeout=None, memory_mb=None, resume=True, progress=True) -> metrics dict
  generate_candidates(tasks, model, method, *, num_samples=1, max_new_tokens=512, temperature=0.7, seed=0,
                      train_pairs=None, rag_k=2, refine_rounds=2, pool=None, ...) -> [{"task_id", "code", ...}]
  read_candidates(path) / reference_candidates(tasks, 'expert' | 'src') -> list[Candidate]

Command line: python -m bite_jax.evaluate --help
"""

from bite_jax.evaluate.baselines import METHODS, generate_candidates
from bite_jax.evaluate.candidates import (
  Candidate,
  CandidateError,
  read_candidates,
  reference_candidates,
  write_candidates,
)
from bite_jax.evaluate.loaders import BenchmarkFormatError, load_benchmark
from bite_jax.evaluate.runner import evaluate_candidates, read_results

__all__ = [
  'METHODS',
  'BenchmarkFormatError',
  'Candidate',
  'CandidateError',
  'evaluate_candidates',
  'generate_candidates',
  'load_benchmark',
  'read_candidates',
  'read_results',
  'reference_candidates',
  'write_candidates',
]
