import datetime
import os

from django.db import migrations, models


def seed_questions(apps, schema_editor):
    # Data, not schema: the provider must skip it (the tests set this variable when running the provider).
    if os.environ.get("POLLS_FORBID_RUNPYTHON"):
        raise AssertionError("RunPython ran while the schema was generated")
    Question = apps.get_model("polls", "Question")
    Question.objects.create(
        question_text="What's new?", pub_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )


class Migration(migrations.Migration):
    dependencies = [("polls", "0001_initial")]

    operations = [
        # A history the models no longer show directly: the table is rebuilt on SQLite and the final
        # question_text length comes from this migration, not from 0001.
        migrations.AlterField(
            model_name="question", name="question_text", field=models.CharField(max_length=200)
        ),
        migrations.RunSQL(
            "CREATE INDEX polls_question_date_text ON polls_question (pub_date, question_text)",
            reverse_sql="DROP INDEX polls_question_date_text",
        ),
        migrations.RunPython(seed_questions, migrations.RunPython.noop),
    ]
