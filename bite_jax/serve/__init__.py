"""An OpenAI-compatible HTTP server over the Sampler: `python -m bite_jax.serve --model_dir=DIR`.

protocol.py  request checking, OpenAI's response, chunk and error shapes
batcher.py   the background loop that batches queued requests into Sampler calls
app.py       the FastAPI routes
cli.py       the command line (uvicorn, graceful shutdown)
"""

from bite_jax.serve.app import ServedModel, create_app
from bite_jax.serve.batcher import Batcher

__all__ = ['Batcher', 'ServedModel', 'create_app']
