from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.db import models


class Label(models.Model):
    """No migration creates btree_gist / btree_gin: the provider must know these indexes need them."""

    name = models.CharField(max_length=50)
    weight = models.IntegerField(default=0)

    class Meta:
        indexes = [
            GistIndex(fields=["name"], name="tags_name_gist"),
            GinIndex(fields=["weight"], name="tags_weight_gin"),
        ]
