"""`python -m bite_jax.serve`: see bite_jax/serve/cli.py."""

import sys

from bite_jax.serve.cli import main

if __name__ == '__main__':
  sys.exit(main())
