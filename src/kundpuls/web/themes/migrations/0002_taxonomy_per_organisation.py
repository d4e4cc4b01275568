"""One comment-theme taxonomy per organisation (issue 17).

The one shared taxonomy becomes every organisation's: each stored revision is copied to each root unit
with its number, text, note and author, so every organisation starts from what it used before and from
then on changes only its own. (Without a root unit nobody could have edited a taxonomy: stored revisions
then have no organisation to belong to and are removed.)
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_to_each_organisation(apps, schema_editor):
    Revision = apps.get_model("themes", "TaxonomyRevision")
    Unit = apps.get_model("org", "Unit")
    roots = list(Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True))
    shared = list(Revision.objects.filter(organisation__isnull=True).order_by("number"))
    for revision in shared:
        for root in roots[1:]:
            Revision.objects.create(
                organisation_id=root,
                number=revision.number,
                text=revision.text,
                note=revision.note,
                created_at=revision.created_at,
                created_by_id=revision.created_by_id,
                created_by_label=revision.created_by_label,
            )
        if roots:
            Revision.objects.filter(pk=revision.pk).update(organisation_id=roots[0])
        else:
            Revision.objects.filter(pk=revision.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("themes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="taxonomyrevision",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="taxonomyrevision",
            name="number",
            field=models.PositiveIntegerField(verbose_name="revision"),
        ),
        migrations.RunPython(copy_to_each_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="taxonomyrevision",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterModelOptions(
            name="taxonomyrevision",
            options={
                "ordering": ["organisation_id", "-number"],
                "verbose_name": "taxonomy revision",
                "verbose_name_plural": "taxonomy revisions",
            },
        ),
        migrations.AddConstraint(
            model_name="taxonomyrevision",
            constraint=models.UniqueConstraint(fields=("organisation", "number"), name="taxonomy_revision_unique"),
        ),
    ]
