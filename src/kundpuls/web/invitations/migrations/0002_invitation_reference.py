"""A personal reference per invitation (one respondent across channels): added empty, filled for the
invitations there are, then given its default for new ones."""

from django.db import migrations, models

import kundpuls.web.invitations.models


def _fill(apps, schema_editor):
    Invitation = apps.get_model("invitations", "Invitation")
    used: set[str] = set()
    for invitation in Invitation.objects.filter(reference__isnull=True).only("pk").iterator():
        reference = kundpuls.web.invitations.models.new_reference()
        while reference in used:
            reference = kundpuls.web.invitations.models.new_reference()
        used.add(reference)
        Invitation.objects.filter(pk=invitation.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [("invitations", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="reference",
            field=models.CharField(editable=False, max_length=9, null=True, unique=True),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation",
            name="reference",
            field=models.CharField(
                default=kundpuls.web.invitations.models.new_reference,
                editable=False,
                max_length=9,
                unique=True,
            ),
        ),
    ]
