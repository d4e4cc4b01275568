"""Each survey's key in the analytics lake (issue 17): the lake and the results cache keyed per survey, not
per key, so two organisations' surveys with one key never share partitions or cached frames.

Before this release a key was unique across the installation (0003 made it unique per organisation), so
every existing survey keeps its key as its lake key and existing lakes stay valid; only a second
organisation's survey with a key already used gets ``KEY.ORGANISATION_ID`` (oldest survey first).
"""

from django.db import migrations, models


def fill_lake_key(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    taken = set()
    for pk, key, organisation in Survey.objects.order_by("pk").values_list("pk", "key", "organisation_id"):
        lake_key = key if key not in taken else f"{key}.{organisation}"
        taken.add(lake_key)
        Survey.objects.filter(pk=pk).update(lake_key=lake_key)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_survey_key_per_organisation")]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="lake_key",
            field=models.CharField(
                editable=False, max_length=100, null=True, verbose_name="key in the analytics lake"
            ),
        ),
        migrations.RunPython(fill_lake_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="survey",
            name="lake_key",
            field=models.CharField(
                editable=False, max_length=100, unique=True, verbose_name="key in the analytics lake"
            ),
        ),
    ]
