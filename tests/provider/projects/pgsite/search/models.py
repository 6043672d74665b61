from django.contrib.postgres.fields import ArrayField, HStoreField
from django.contrib.postgres.indexes import GinIndex
from django.db import models


class Document(models.Model):
    title = models.CharField(max_length=200)
    attributes = HStoreField(default=dict)
    keywords = ArrayField(models.CharField(max_length=30), default=list)

    class Meta:
        indexes = [
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="search_title_trgm"),
            GinIndex(fields=["keywords"], name="search_keywords_gin"),
        ]
