"""Per-run sandbox overhead: executor runs vs bare subprocess runs of the same program.

    python benchmarks/executor_overhead.py [--runs=40] [--cache_dir=DIR]

Runs are interleaved (bare, sandboxed, bare, ...) so machine load hits both alike;
times are host wall-clock per run including process creation.  A bare run is the
same program without the sandbox but on its terms: the same interpreter, flags,
environment and masked start-up hooks (executor_baseline.py).  Prints a JSON line
per language and a summary table.
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from executor_baseline import BareRunner  # noqa: E402

from executor import Executor, ExecutorConfig, Limits  # noqa: E402

PROGRAMS = {
  'c': '#include <stdio.h>\nint main(void){ int a, b; if (scanf("%d %d", &a, &b) == 2) printf("%d\\n", a + b);'
  ' return 0; }\n',
  'python': 'a, b = map(int, input().split())\nprint(a + b)\n',
}

FLAGS = flags.FLAGS
flags.DEFINE_integer('runs', 40, 'measured runs per language (after 3 warm-up runs)')
flags.DEFINE_string('cache_dir', None, "executor compile cache (default: the executor's)")


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  config = ExecutorConfig(cache_dir=Path(FLAGS.cache_dir)) if FLAGS.cache_dir else ExecutorConfig()
  rows = []
  with (
    Executor(config) as ex,
    tempfile.TemporaryDirectory() as tmp,
    BareRunner(ex, Path(tmp), PROGRAMS) as bare_runner,
  ):
    for lang, source in PROGRAMS.items():
      program = ex.compile(lang, source)
      meter = ex.meter('cpu', lang)
      bare, boxed, inner = [], [], []
      for i in range(FLAGS.runs + 3):
        b, outputs = bare_runner.run([program], ['2 3\n'])
        assert outputs == ['5\n'], outputs
        t = time.perf_counter()
        run = ex.execute(program, '2 3\n', limits=Limits(timeout=5.0), meter=meter)
        s = time.perf_counter() - t
        assert run.status == 'ok' and run.result.stdout == b'5\n', run.result
        if i >= 3:  # warm-up
          bare.append(b)
          boxed.append(s)
          inner.append(run.result.wall_time)
      row = {
        'language': lang,
        'runs': FLAGS.runs,
        'bare_ms': 1e3 * statistics.median(bare),
        'sandboxed_ms': 1e3 * statistics.median(boxed),
        'program_wall_in_sandbox_ms': 1e3 * statistics.median(inner),
        'overhead_ms': 1e3 * (statistics.median(boxed) - statistics.median(bare)),
        'isolation': ex.sandbox.isolation()['sandbox'],
      }
      rows.append(row)
      print(json.dumps(row))
  print(f'{"lang":8s} {"bare ms":>9s} {"sandbox ms":>11s} {"overhead ms":>12s}')
  for r in rows:
    print(f'{r["language"]:8s} {r["bare_ms"]:9.2f} {r["sandboxed_ms"]:11.2f} {r["overhead_ms"]:12.2f}')


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
