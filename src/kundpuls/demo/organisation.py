"""The demo organisation: a Swedish municipality and a small healthcare region, with one user per role.

Pure data (no Django): :mod:`kundpuls.web.org.demo` loads it. Codes are stable, so tests, benchmarks and
later demo data (surveys, responses) can refer to units by code.
"""

from __future__ import annotations

from dataclasses import dataclass

# (code, name, kind, parent code)
MUNICIPALITY: tuple[tuple[str, str, str, str | None], ...] = (
    ("EXK", "Exempelby kommun", "organisation", None),
    # Vård och omsorg
    ("VOF", "Vård- och omsorgsförvaltningen", "administration", "EXK"),
    ("VOF-HT", "Hemtjänst", "department", "VOF"),
    ("VOF-HT-N", "Hemtjänst Norr", "unit", "VOF-HT"),
    ("VOF-HT-S", "Hemtjänst Söder", "unit", "VOF-HT"),
    ("VOF-HT-C", "Hemtjänst Centrum", "unit", "VOF-HT"),
    ("VOF-SÄBO", "Särskilt boende", "department", "VOF"),
    ("VOF-SÄBO-EK", "Ekbackens äldreboende", "unit", "VOF-SÄBO"),
    ("VOF-SÄBO-LI", "Lindgårdens äldreboende", "unit", "VOF-SÄBO"),
    ("VOF-DAG", "Dagverksamheten Solrosen", "unit", "VOF"),
    ("VOF-BIST", "Biståndshandläggningen", "unit", "VOF"),
    # Barn och utbildning
    ("BUF", "Barn- och utbildningsförvaltningen", "administration", "EXK"),
    ("BUF-FSK", "Förskolor", "department", "BUF"),
    ("BUF-FSK-EKO", "Förskolan Ekorren", "unit", "BUF-FSK"),
    ("BUF-FSK-BLÅ", "Förskolan Blåsippan", "unit", "BUF-FSK"),
    ("BUF-GR", "Grundskolor", "department", "BUF"),
    ("BUF-GR-CEN", "Centralskolan", "unit", "BUF-GR"),
    ("BUF-GR-VÄS", "Västerskolan", "unit", "BUF-GR"),
    ("BUF-GR-ÄNG", "Ängsskolan", "unit", "BUF-GR"),
    ("BUF-GY", "Exempelby gymnasium", "unit", "BUF"),
    # Samhällsbyggnad
    ("SBF", "Samhällsbyggnadsförvaltningen", "administration", "EXK"),
    ("SBF-BYGG", "Bygglov", "unit", "SBF"),
    ("SBF-MHS", "Miljö- och hälsoskydd", "unit", "SBF"),
    ("SBF-LANT", "Lantmäteri", "unit", "SBF"),
    ("SBF-GATA", "Gata och park", "unit", "SBF"),
    # Kultur och fritid
    ("KFF", "Kultur- och fritidsförvaltningen", "administration", "EXK"),
    ("KFF-BIB", "Biblioteken", "department", "KFF"),
    ("KFF-BIB-HUV", "Huvudbiblioteket", "unit", "KFF-BIB"),
    ("KFF-BIB-VÄS", "Biblioteket Västra", "unit", "KFF-BIB"),
    ("KFF-BIB-BUSS", "Bokbussen", "unit", "KFF-BIB"),
    ("KFF-SIM", "Simhallen", "unit", "KFF"),
    ("KFF-FRI", "Fritidsgården Navet", "unit", "KFF"),
    # Kommunledning
    ("KLF", "Kommunledningsförvaltningen", "administration", "EXK"),
    ("KLF-KC", "Kontaktcenter", "unit", "KLF"),
    ("KLF-NÄR", "Näringslivsenheten", "unit", "KLF"),
    ("KLF-ÖF", "Överförmyndarenheten", "unit", "KLF"),
    # Socialtjänst
    ("SOC", "Socialförvaltningen", "administration", "EXK"),
    ("SOC-FÖR", "Försörjningsstöd", "unit", "SOC"),
    ("SOC-BOF", "Barn och familj", "unit", "SOC"),
    ("SOC-SOB", "Stöd och behandling", "unit", "SOC"),
)

REGION: tuple[tuple[str, str, str, str | None], ...] = (
    ("RGX", "Region Exempel", "organisation", None),
    ("RGX-PV", "Primärvården", "administration", "RGX"),
    ("RGX-VC-CEN", "Vårdcentralen Centrum", "unit", "RGX-PV"),
    ("RGX-VC-NOR", "Vårdcentralen Norra", "unit", "RGX-PV"),
    ("RGX-VC-HAM", "Vårdcentralen Hamnen", "unit", "RGX-PV"),
    ("RGX-BVC", "Barnavårdscentralen", "unit", "RGX-PV"),
    ("RGX-SV", "Specialistvården", "administration", "RGX"),
    ("RGX-ORT", "Ortopedmottagningen", "unit", "RGX-SV"),
    ("RGX-KVK", "Kvinnokliniken", "unit", "RGX-SV"),
    ("RGX-AKM", "Akutmottagningen", "unit", "RGX-SV"),
)

UNITS = MUNICIPALITY + REGION

DEMO_PASSWORD = "Kundpuls-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    unit_codes: tuple[str, ...]
    persona: str


USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@kundpuls.example", "Anna Admin", "admin", ("EXK", "RGX"), "administratör"),
    DemoUser(
        "analytiker@kundpuls.example", "Karin Kvalitet", "analyst", ("EXK",), "kvalitetsstrateg, kommunen"
    ),
    DemoUser(
        "analytiker.region@kundpuls.example", "Rami Region", "analyst", ("RGX",), "analytiker, regionen"
    ),
    DemoUser(
        "chef.hemtjanst@kundpuls.example",
        "Maria Hemtjänst",
        "manager",
        ("VOF-HT-N",),
        "enhetschef, Hemtjänst Norr",
    ),
    DemoUser(
        "chef.bibliotek@kundpuls.example",
        "Björn Bibliotek",
        "manager",
        ("KFF-BIB-HUV",),
        "enhetschef, Huvudbiblioteket",
    ),
    DemoUser(
        "chef.vardcentral@kundpuls.example",
        "Vera Vård",
        "manager",
        ("RGX-VC-CEN",),
        "verksamhetschef, Vårdcentralen Centrum",
    ),
    DemoUser("betraktare@kundpuls.example", "Ville Visare", "viewer", ("VOF",), "läsare, Vård och omsorg"),
)


def units_csv() -> str:
    """The demo units in the unit file format of ``kundpuls units import``."""
    lines = ["code,name,kind,parent_code,valid_from,valid_to"]
    for code, name, kind, parent in UNITS:
        lines.append(f"{code},{name},{kind},{parent or ''},2020-01-01,")
    return "\n".join(lines) + "\n"
