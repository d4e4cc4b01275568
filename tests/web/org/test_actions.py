import json
from datetime import date

import pytest

from kundpuls.errors import ValidationError
from kundpuls.web.org.actions import merge_units, move_unit
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent, Unit, UnitEvent


@pytest.mark.django_db
def test_merging_closes_the_source_keeps_it_and_hands_over_its_children() -> None:
    source = Unit.objects.get(code="VOF-SÄBO")
    target = Unit.objects.get(code="VOF-HT")
    children = list(source.children.values_list("code", flat=True))
    merge_units(source, target, effective=date(2026, 1, 1), actor=CLI)
    source.refresh_from_db()
    assert source.valid_to == date(2026, 1, 1)
    assert source.merged_into == target
    assert not source.is_active
    for code in children:
        child = Unit.objects.get(code=code)
        assert child.parent == target
        assert child.path == f"{target.path}{child.pk}/"
        assert child.depth == target.depth + 1
        for grandchild in child.children.all():
            assert grandchild.path == f"{child.path}{grandchild.pk}/"
    assert UnitEvent.objects.filter(unit=source, kind=UnitEvent.Kind.MERGED).exists()
    assert AuditEvent.objects.filter(action="units.merge", target="VOF-SÄBO").exists()


@pytest.mark.django_db
def test_a_unit_cannot_move_inside_its_own_subtree() -> None:
    with pytest.raises(ValidationError, match="VOF-HT-N"):
        move_unit(Unit.objects.get(code="VOF"), Unit.objects.get(code="VOF-HT-N"), actor=CLI)


@pytest.mark.django_db
def test_a_unit_cannot_merge_into_itself_or_its_descendant() -> None:
    vof = Unit.objects.get(code="VOF")
    with pytest.raises(ValidationError):
        merge_units(vof, vof, effective=date(2026, 1, 1), actor=CLI)
    with pytest.raises(ValidationError):
        merge_units(vof, Unit.objects.get(code="VOF-DAG"), effective=date(2026, 1, 1), actor=CLI)


@pytest.mark.django_db
def test_units_merge_on_the_command_line_and_across_organisations_is_refused() -> None:

    import typer
    from typer.testing import CliRunner

    from kundpuls.cli.units import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    roots = list(Unit.objects.filter(parent__isnull=True).order_by("pk"))
    assert len(roots) >= 2, "the test organisation tree needs two organisations"
    other = Unit.objects.filter(path__startswith=roots[1].path).exclude(pk=roots[1].pk).first() or roots[1]
    refused = runner.invoke(
        app, ["units", "merge", "VOF-HT-S", other.code, "--effective", "2026-01-01", "--json"]
    )
    assert refused.exit_code != 0
    # the command line speaks KUNDPULS_LANGUAGE (Swedish unless set); the field name stays in front
    error = json.loads(refused.stdout)["error"]
    assert error.startswith("target: ") and "en annan organisation" in error and other.code in error
    bad_day = runner.invoke(app, ["units", "merge", "VOF-HT-S", "VOF-HT-N", "--effective", "1 jan", "--json"])
    assert bad_day.exit_code != 0 and "effective" in bad_day.stdout and "1 jan" in bad_day.stdout
    done = runner.invoke(
        app, ["units", "merge", "VOF-HT-S", "VOF-HT-N", "--effective", "2026-01-01", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["source"] == "VOF-HT-S"
    assert Unit.objects.get(code="VOF-HT-S").merged_into == Unit.objects.get(code="VOF-HT-N")
    again = runner.invoke(
        app, ["units", "merge", "VOF-HT-S", "VOF-HT-N", "--effective", "2026-01-01", "--json"]
    )
    assert again.exit_code != 0 and json.loads(again.stdout)["error"].startswith("source: ")
    assert "är redan stängd" in again.stdout
