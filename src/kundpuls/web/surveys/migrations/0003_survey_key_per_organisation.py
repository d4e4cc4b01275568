"""Survey keys unique per organisation (issue 17): ``Survey.organisation`` is the root of the owner unit.

Existing surveys get their owner's root; keys were unique across the installation, so the new constraint
holds for every stored row.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_organisation(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Unit = apps.get_model("org", "Unit")
    paths = dict(Unit.objects.values_list("pk", "path"))
    for survey in Survey.objects.all().only("pk", "owner_id"):
        root = int(paths[survey.owner_id].strip("/").split("/")[0])
        Survey.objects.filter(pk=survey.pk).update(organisation_id=root)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("surveys", "0002_channels_paper_phone_kiosk"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
                verbose_name="organisation",
            ),
        ),
        migrations.RunPython(fill_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="survey",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="key",
            field=models.SlugField(max_length=64, verbose_name="key"),
        ),
        migrations.AlterModelOptions(
            name="survey",
            options={
                "ordering": ["key", "organisation_id"],
                "verbose_name": "survey",
                "verbose_name_plural": "surveys",
            },
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.UniqueConstraint(
                fields=("organisation", "key"), name="survey_key_unique_in_organisation"
            ),
        ),
    ]
