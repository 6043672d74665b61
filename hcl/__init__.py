"""graticule's config language: ``atlas.hcl`` parsed with python-hcl2 and evaluated as Atlas does."""

from .config import load_config, load_config_text
from .errors import ConfigError
from .model import (
    Analyzer,
    CompositeMember,
    CompositeSchema,
    ConcurrentIndex,
    Config,
    Diff,
    Env,
    ExternalSchema,
    Format,
    Lint,
    LintGit,
    Migration,
)
from .variables import parse_var_flags

__all__ = [
    "Analyzer",
    "CompositeMember",
    "CompositeSchema",
    "ConcurrentIndex",
    "Config",
    "ConfigError",
    "Diff",
    "Env",
    "ExternalSchema",
    "Format",
    "Lint",
    "LintGit",
    "Migration",
    "load_config",
    "load_config_text",
    "parse_var_flags",
]
