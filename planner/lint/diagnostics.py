"""What an analyzer reports about one statement, before the runner places it in a file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    code: str
    """The check's code, e.g. ``DS103`` (Atlas's codes; https://atlasgo.io/lint/analyzers#<code>)."""
    text: str
    """One-line message, in Atlas's wording where Atlas has one."""
    fix: str | None = None
    """A suggested fix for the SQL file (Atlas's ``SuggestedFixes`` message)."""
    hint: str | None = None
    """Advice on the Django side (e.g. "add db_default= to the field"), shown with the model's location."""
    table: str | None = None
    """The table the diagnostic concerns, so the runner can point at the model that maps it."""
