"""Adds a column, renames a field and adds an index (and reverses them)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="book",
            name="isbn",
            field=models.CharField(blank=True, max_length=20, null=True),
        ),
        migrations.RenameField(model_name="review", old_name="text", new_name="body"),
        migrations.AddIndex(
            model_name="book",
            index=models.Index(fields=["title"], name="shop_book_title_idx"),
        ),
    ]
