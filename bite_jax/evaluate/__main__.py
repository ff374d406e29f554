"""`python -m bite_jax.evaluate`: see bite_jax/evaluate/cli.py."""

import sys

from bite_jax.evaluate.cli import main

if __name__ == '__main__':
  sys.exit(main())
