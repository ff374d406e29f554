"""ECCO's history-based editing split (JSONL rows: problem_id, input = slow program, target = fast
program) with its test cases (`<dir>/<problem_id>/input.N.txt` + `output.N.txt`, e.g. the ECCO
repository's data/codenet/public_test_cases and generated_test_cases). ECCO is Python only."""

from __future__ import annotations

from bite_jax.data.records import Task
from bite_jax.evaluate.loaders.pie import load_pairs_jsonl


def load_ecco(path, *, tests_dir, languages=None, problems=None, limit: int | None = None) -> list[Task]:
  """ECCO edit tasks (ids 'ecco/<problem_id>/...'); tests_dir: one directory or several.

  Rows without `language` are Python. Rows whose problem has no test case are skipped.
  """
  if tests_dir is None:
    raise ValueError(
      'ecco needs tests_dir: the test-case directory (<dir>/<problem_id>/input.N.txt), e.g. '
      "ECCO's data/codenet/public_test_cases"
    )
  return load_pairs_jsonl(
    path, source='ecco', tests_dir=tests_dir, language='python', languages=languages, problems=problems, limit=limit
  )
