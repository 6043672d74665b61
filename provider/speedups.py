"""Faster stand-ins for Django helpers the provider calls many thousands of times, each computing what
Django's own computes, installed only while the schema is built.

Every stand-in answers exactly like the function it replaces for the inputs it handles itself and hands
every other input to it. They are off with GRATICULE_PROVIDER_NO_SHORTCUTS=1, so the tests that compare both
paths byte for byte cover them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from graticule.provider.fresh import SHORTCUTS


@contextmanager
def django_speedups() -> Iterator[None]:
    """Install the stand-ins (with shortcuts on) and restore Django's functions afterwards."""
    with ExitStack() as stack:
        if SHORTCUTS:
            stack.enter_context(_choices_none_first())
        yield


@contextmanager
def _choices_none_first() -> Iterator[None]:
    """`Field.__init__` normalises `choices` (Django 5.0+), which for the usual `None` walks a `match` of
    abstract-class checks to return `None`: once per field cloned, i.e. several times per field."""
    from django.db.models import fields

    normalize = getattr(fields, "normalize_choices", None)
    if normalize is None:  # Django 4.2: no normalisation
        yield
        return

    def normalize_choices(value: Any, *, depth: int = 0) -> Any:
        # None matches none of Django's cases but the last, which returns it unchanged.
        return None if value is None else normalize(value, depth=depth)

    fields.normalize_choices = normalize_choices
    try:
        yield
    finally:
        fields.normalize_choices = normalize
