"""How a download is named: by what it holds, in the person's words (issue 18: names, not codes or keys).

"Hemtjänst Norr 2026-Q4, Vilket kön har du - Kvinna.pdf" says what the file is where
"kundpuls-VOF-HT-N-2026-Q4-kon-woman.pdf" needed the codebook. A name may hold any letter of the page's
language; Django sends it as RFC 6266 ``filename*`` (UTF-8), which every current browser reads. Characters
some system refuses in a file name (the path separators, and ``:*?"<>|`` on Windows) become spaces.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

#: Characters a file name may not hold on some system.
NOT_IN_FILE_NAMES = str.maketrans({c: " " for c in '\\/:*?"<>|'})
#: Longest name sent (before the extension): file systems allow 255 bytes, a long unit name and group
#: label must not get near that.
LONGEST = 150


def file_name(*parts: str, extension: str) -> str:
    """``parts`` (the empty ones left out) joined by ", ", made safe for a file name, with ``extension``."""
    name = ", ".join(p for p in parts if p).translate(NOT_IN_FILE_NAMES)
    name = " ".join("".join(c for c in name if c.isprintable()).split())[:LONGEST].strip() or "kundpuls"
    return f"{name}.{extension}"


def attachment(response: HttpResponse, *parts: str, extension: str) -> HttpResponse:
    """``response`` downloaded as a file named by ``parts`` (see :func:`file_name`)."""
    name = file_name(*parts, extension=extension)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
