"""`python -m bite_jax.sample`: see bite_jax.sample.cli."""

from bite_jax.sample.cli import run

if __name__ == '__main__':
  run()
