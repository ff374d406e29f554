"""Bad usage and bad input on the command lines: one line `PROG: error: MESSAGE` on stderr, exit status 2.

The absl command lines of the package (bite_jax.main, bite_jax.sample, bite_jax.report) report a
mistake in their flags or in an input file this way, the message naming the flag, the config field or
the file and line, instead of a traceback; 2 is also the status of bad usage or input in
`python -m bite_jax.evaluate`, `python -m bite_jax.data.mini.validate` and `python -m executor`.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from absl import flags

EXIT_BAD_INPUT = 2


def fail(prog: str, message: str) -> NoReturn:
  """Prints `PROG: error: MESSAGE` to stderr and exits with status 2."""
  print(f'{prog}: error: {message}', file=sys.stderr, flush=True)
  raise SystemExit(EXIT_BAD_INPUT)


def flags_parser(prog: str):
  """A `flags_parser` for absl's app.run: absl's parsing, with a bad flag reported by `fail`.

  (absl's own parser prints 'FATAL Flags parsing error' and exits 1.)
  """

  def parse(argv: list[str]) -> list[str]:
    try:
      return flags.FLAGS(argv)
    except flags.Error as e:
      fail(prog, str(e))

  return parse
