"""Flax NNX decoder for Qwen2/Qwen2.5 and StarCoder2, presets, Hugging Face import/export, trained directories."""

from bite_jax.models.attention import KVCache
from bite_jax.models.config import ModelConfig
from bite_jax.models.decoder import Decoder
from bite_jax.models.hf import CheckpointError, from_pretrained, load_tokenizer, save_pretrained
from bite_jax.models.presets import PRESETS, get_preset
from bite_jax.models.trained import is_trained_dir, load_model_dir, load_trained, load_trained_model, save_final

__all__ = [
  'CheckpointError',
  'Decoder',
  'KVCache',
  'ModelConfig',
  'PRESETS',
  'from_pretrained',
  'get_preset',
  'is_trained_dir',
  'load_model_dir',
  'load_tokenizer',
  'load_trained',
  'load_trained_model',
  'save_final',
  'save_pretrained',
]
