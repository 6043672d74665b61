import django.contrib.postgres.fields
import django.contrib.postgres.fields.hstore
import django.contrib.postgres.indexes
from django.contrib.postgres.operations import HStoreExtension, TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        HStoreExtension(),
        TrigramExtension(),
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("attributes", django.contrib.postgres.fields.hstore.HStoreField(default=dict)),
                (
                    "keywords",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=30), default=list, size=None
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["title"], name="search_title_trgm", opclasses=["gin_trgm_ops"]
                    ),
                    django.contrib.postgres.indexes.GinIndex(fields=["keywords"], name="search_keywords_gin"),
                ],
            },
        ),
    ]
