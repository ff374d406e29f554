"""PIE real programs: sandboxed verdicts vs bare runs on CodeNet sample tests.

    python benchmarks/executor_pie.py [--pairs=50] [--workers=2] [--timeout=10] [--data=DIR]

For the first N slow/fast Python pairs of shared/data/pie/py_reference.jsonl, runs
both programs on the sample inputs of their CodeNet statement, sandboxed (Pool) and
bare (`python file.py < input`), and judges each run right/wrong against the sample
output (tokens, float tolerance 1e-6).  Reports how often the two verdicts agree,
per test and per program, and lists disagreements.
"""

import concurrent.futures
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from executor import ExecutorConfig, Pool, outputs_equal, sample_io_many  # noqa: E402

DATA = ROOT.parent / 'shared' / 'data'

FLAGS = flags.FLAGS
flags.DEFINE_integer('pairs', 50, 'first N slow/fast pairs of DATA/pie/py_reference.jsonl')
flags.DEFINE_integer('workers', 2, 'pool workers, and threads of the bare runs')
flags.DEFINE_float('timeout', 10.0, 'seconds per run')
flags.DEFINE_string('data', str(DATA), 'directory with pie/py_reference.jsonl and codenet/problem_descriptions.tar.gz')


def bare(source: str, stdin: str, tmp: Path, key: str, timeout: float) -> tuple[str, str]:
  path = tmp / f'{key}.py'
  path.write_text(source)
  try:
    proc = subprocess.run(
      [sys.executable, str(path)], input=stdin, capture_output=True, text=True, timeout=timeout, cwd=tmp
    )
  except subprocess.TimeoutExpired:
    return 'timeout', ''
  return ('ok' if proc.returncode == 0 else 'runtime_error'), proc.stdout


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  pie = Path(FLAGS.data) / 'pie' / 'py_reference.jsonl'
  tar = Path(FLAGS.data) / 'codenet' / 'problem_descriptions.tar.gz'
  if not pie.exists() or not tar.exists():
    sys.exit(f'data not found: {pie} / {tar}')
  pairs = [json.loads(line) for line in pie.read_text().splitlines()[: FLAGS.pairs]]
  samples = sample_io_many({p['problem_id'] for p in pairs}, tar)
  jobs = []
  for k, pair in enumerate(pairs):
    tests = samples.get(pair['problem_id'], [])
    for side in ('input', 'target'):
      jobs.append(
        {
          'id': f'{k}:{side}',
          'lang': 'python',
          'source': pair[side],
          'inputs': [t[0] for t in tests],
          'timeout': FLAGS.timeout,
          'memory_mb': 1024,
        }
      )
  started = time.monotonic()
  with Pool(FLAGS.workers, config=ExecutorConfig()) as pool:
    boxed = {r['id']: r for r in pool.map_unordered(jobs)}
  boxed_s = time.monotonic() - started
  agree_tests = total_tests = agree_programs = 0
  right = {'sandbox': 0, 'bare': 0}
  disagreements = []
  with tempfile.TemporaryDirectory() as tmp_name, concurrent.futures.ThreadPoolExecutor(FLAGS.workers) as threads:
    tmp = Path(tmp_name)
    for job in jobs:
      k = int(job['id'].split(':')[0])
      tests = samples.get(pairs[k]['problem_id'], [])
      futures = [
        threads.submit(bare, job['source'], stdin, tmp, f'{job["id"].replace(":", "_")}_{i}', FLAGS.timeout)
        for i, (stdin, _) in enumerate(tests)
      ]
      program_agrees = True
      for i, ((_stdin, expected), fut) in enumerate(zip(tests, futures)):
        status, out = fut.result()
        run = boxed[job['id']]['runs'][i] if boxed[job['id']]['runs'] else {'status': 'compile_error'}
        v_box = run['status'] == 'ok' and outputs_equal(run['stdout'], expected)
        v_bare = status == 'ok' and outputs_equal(out, expected)
        right['sandbox'] += v_box
        right['bare'] += v_bare
        total_tests += 1
        if v_box == v_bare:
          agree_tests += 1
        else:
          program_agrees = False
          disagreements.append(
            {
              'job': job['id'],
              'test': i,
              'sandbox': run['status'],
              'bare': status,
              'stderr': run.get('stderr', '')[-300:],
            }
          )
      agree_programs += program_agrees
  summary = {
    'pairs': len(pairs),
    'programs': len(jobs),
    'tests': total_tests,
    'test_verdict_agreement': round(agree_tests / max(total_tests, 1), 4),
    'program_verdict_agreement': round(agree_programs / max(len(jobs), 1), 4),
    'right_in_sandbox': right['sandbox'],
    'right_bare': right['bare'],
    'sandbox_seconds': round(boxed_s, 2),
    'disagreements': disagreements[:20],
  }
  print(json.dumps(summary, indent=1))


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
