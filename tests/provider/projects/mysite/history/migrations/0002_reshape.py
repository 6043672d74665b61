from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("history", "0001_initial")]

    operations = [
        migrations.RenameModel("Writer", "Author"),
        migrations.AlterField(model_name="author", name="name", field=models.CharField(max_length=80)),
        migrations.AddField(
            model_name="author",
            name="email",
            field=models.EmailField(unique=True, default="", max_length=254),
        ),
        migrations.RemoveField(model_name="book", name="obsolete"),
        # Index fields are not renamed with their field: the index goes first, as makemigrations would order.
        migrations.RemoveIndex(model_name="book", name="history_book_old"),
        migrations.RenameField(model_name="book", old_name="code", new_name="isbn"),
        migrations.AddField(model_name="book", name="pages", field=models.IntegerField(default=0)),
        migrations.AlterUniqueTogether(name="book", unique_together={("title", "author")}),
        migrations.AddIndex(
            model_name="book", index=models.Index(fields=["title"], name="history_book_title")
        ),
        migrations.DeleteModel("Review"),
    ]
