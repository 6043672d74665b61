"""The provider's faster stand-ins compute what Django's own code computes (provider/planning.py,
provider/positions.py): compared directly on generated inputs, in-process."""

from __future__ import annotations

import re

from django.db import models
from django.db.migrations import operations
from django.db.migrations.optimizer import MigrationOptimizer
from hypothesis import given, settings
from hypothesis import strategies as st

from graticule.provider.planning import _MemoizedOptimizer
from graticule.provider.positions import _is_class_statement

MODELS = ["alpha", "beta", "gamma", "delta"]


@st.composite
def operation_lists(draw: st.DrawFn) -> list[operations.base.Operation]:
    """What the autodetector hands the optimizer for new models: CreateModels, then fields, indexes and
    options of those models (foreign keys between them, to themselves, to other apps), in any order."""
    created = draw(st.lists(st.sampled_from(MODELS), min_size=1, max_size=4, unique=True))
    ops: list[operations.base.Operation] = [
        operations.CreateModel(name, [("id", models.AutoField(primary_key=True))]) for name in created
    ]
    later = []
    for index in range(draw(st.integers(0, 12))):
        model = draw(st.sampled_from(created))
        kind = draw(st.sampled_from(["fk", "plain", "index", "unique", "elidable"]))
        if kind == "fk":
            target = draw(st.sampled_from([*created, "other.thing"]))
            field = models.ForeignKey(target, models.CASCADE)
            later.append(operations.AddField(model, f"f{index}", field))
        elif kind == "plain":
            later.append(operations.AddField(model, f"f{index}", models.IntegerField(default=0)))
        elif kind == "index":
            later.append(operations.AddIndex(model, models.Index(fields=["id"], name=f"{model}_{index}_idx")))
        elif kind == "unique":
            later.append(operations.AlterUniqueTogether(model, {("id",)}))
        else:
            later.append(operations.RunSQL("SELECT 1", elidable=draw(st.booleans())))
    order = draw(st.permutations(range(len(ops) + len(later))))
    every = ops + later
    return [every[i] for i in order]


def _described(ops: list[operations.base.Operation]) -> list[tuple]:
    """Each operation as its class and arguments; fields by identity (both optimizers are given the same
    field objects, which reductions pass on; deconstructing a foreign key needs a configured project)."""
    described = []
    for op in ops:
        name, args, kwargs = op.deconstruct()
        if "fields" in kwargs:
            kwargs["fields"] = [(field_name, id(field)) for field_name, field in kwargs["fields"]]
        if "field" in kwargs:
            kwargs["field"] = id(kwargs["field"])
        described.append((name, repr(args), repr(sorted(kwargs.items(), key=lambda item: item[0]))))
    return described


@settings(max_examples=300, deadline=None)
@given(operation_lists())
def test_optimizer_reduces_like_djangos(ops: list[operations.base.Operation]) -> None:
    expected = MigrationOptimizer().optimize(list(ops), "app")
    assert _described(_MemoizedOptimizer().optimize(list(ops), "app")) == _described(expected)


NAMES = st.sampled_from(["Post", "Post2", "Café", "Ünïcode", "A_b", "post", "Po"])
SPACES = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])
AFTER = st.sampled_from(["", "(models.Model):", ":", "2:", "é(", " (Base):", "_x:", "\u0301:"])


@settings(max_examples=500, deadline=None)
@given(NAMES, SPACES, SPACES, NAMES, AFTER, st.sampled_from(["class", "klass", "Class", "class_"]))
def test_class_statement_matches_the_regex(name, lead, gap, written, after, keyword) -> None:
    line = f"{lead}{keyword}{gap}{written}{after}"
    expected = re.match(rf"\s*class\s+{re.escape(name)}\b", line) is not None
    assert _is_class_statement(line, name) is expected
