"""Downloads are named by what they hold, safely for any file system (kundpuls.web.downloads)."""

from __future__ import annotations

from urllib.parse import unquote

from django.http import HttpResponse

from kundpuls.web.downloads import LONGEST, attachment, file_name


def test_a_name_is_its_parts_in_the_pages_words() -> None:
    assert file_name("Hemtjänst Norr 2026-Q4", "", "Vilket kön har du? - Kvinna", extension="pdf") == (
        "Hemtjänst Norr 2026-Q4, Vilket kön har du - Kvinna.pdf"
    )


def test_characters_a_file_system_refuses_and_control_characters_are_left_out() -> None:
    name = file_name('../../etc/passwd "x" <a|b>: c*?\x00\n', extension="csv")
    assert name == ".. .. etc passwd x a b c.csv"
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert file_name("", "  ", extension="csv") == "kundpuls.csv"


def test_a_long_name_is_cut_before_the_extension() -> None:
    name = file_name("Enhet " * 100, extension="xlsx")
    assert len(name) <= LONGEST + len(".xlsx") and name.endswith(".xlsx")


def test_the_header_carries_non_ascii_letters_as_utf8() -> None:
    response = attachment(HttpResponse(b""), "Överordnad enhet: Åre", extension="csv")
    header = response["Content-Disposition"]
    assert header.isascii() and header.startswith("attachment; filename*=utf-8''")
    assert unquote(header).endswith("Överordnad enhet Åre.csv")
