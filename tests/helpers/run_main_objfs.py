"""`python -m tests.helpers.run_main_objfs --workdir=objtest://bucket/run ...`: bite_jax.main with objtest://.

Subprocesses of the tests run the real command line against the object-store stand-in: this registers
the `objtest` protocol (tests/helpers/objfs.py, store in $BITE_OBJTEST_ROOT), then runs bite_jax.main
as `python -m bite_jax.main` would, with the same arguments.
"""

import runpy

from tests.helpers import objfs  # noqa: F401 - registers objtest://

if __name__ == '__main__':
  runpy.run_module('bite_jax.main', run_name='__main__', alter_sys=True)
