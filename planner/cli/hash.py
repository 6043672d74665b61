"""``graticule migrate hash``: recompute atlas.sum."""

from __future__ import annotations

from .common import DEFAULT_DIR, EnvSettings, config_option, dir_option, env_option, user_errors, var_option
from .groups import migrate


@migrate.command("hash")
@env_option
@config_option
@var_option
@dir_option
@user_errors
def hash_cmd(env: str | None, config: str, variables: tuple[str, ...], dir_url: str | None) -> None:
    """Recompute atlas.sum from the migration files (after editing one by hand)."""
    from ..workflow import migrate_hash

    settings = EnvSettings(config, env, variables)
    migrate_hash(dir_url or settings.dir or DEFAULT_DIR)
