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
