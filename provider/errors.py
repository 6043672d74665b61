"""The one exception type the provider reports to its user as a single `Error: …` line."""


class ProviderError(Exception):
    """A problem with the user's project or flags, explained in one sentence (no traceback)."""
