"""A model history `migrate` must replay: renames, alterations, removals, a table rebuilt several times."""

import django
from django.db import models


def check(condition, name):
    if django.VERSION >= (5, 1):
        return models.CheckConstraint(condition=condition, name=name)
    return models.CheckConstraint(check=condition, name=name)


class Author(models.Model):
    name = models.CharField(max_length=80)
    email = models.EmailField(unique=True, default="")

    class Meta:
        db_table = "history_authors"


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    isbn = models.CharField(max_length=13, null=True)
    pages = models.IntegerField(default=0)

    class Meta:
        unique_together = [("title", "author")]
        indexes = [models.Index(fields=["title"], name="history_book_title")]
        constraints = [check(models.Q(pages__gte=0), "history_pages_nonnegative")]
