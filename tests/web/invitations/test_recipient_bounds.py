"""Issue 17: recipient uploads with 128 KB fields or 200,000 rows are a short 400 page, never a 500."""

from __future__ import annotations

import contextlib
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kundpuls.errors import ImportRowsError
from kundpuls.table_input import TableInputError
from kundpuls.web.invitations.recipients import read_recipients, table_from_upload

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
URL = "/portal/inbjudningar/nki/"
UNITS = {"VOF-HT-N": True, "EXK": False}


def _post(personas: dict[str, Any], name: str, content: bytes) -> Any:
    client = Client()
    client.force_login(personas["analyst"], backend=BACKEND)
    return client.post(URL, {"recipients": SimpleUploadedFile(name, content)})


def test_a_field_over_128_kb_is_a_400_naming_the_row(personas: Any) -> None:
    response = _post(personas, "lista.csv", f"email,unit\n{'a' * 140_000}@example.se,VOF-HT-N\n".encode())
    assert response.status_code == 400 and len(response.content) < 100_000
    assert "4,096" in response.content.decode()


def test_an_xlsx_of_200000_rows_is_refused_with_a_short_page(personas: Any) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["email", "unit"])
    for i in range(200_000):
        sheet.append([f"x{i}", "NOPE"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _post(personas, "lista.xlsx", buffer.getvalue())
    assert response.status_code == 400 and len(response.content) < 100_000
    assert "50,000" in response.content.decode()


def test_many_bad_rows_show_fifty_and_count_the_rest(personas: Any) -> None:
    rows = "".join(f"bad{i},NOPE\n" for i in range(1_000))
    response = _post(personas, "lista.csv", f"email,unit\n{rows}".encode())
    page = response.content.decode()
    assert response.status_code == 400 and len(response.content) < 100_000
    assert page.count('<li><a href="#f-recipients">') == 50 and "1950" in page.replace("\xa0", "")


def test_an_unreadable_upload_is_a_400(personas: Any) -> None:
    for name, content in [("l.csv", "email\nåsa\n".encode("utf-16-le")), ("l.xlsx", b"PK\x03\x04junk")]:
        response = _post(personas, name, content)
        assert response.status_code == 400, name


_CELL = st.one_of(
    st.text(max_size=20),
    st.sampled_from(['"', 'a"b', "\0", "\n", ";", "VOF-HT-N", "EXK", "a@example.se", "sv", "en"]),
    st.builds(lambda n: "x" * n, st.integers(200, 140_000)),
)


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(st.lists(_CELL, max_size=6), max_size=6), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_fuzz_recipient_files_give_only_documented_errors(rows: list[list[str]], encoding: str) -> None:
    text = "email;unit;name;language;visits\n" + "\n".join(";".join(r) for r in rows)
    try:
        table = table_from_upload("l.csv", text.encode(encoding, errors="surrogatepass"))
        for row in read_recipients(table, units=UNITS):
            assert len(row.email) <= 254 and len(row.name) <= 200
    except (ImportRowsError, TableInputError):
        pass


@settings(max_examples=80, deadline=None)
@given(content=st.binary(max_size=1_000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_fuzz_recipient_bytes_give_only_documented_errors(content: bytes, suffix: str) -> None:
    with contextlib.suppress(ImportRowsError, TableInputError):
        read_recipients(table_from_upload("l" + suffix, content), units=UNITS)
