import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="stored_at",
            field=models.DateTimeField(
                auto_now_add=True, db_index=True, default=django.utils.timezone.now, verbose_name="stored"
            ),
            preserve_default=False,
        ),
    ]
