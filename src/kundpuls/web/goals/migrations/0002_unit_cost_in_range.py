"""Unit costs within the import's bounds (0 ≤ cost < 10^12), held by the database.

Before the bounds a cost such as ``1E+999999999`` could be stored, and every goals page of its unit then
failed while reading it. Such rows cannot be read and carry no usable number, so they are deleted before the
constraint is added (the unit's cost file can be imported again).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM goals_unitcost WHERE cost IS NULL OR NOT (cost >= 0 AND cost < 1000000000000)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="unitcost",
            constraint=models.CheckConstraint(
                condition=models.Q(("cost__gte", 0), ("cost__lt", 1000000000000), ("volume__gte", 0)),
                name="unit_cost_in_range",
            ),
        ),
    ]
