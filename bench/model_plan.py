"""A deterministic plan of a synthetic Django project: apps, models, fields, indexes and constraints.

The plan is plain data; `render_models` turns it into source. Every choice is drawn from one
`random.Random(seed)` in a fixed order, so the same (models, apps, seed) always yields the same project.
The mix aims at what real projects put in front of a migration tool: many scalar types with nulls and
defaults, FKs inside and across apps (including a few cross-app cycles, which force Django to split an
app's initial migration), OneToOne, M2M, plain/multi-column/partial/descending indexes, uniques and checks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Short domain nouns keep generated names readable and well under Django's 30-character index-name limit.
MODEL_NOUNS = (
    "Account", "Address", "Batch", "Booking", "Carrier", "Category", "Comment", "Contract", "Coupon",
    "Customer", "Delivery", "Device", "Document", "Event", "Invoice", "Item", "Ledger", "License", "Message",
    "Order", "Parcel", "Payment", "Plan", "Product", "Profile", "Quote", "Refund", "Region", "Report",
    "Review", "Route", "Schedule", "Seller", "Shipment", "Sku", "Store", "Supplier", "Tag", "Task", "Team",
    "Ticket", "Transfer", "Vendor", "Visit", "Voucher", "Warehouse",
)  # fmt: skip
APP_WORDS = (
    "billing", "catalog", "crm", "fleet", "inventory", "logistics", "marketing", "orders", "payments",
    "reports", "sales", "shipping", "support", "warehouse",
)  # fmt: skip

SCALAR_NAMES = {
    "char": ("name", "code", "title", "label", "status", "sku"),
    "text": ("description", "notes", "body", "summary"),
    "integer": ("quantity", "position", "rank", "attempts", "score"),
    "bigint": ("external_id", "bytes_used", "counter"),
    "decimal": ("amount", "price", "balance", "rate"),
    "bool": ("is_active", "is_archived", "flagged", "verified"),
    "datetime": ("created_at", "updated_at", "sent_at", "closed_at"),
    "date": ("due_on", "starts_on", "valid_until"),
    "uuid": ("public_id", "token", "ref"),
    "json": ("metadata", "payload", "preferences"),
}
# Weights: roughly what a business schema looks like (lots of strings and numbers, fewer JSON/UUID).
SCALAR_WEIGHTS = {
    "char": 6, "text": 2, "integer": 4, "bigint": 1, "decimal": 2, "bool": 3, "datetime": 3, "date": 2,
    "uuid": 1, "json": 1,
}  # fmt: skip


@dataclass(frozen=True)
class FieldSpec:
    """One model field: `name = models.<django_class>(<args>)`; `kind` and `nullable` drive Meta choices."""

    name: str
    kind: str
    django_class: str
    args: tuple[str, ...]
    nullable: bool = False
    unique: bool = False


@dataclass(frozen=True)
class IndexSpec:
    name: str
    fields: tuple[str, ...]
    condition: str | None = None  # source of a Q(...) expression: a partial index


@dataclass(frozen=True)
class UniqueSpec:
    name: str
    fields: tuple[str, ...]
    condition: str | None = None


@dataclass(frozen=True)
class CheckSpec:
    name: str
    condition: str  # source of a Q(...) expression


@dataclass
class ModelSpec:
    app: str
    name: str
    uuid_pk: bool = False
    fields: list[FieldSpec] = field(default_factory=list)
    indexes: list[IndexSpec] = field(default_factory=list)
    uniques: list[UniqueSpec] = field(default_factory=list)
    checks: list[CheckSpec] = field(default_factory=list)
    unique_together: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.app}.{self.name}"

    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}


@dataclass
class ProjectPlan:
    apps: list[str]
    models: list[ModelSpec]

    def models_of(self, app: str) -> list[ModelSpec]:
        return [m for m in self.models if m.app == app]


def default_app_count(models: int) -> int:
    return max(1, models // 25)


def plan_project(models: int, apps: int | None = None, seed: int = 0) -> ProjectPlan:
    """Plan `models` models spread as evenly as possible over `apps` apps (default one app per 25 models)."""
    if models < 1:
        raise ValueError("a project needs at least one model")
    app_count = default_app_count(models) if apps is None else apps
    if not 1 <= app_count <= models:
        raise ValueError(f"apps must be between 1 and the number of models ({models}), got {app_count}")
    rng = random.Random(seed)
    app_labels = [_app_label(i) for i in range(app_count)]
    specs = [
        ModelSpec(app=app_labels[_app_of(i, models, app_count)], name=_model_name(i)) for i in range(models)
    ]
    # Scalars first for every model, so that relation targets and Meta choices see complete field lists.
    for spec in specs:
        spec.uuid_pk = rng.random() < 0.04
        _add_scalar_fields(spec, rng)
    for index, spec in enumerate(specs):
        _add_relations(spec, index, specs, rng)
    for spec in specs:
        _add_meta(spec, rng)
    return ProjectPlan(apps=app_labels, models=specs)


def _app_label(i: int) -> str:
    return f"{APP_WORDS[i % len(APP_WORDS)]}{i + 1:02d}"


def _app_of(model_index: int, models: int, apps: int) -> int:
    # Contiguous blocks; the first `models % apps` apps get one extra model.
    base, extra = divmod(models, apps)
    boundary = extra * (base + 1)
    if model_index < boundary:
        return model_index // (base + 1)
    return extra + (model_index - boundary) // base


def _model_name(i: int) -> str:
    return f"{MODEL_NOUNS[i % len(MODEL_NOUNS)]}{i + 1:04d}"


def _unique_name(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _add_scalar_fields(spec: ModelSpec, rng: random.Random) -> None:
    kinds = list(SCALAR_WEIGHTS)
    weights = list(SCALAR_WEIGHTS.values())
    for kind in rng.choices(kinds, weights, k=rng.randint(3, 10)):
        name = _unique_name(rng.choice(SCALAR_NAMES[kind]), spec.field_names())
        spec.fields.append(_scalar_field(name, kind, rng))


def _scalar_field(name: str, kind: str, rng: random.Random) -> FieldSpec:
    roll = rng.random()
    nullable = roll < 0.3
    null_args = ("null=True", "blank=True") if nullable else ()
    unique = False
    if kind == "char":
        args = (f"max_length={rng.choice((20, 40, 80, 120, 255))}",)
        if nullable:
            args += null_args
        elif roll < 0.45:
            args += ("unique=True",)
            unique = True
        elif roll < 0.7:
            args += ('default=""', "blank=True")
        return FieldSpec(name, kind, "CharField", args, nullable, unique)
    if kind == "text":
        return FieldSpec(name, kind, "TextField", null_args or ("blank=True", 'default=""'), nullable)
    if kind in ("integer", "bigint"):
        django_class = "IntegerField" if kind == "integer" else "BigIntegerField"
        return FieldSpec(name, kind, django_class, null_args or ("default=0",), nullable)
    if kind == "decimal":
        args = ("max_digits=12", "decimal_places=2", *(null_args or ('default=Decimal("0.00")',)))
        return FieldSpec(name, kind, "DecimalField", args, nullable)
    if kind == "bool":
        return FieldSpec(
            name, kind, "BooleanField", ("null=True",) if nullable else ("default=False",), nullable
        )
    if kind == "datetime":
        if nullable:
            return FieldSpec(name, kind, "DateTimeField", null_args, nullable)
        auto = "auto_now=True" if name == "updated_at" else "auto_now_add=True"
        return FieldSpec(name, kind, "DateTimeField", (auto,), nullable)
    if kind == "date":
        return FieldSpec(name, kind, "DateField", null_args or ("db_index=True",), nullable)
    if kind == "uuid":
        if nullable:
            return FieldSpec(name, kind, "UUIDField", null_args, nullable)
        return FieldSpec(
            name, kind, "UUIDField", ("default=uuid.uuid4", "unique=True"), nullable, unique=True
        )
    if kind == "json":
        return FieldSpec(name, kind, "JSONField", null_args or ("default=dict", "blank=True"), nullable)
    raise ValueError(f"unknown scalar kind {kind!r}")


def _add_relations(spec: ModelSpec, index: int, specs: list[ModelSpec], rng: random.Random) -> None:
    same_app = [m for m in specs if m.app == spec.app and m is not spec]
    earlier_apps = [m for m in specs[:index] if m.app != spec.app]
    later_apps = [m for m in specs[index + 1 :] if m.app != spec.app]

    def pick_target() -> ModelSpec | None:
        roll = rng.random()
        # A few references to a later app create cross-app cycles, as real projects grow them.
        if roll < 0.05 and later_apps:
            return rng.choice(later_apps)
        if roll < 0.4 and earlier_apps:
            return rng.choice(earlier_apps)
        return rng.choice(same_app) if same_app else None

    for _ in range(rng.choices((0, 1, 2, 3), (2, 4, 3, 1))[0]):
        target = pick_target()
        if target is not None:
            spec.fields.append(_foreign_key(spec, target, rng))
    if rng.random() < 0.06:
        spec.fields.append(_nullable_reference(spec, "parent", '"self"'))
    if rng.random() < 0.05:
        spec.fields.append(_nullable_reference(spec, "owner", "settings.AUTH_USER_MODEL"))
    if rng.random() < 0.08 and (target := pick_target()) is not None:
        name = _unique_name(f"{target.name.lower()[:-4]}_detail", spec.field_names())
        args = (_reference(spec, target), "on_delete=models.CASCADE", _related_name(spec, name))
        spec.fields.append(FieldSpec(name, "o2o", "OneToOneField", args))
    if rng.random() < 0.12 and (target := pick_target()) is not None:
        name = _unique_name(f"{target.name.lower()[:-4]}_links", spec.field_names())
        args = (_reference(spec, target), "blank=True", _related_name(spec, name))
        spec.fields.append(FieldSpec(name, "m2m", "ManyToManyField", args))


def _foreign_key(spec: ModelSpec, target: ModelSpec, rng: random.Random) -> FieldSpec:
    name = _unique_name(target.name.lower()[:-4], spec.field_names())
    on_delete = rng.choices(("CASCADE", "PROTECT", "SET_NULL"), (5, 2, 3))[0]
    nullable = on_delete == "SET_NULL"
    null_args = ("null=True", "blank=True") if nullable else ()
    args = (_reference(spec, target), *null_args, f"on_delete=models.{on_delete}", _related_name(spec, name))
    return FieldSpec(name, "fk", "ForeignKey", args, nullable)


def _nullable_reference(spec: ModelSpec, base_name: str, reference: str) -> FieldSpec:
    name = _unique_name(base_name, spec.field_names())
    args = (reference, "null=True", "blank=True", "on_delete=models.SET_NULL", _related_name(spec, name))
    return FieldSpec(name, "fk", "ForeignKey", args, nullable=True)


def _reference(spec: ModelSpec, target: ModelSpec) -> str:
    return f'"{target.name}"' if target.app == spec.app else f'"{target.label}"'


def _related_name(spec: ModelSpec, field_name: str) -> str:
    # Explicit, globally unique reverse names: several relations between the same pair of models are common.
    return f'related_name="{spec.name.lower()}_{field_name}"'


def _add_meta(spec: ModelSpec, rng: random.Random) -> None:
    # Indexes and constraints on concrete, non-M2M columns only (M2M fields have no column).
    columns = [f for f in spec.fields if f.kind not in ("m2m", "json", "text")]
    bools = [f for f in spec.fields if f.kind == "bool" and not f.nullable]
    nullables = [f for f in columns if f.nullable]
    numbers = [f for f in spec.fields if f.kind in ("integer", "bigint", "decimal")]
    required = [f for f in columns if not f.nullable and not f.unique and f.kind != "o2o"]
    base = spec.name.lower()

    def index_name() -> str:
        return f"{base}_ix{len(spec.indexes) + 1}"

    if columns and rng.random() < 0.5:
        column = rng.choice(columns)
        descending = column.kind in ("datetime", "date") and rng.random() < 0.5
        spec.indexes.append(IndexSpec(index_name(), ((("-" if descending else "") + column.name),)))
    if len(columns) >= 2 and rng.random() < 0.3:
        pair = tuple(f.name for f in rng.sample(columns, 2))
        spec.indexes.append(IndexSpec(index_name(), pair))
    if columns and rng.random() < 0.2:
        column = rng.choice(columns)
        if bools:
            condition = f"Q({rng.choice(bools).name}=True)"
        elif nullables:
            condition = f"Q({rng.choice(nullables).name}__isnull=False)"
        else:
            condition = None
        if condition:
            spec.indexes.append(IndexSpec(index_name(), (column.name,), condition))
    if len(required) >= 2 and rng.random() < 0.15:
        spec.unique_together.append(tuple(f.name for f in rng.sample(required, 2)))
    if len(required) >= 2 and rng.random() < 0.15:
        pair = tuple(f.name for f in rng.sample(required, 2))
        spec.uniques.append(UniqueSpec(f"{base}_{'_'.join(pair)}_uniq", pair))
    if required and bools and rng.random() < 0.08:
        column = rng.choice(required)
        flag = rng.choice(bools)
        if column is not flag:
            condition = f"Q({flag.name}=True)"
            spec.uniques.append(
                UniqueSpec(f"{base}_{column.name}_when_{flag.name}_uniq", (column.name,), condition)
            )
    if numbers and rng.random() < 0.35:
        column = rng.choice(numbers)
        spec.checks.append(CheckSpec(f"{base}_{column.name}_nonneg", f"Q({column.name}__gte=0)"))
    if len(numbers) >= 2 and rng.random() < 0.1:
        low, high = rng.sample(numbers, 2)
        condition = f'Q({low.name}__lte=F("{high.name}")) | Q({high.name}__isnull=True)'
        spec.checks.append(CheckSpec(f"{base}_{low.name}_lte_{high.name}", condition))
