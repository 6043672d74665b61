"""Every field type and model option the provider must reproduce (no migrations package: planned fresh)."""

import os
import uuid

import django
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Upper


def check(condition, name):
    # CheckConstraint's `check` argument was renamed `condition` in Django 5.1.
    if django.VERSION >= (5, 1):
        return models.CheckConstraint(condition=condition, name=name)
    return models.CheckConstraint(check=condition, name=name)


class Tagged(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    tags = models.ManyToManyField("Tag", blank=True, related_name="%(class)s_set")

    class Meta:
        abstract = True


class Tag(models.Model):
    name = models.CharField(max_length=30, unique=True)
    related = models.ManyToManyField("self", blank=True)


class Category(models.Model):
    code = models.CharField(max_length=10, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        db_table = "kitchen_categories"
        db_table_comment = "Product categories"


class Supplier(models.Model):
    id = models.SmallAutoField(primary_key=True)
    # Collation names are the database's own; the fidelity tests choose one per server.
    name = models.CharField(max_length=50, db_collation=os.environ.get("GRATICULE_TEST_COLLATION", "NOCASE"))


class Product(Tagged):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=100, db_comment="display name")
    sku = models.CharField(max_length=20, db_column="stock_keeping_unit")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, to_field="code", related_name="products")
    supplier = models.ForeignKey(Supplier, on_delete=models.DO_NOTHING, db_constraint=False, null=True)
    replaced_by = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, related_name="+")
    active = models.BooleanField(default=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    weight = models.FloatField(null=True)
    stock = models.PositiveIntegerField(default=0)
    small = models.SmallIntegerField(default=0)
    positive_small = models.PositiveSmallIntegerField(null=True)
    big = models.BigIntegerField(null=True)
    positive_big = models.PositiveBigIntegerField(null=True)
    description = models.TextField(blank=True)
    slug = models.SlugField()
    email = models.EmailField(null=True)
    url = models.URLField(null=True)
    ip = models.GenericIPAddressField(null=True)
    data = models.JSONField(default=dict)
    blob = models.BinaryField(null=True)
    released = models.DateField(null=True)
    opens = models.TimeField(null=True)
    lead_time = models.DurationField(null=True)
    manual = models.FileField(upload_to="manuals", null=True)
    image_path = models.FilePathField(path="/tmp", null=True)
    external_id = models.UUIDField(null=True, unique=True)
    if django.VERSION >= (5, 0):
        rating = models.IntegerField(db_default=3)
        label = models.CharField(max_length=20, db_default="new")
        price_with_tax = models.GeneratedField(
            expression=F("price") * 2,
            output_field=models.DecimalField(max_digits=12, decimal_places=2),
            db_persist=True,
        )
        # PostgreSQL only has stored generated columns.
        name_upper = models.GeneratedField(
            expression=Upper("name"),
            output_field=models.CharField(max_length=100),
            db_persist="postgresql" in os.environ.get("GRATICULE_TEST_ENGINE", ""),
        )

    class Meta:
        unique_together = [("name", "category")]
        indexes = [
            models.Index(fields=["-created"], name="kitchen_created_desc"),
            models.Index(fields=["name"], condition=Q(active=True), name="kitchen_active_name"),
            models.Index(Lower("name"), name="kitchen_lower_name"),
            models.Index(fields=["slug", "-price"], name="kitchen_slug_price"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sku"], condition=Q(active=True), name="kitchen_unique_active_sku"
            ),
            models.UniqueConstraint(Upper("slug"), name="kitchen_unique_upper_slug"),
            models.UniqueConstraint(fields=["slug", "released"], name="kitchen_unique_slug_released"),
            check(Q(price__gte=0), "kitchen_price_nonnegative"),
            check(Q(stock__lte=10000) | Q(active=False), "kitchen_stock_bounded"),
        ]


class SpecialProduct(Product):
    """Multi-table inheritance on a UUID primary key."""

    warranty_years = models.PositiveSmallIntegerField(default=1)


class ActiveProduct(Product):
    """A proxy: no table of its own."""

    class Meta:
        proxy = True


class LegacyReport(models.Model):
    """Unmanaged: the table is someone else's."""

    title = models.CharField(max_length=20)

    class Meta:
        managed = False
        db_table = "legacy_report"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE)
    favourite = models.ForeignKey(Product, null=True, on_delete=models.SET_DEFAULT, default=None)
    backup = models.ForeignKey(Product, null=True, on_delete=models.SET(None), related_name="+")


class Shelf(models.Model):
    label = models.CharField(max_length=20)
    products = models.ManyToManyField(Product, through="Placement", related_name="shelves")


class Placement(models.Model):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()

    class Meta:
        unique_together = [("shelf", "position")]


class Note(models.Model):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)
    text = models.TextField()

    class Meta:
        order_with_respect_to = "shelf"


if django.VERSION >= (5, 2):

    class StockLevel(models.Model):
        pk = models.CompositePrimaryKey("warehouse", "product")
        warehouse = models.CharField(max_length=10)
        product = models.ForeignKey(Product, on_delete=models.CASCADE)
        quantity = models.IntegerField()
