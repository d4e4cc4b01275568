"""Issue 15: no English-only message can come back into what the web apps raise.

Every error a web app raises (each ``raise`` and each error built for raising, in ``actions.py``,
``queries.py`` and every other module of ``kundpuls.web``) says its text through gettext with named
placeholders, so the request's language decides (docs/architecture.md, Conventions). The scan is made on
the syntax tree: a string literal or f-string with words, anywhere in the error's arguments outside a
gettext call, fails — and so does a gettext message of an error that the Swedish catalogue lacks.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

import kundpuls.errors
import kundpuls.web

WEB = Path(kundpuls.web.__file__).parent
TRANSLATORS = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy", "ngettext"}
#: Errors whose text no page shows, with the reason; everything else in ``kundpuls.web`` is scanned.
EXEMPT = {
    "operations/backup.py": "raised only by `kundpuls backup` and `kundpuls restore`, for operators",
    "operations/jobs.py": "a skipped job's reason is stored by the worker, outside any request",
    "org/actors.py": "a programming error: an action called with something that is not an actor",
    "org/permissions.py": "logged; the 403 page and the API's 403 say their own translated text",
    "api/openapi.py": "a developer's error while the OpenAPI document is built",
    "accounts/models.py": "the user manager's guard, reached from code only",
    "surveys/models.py": "a guard against changing a published version from code",
    "deploy_checks.py": "Django's system checks, read by operators in `kundpuls check --deploy`",
}
#: Errors whose text never reaches a person: Django's 404 page shows its own text, not the exception's.
UNSHOWN = {"Http404"}
ERRORS = {
    name
    for name, value in vars(kundpuls.errors).items()
    if isinstance(value, type) and issubclass(value, Exception)
}
_WORDS = re.compile(r"[A-Za-z]{2,}.*\s|\s.*[A-Za-z]{2,}")


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _is_error(name: str) -> bool:
    return name in ERRORS or name.endswith(("Error", "Refused", "Rejected", "InUse", "Invalid"))


def _english(node: ast.AST) -> Iterator[ast.AST]:
    """String literals with words in ``node``, not counting those inside gettext calls."""
    if isinstance(node, ast.Call) and _name(node.func) in TRANSLATORS:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _WORDS.search(node.value):
        yield node
        return
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if _WORDS.search(text):
            yield node
            return
    for child in ast.iter_child_nodes(node):
        yield from _english(child)


def _errors_built(tree: ast.AST) -> Iterator[ast.Call]:
    """Each error raised (``raise X(...)``) or built for raising (``X(...)`` of an error class)."""
    for node in ast.walk(tree):
        call = node.exc if isinstance(node, ast.Raise) else node
        if not isinstance(call, ast.Call) or _name(call.func) in UNSHOWN:
            continue
        if isinstance(node, ast.Raise) or _is_error(_name(call.func)):
            yield call


def untranslated(source: str) -> list[str]:
    """``line: code`` of each error in ``source`` that carries English text outside gettext."""
    found = []
    for call in _errors_built(ast.parse(source)):
        for node in _english(call):
            found.append(f"{node.lineno}: {ast.unparse(call)[:120]}")
    return sorted(set(found))


def translated_messages(source: str) -> set[str]:
    """The gettext message ids inside the errors of ``source``."""
    return {
        node.args[0].value
        for call in _errors_built(ast.parse(source))
        for node in ast.walk(call)
        if isinstance(node, ast.Call)
        and _name(node.func) in TRANSLATORS
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def _modules() -> list[Path]:
    return sorted(
        path
        for path in WEB.rglob("*.py")
        if "migrations" not in path.parts and str(path.relative_to(WEB)) not in EXEMPT
    )


def test_the_scan_covers_the_apps_actions_and_queries() -> None:
    names = {str(p.relative_to(WEB)) for p in _modules()}
    apps = ("cases", "goals", "invitations", "org", "paper", "responses", "surveys", "themes", "webhooks")
    for app in apps:
        assert f"{app}/actions.py" in names
    assert {"cases/queries.py", "paper/queries.py", "themes/queries.py", "surveys/queries.py"} <= names
    for module in EXEMPT:
        assert (WEB / module).is_file(), f"{module} is gone: take it off EXEMPT"


def test_the_scan_finds_an_english_message_and_passes_a_translated_one() -> None:
    english = untranslated(
        'def f(case):\n    raise InvalidArgument(f"case: {case.pk} is closed", field="case")\n'
        'def g(x):\n    raise NotFound("unit: no such unit")\n'
        'def h(x):\n    return Ambiguous("key: " + x + " is used twice")\n'
        'def i(path, v):\n    raise _fail(f"{path}.item", "not a stored item", v)\n'
    )
    assert [line.split(":")[0] for line in english] == ["2", "4", "6", "8"]
    assert not untranslated(
        'def f(case):\n    raise InvalidArgument(_("case: %(case)s is closed") % {"case": case.pk},'
        ' field="case", value=f"{case.pk}")\n'
        'def g(path, v):\n    raise _fail(f"{path}.item", _("not a stored item"), v)\n'
        'def h():\n    raise Http404("unknown action")\n'
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(WEB)))
def test_every_error_of_the_web_apps_speaks_through_gettext(path: Path) -> None:
    found = untranslated(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(WEB)}: say these through gettext with named placeholders "
        f'(_("field: %(value)r is …") % {{"value": …}}) and translate them in the app\'s .po: {found}'
    )


def _has_words(message: str) -> bool:
    """Whether a message says anything beyond its field name and placeholders."""
    return bool(re.search(r"[A-Za-z]{2,}", re.sub(r"%\(\w+\)[sdrfg]|^[\w.()%]+: ", "", message)))


def test_every_translated_error_has_a_swedish_text() -> None:
    missing = []
    with translation.override("sv"):
        for path in _modules():
            for message in translated_messages(path.read_text(encoding="utf-8")):
                if _has_words(message) and gettext(message) == message:
                    missing.append(f"{path.relative_to(WEB)}: {message}")
    assert not missing, f"add Swedish texts to the app's locale/sv/LC_MESSAGES/django.po: {missing}"
