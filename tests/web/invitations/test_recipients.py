"""Importing a recipient list: every bad row named, nothing stored unless everything is valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kundpuls.errors import ImportRowsError
from kundpuls.web.invitations.actions import import_recipients
from kundpuls.web.invitations.models import Invitation, InvitationContact
from kundpuls.web.invitations.recipients import table_from_file, table_from_text
from kundpuls.web.org.actors import CLI
from kundpuls.web.surveys.models import Channel, Distribution


def test_a_valid_list_invites_everyone_on_an_invitation_distribution_per_unit(
    nki: Any, recipient_list: str
) -> None:
    summary = import_recipients(nki, table_from_text(recipient_list), actor=CLI)
    assert (summary.invited, summary.units) == (3, 2)
    units = set(
        Distribution.objects.filter(survey=nki, channel=Channel.INVITATION).values_list(
            "unit__code", flat=True
        )
    )
    assert units == {"VOF-HT-N", "KFF-BIB-HUV"}
    bo = Invitation.objects.get(contact__email="bo@example.se")
    assert bo.language == "en"
    assert bo.background == {"age_group": "80+"}
    assert len(bo.token_hash) == 64
    assert InvitationContact.objects.get(invitation=bo).name == "Bo Berg"


def test_every_bad_row_is_reported_and_nothing_is_imported(nki: Any) -> None:
    text = (
        "e-post,namn,enhet,språk\n"
        "ok@example.se,Ok,VOF-HT-N,sv\n"
        "inte-en-adress,X,VOF-HT-N,sv\n"
        "ok@example.se,Dubbel,VOF-HT-N,sv\n"
        "z@example.se,Z,FINNS-INTE,sv\n"
        "r@example.se,R,RGX-VC-CEN,sv\n"
        "l@example.se,L,VOF-HT-N,de\n"
    )
    with pytest.raises(ImportRowsError) as caught:
        import_recipients(nki, table_from_text(text), actor=CLI)
    found = {(e.row, e.column, e.value) for e in caught.value.errors}
    assert found == {
        (3, "email", "inte-en-adress"),
        (4, "email", "ok@example.se"),
        (5, "unit", "FINNS-INTE"),
        (6, "unit", "RGX-VC-CEN"),
        (7, "language", "de"),
    }
    assert "utanför" in next(e.message for e in caught.value.errors if e.value == "RGX-VC-CEN")
    assert Invitation.objects.count() == 0
    assert not Distribution.objects.filter(channel=Channel.INVITATION).exists()


def test_an_address_already_invited_to_the_survey_is_refused(invited: Any) -> None:
    with pytest.raises(ImportRowsError) as caught:
        import_recipients(invited, table_from_text("email,unit\nANNA@example.se,VOF-HT-N\n"), actor=CLI)
    assert caught.value.errors[0].message == "redan inbjuden till den här enkäten"  # Swedish unless set
    assert Invitation.objects.count() == 3


def test_a_missing_required_column_is_named(nki: Any) -> None:
    with pytest.raises(ImportRowsError) as caught:
        import_recipients(nki, table_from_text("email,name\na@example.se,A\n"), actor=CLI)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "unit")]


def test_an_excel_list_is_read_with_whole_numbers_as_text(nki: Any, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["E-mail", "Name", "Unit", "Language", "visits"])
    sheet.append(["excel@example.se", "Eva", "VOF-HT-N", "sv", 3])
    book.save(tmp_path / "list.xlsx")
    import_recipients(nki, table_from_file(tmp_path / "list.xlsx"), actor=CLI)
    assert Invitation.objects.get().background == {"visits": "3"}


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("lista.csv", "email,unit\nåsa@example.se,VOF-HT-N\n".encode("latin-1"), "UTF-8"),
        ("lista.xlsx", b"not a workbook", "Excel"),
        ("lista.pdf", b"%PDF-1.4", ".csv or .xlsx"),
    ],
)
def test_an_unreadable_file_is_a_named_validation_error(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    from kundpuls.errors import ValidationError

    (tmp_path / name).write_bytes(content)
    with pytest.raises(ValidationError, match=problem):
        table_from_file(tmp_path / name)
