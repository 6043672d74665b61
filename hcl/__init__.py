"""graticule's config language: ``atlas.hcl`` parsed with python-hcl2 and evaluated as Atlas does."""

from .config import Config, Env, ExternalSchema, Format, Migration, load_config, load_config_text
from .errors import ConfigError

__all__ = [
    "Config",
    "ConfigError",
    "Env",
    "ExternalSchema",
    "Format",
    "Migration",
    "load_config",
    "load_config_text",
]
