"""`python -m bite_jax.sample`: the sampler's command line (bite_jax.sample.cli)."""

from absl import flags

from bite_jax.sample import cli

__doc__ = cli.__doc__  # noqa: A001 -- absl's --help prints the main module's docstring
flags.adopt_module_key_flags(cli)

if __name__ == '__main__':
  cli.run()
