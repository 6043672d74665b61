import django
from django.db import migrations, models

if django.VERSION >= (5, 1):
    pages_check = models.CheckConstraint(condition=models.Q(pages__gte=0), name="history_pages_nonnegative")
else:
    pages_check = models.CheckConstraint(check=models.Q(pages__gte=0), name="history_pages_nonnegative")


class Migration(migrations.Migration):
    dependencies = [("history", "0002_reshape")]

    operations = [
        migrations.AlterModelTable(name="author", table="history_authors"),
        migrations.AddConstraint(model_name="book", constraint=pages_check),
        migrations.RunSQL(
            "CREATE VIEW history_titles AS SELECT title FROM history_book",
            reverse_sql="DROP VIEW history_titles",
        ),
    ]
