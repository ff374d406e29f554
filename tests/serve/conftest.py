"""Fixtures of the server tests: a tiny checkpoint with a tokenizer, and a server on it in a thread.

checkpoint   module: a random Qwen2 directory (vocab 300, byte-level tokenizer, 128-token context)
server       module: bite_jax.serve on that checkpoint at a free 127.0.0.1 port, stopped at the end
"""

import pytest

from tests.helpers.checkpoints import make_qwen2_checkpoint
from tests.helpers.serve import running_server


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
  return make_qwen2_checkpoint(
    tmp_path_factory.mktemp('serve') / 'tiny', vocab=300, with_tokenizer=True, init_std=0.3, max_positions=128
  )


@pytest.fixture(scope='module')
def server(checkpoint):
  with running_server(checkpoint, max_batch=16, window_s=0.02) as url:
    yield url
