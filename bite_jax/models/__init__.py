"""Flax NNX decoder for Qwen2/Qwen2.5 and StarCoder2, presets, and Hugging Face import/export."""

from bite_jax.models.attention import KVCache
from bite_jax.models.config import ModelConfig
from bite_jax.models.decoder import Decoder
from bite_jax.models.hf import CheckpointError, from_pretrained, load_tokenizer, save_pretrained
from bite_jax.models.presets import PRESETS, get_preset

__all__ = ['CheckpointError', 'Decoder', 'KVCache', 'ModelConfig', 'PRESETS', 'from_pretrained',
           'get_preset', 'load_tokenizer', 'save_pretrained']
