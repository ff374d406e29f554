"""Detection rates of each meter: how often compare() says "faster" at true speedups 1.00x, 1.10x, 1.25x.

    python benchmarks/executor_meters.py [--trials=5] [--langs=c,python] [--meters=cpu,instructions] [--cache_dir=DIR]

Programs are the same loop with iteration counts scaled by the exact ratio, so the
candidate does 1/ratio of the baseline's work.  With threshold 1.1 the wanted answer
is: never at 1.00x, rarely at 1.10x (it sits on the threshold), always at 1.25x.
Prints one JSON line per (meter, language, ratio) and a table.
"""

import json
import sys
import time
from pathlib import Path

from absl import app, flags

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from executor import Executor, ExecutorConfig  # noqa: E402
from executor.measuring import compare  # noqa: E402

RATIOS = (1.00, 1.10, 1.25)


def loop(lang: str, n: int) -> str:
  if lang == 'c':
    return (
      '#include <stdio.h>\nint main(void){ volatile long s = 0; for (long i = 0; i < %dL; i++) '
      's += i %% 7; printf("%%d\\n", s >= 0); return 0; }\n' % n
    )
  return f's = 0\nfor i in range({n}):\n    s += i * i % 7\nprint(s >= 0)\n'


# iterations of the candidate: ~0.1 s of CPU natively; smaller under valgrind (exact, ~40x slower)
BASE = {
  ('cpu', 'c'): 60_000_000,
  ('cpu', 'python'): 1_000_000,
  ('instructions', 'c'): 5_000_000,
  ('instructions', 'python'): 100_000,
}

FLAGS = flags.FLAGS
flags.DEFINE_integer('trials', 5, 'compare() calls per ratio (1 for an exact meter)')
flags.DEFINE_list('langs', ['c', 'python'], 'languages, comma-separated: c, python')
flags.DEFINE_list('meters', ['cpu', 'instructions'], 'meters, comma-separated: cpu, instructions')
flags.DEFINE_string('cache_dir', None, "executor compile cache (default: the executor's)")
flags.register_validator('langs', lambda v: set(v) <= {'c', 'python'}, '--langs: each one of c, python')
flags.register_validator(
  'meters', lambda v: set(v) <= {'cpu', 'instructions'}, '--meters: each one of cpu, instructions'
)


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  config = ExecutorConfig(cache_dir=Path(FLAGS.cache_dir)) if FLAGS.cache_dir else ExecutorConfig()
  rows = []
  with Executor(config) as ex:
    for meter in FLAGS.meters:
      for lang in FLAGS.langs:
        n = BASE[(meter, lang)]
        resolved = ex.meter(meter, lang)
        trials = 1 if resolved.exact else FLAGS.trials
        for ratio in RATIOS:
          faster = slower = rounds = 0
          speedups = []
          started = time.monotonic()
          for _ in range(trials):
            r = compare(ex, lang, loop(lang, round(n * ratio)), loop(lang, n), [''], meter=meter)
            assert r['correct'], r['reason']
            faster += r['faster']
            slower += r['slower']
            rounds += r['rounds']
            speedups.append(round(r['speedup'], 4))
          row = {
            'meter': meter,
            'backend': resolved.backend,
            'language': lang,
            'true_speedup': ratio,
            'trials': trials,
            'said_faster': faster,
            'said_slower': slower,
            'faster_rate': faster / trials,
            'mean_rounds': rounds / trials,
            'speedups': speedups,
            'seconds_per_compare': round((time.monotonic() - started) / trials, 2),
          }
          rows.append(row)
          print(json.dumps(row), flush=True)
  print(f'{"meter":13s} {"lang":7s} {"ratio":>6s} {"faster":>8s} {"rounds":>7s} {"s/compare":>10s}  speedups')
  for r in rows:
    print(
      f'{r["meter"]:13s} {r["language"]:7s} {r["true_speedup"]:6.2f} {r["said_faster"]:>3d}/{r["trials"]:<4d}'
      f' {r["mean_rounds"]:7.1f} {r["seconds_per_compare"]:10.2f}  {r["speedups"]}'
    )


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
