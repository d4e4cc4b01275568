"""Every YAML Kundpuls reads goes through one bounded, safe loader (issue 17: the alias bomb)."""

from __future__ import annotations

import time

import pytest

from kundpuls.errors import DefinitionError, brief
from kundpuls.instruments.library import template_keys, template_text
from kundpuls.yaml_input import MAX_ALIAS_NODES, MAX_YAML_CHARS, load_yaml

# 9 levels of 9 aliases: 9**9 = 387 million strings once expanded, from about 500 bytes.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_is_refused_at_once_naming_the_field() -> None:
    assert len(BOMB.encode()) < 600
    started = time.perf_counter()
    with pytest.raises(DefinitionError, match=r"definition: .*aliases") as raised:
        load_yaml(BOMB, field="definition")
    assert time.perf_counter() - started < 0.5
    assert len(str(raised.value)) < 300


def test_the_survey_templates_with_their_anchors_still_load() -> None:
    for name in template_keys():
        assert isinstance(load_yaml(template_text(name), field=name), dict)


def test_a_few_aliases_are_fine_but_not_beyond_the_node_budget() -> None:
    assert load_yaml("s: &s [1, 2]\nt: *s\n", field="f") == {"s": [1, 2], "t": [1, 2]}
    wide = "big: &big [" + ", ".join(["1"] * 1000) + "]\n" + "".join(f"k{i}: *big\n" for i in range(30))
    with pytest.raises(DefinitionError, match=f"more than {MAX_ALIAS_NODES:,}"):
        load_yaml(wide, field="f")


def test_too_long_text_duplicate_keys_and_bad_syntax_name_the_field() -> None:
    with pytest.raises(DefinitionError, match="rules: the text is longer than"):
        load_yaml("a: 1\n" * (MAX_YAML_CHARS // 4), field="rules")
    with pytest.raises(
        DefinitionError, match="model: not valid YAML at line 2, column 1: key 'a' appears twice"
    ):
        load_yaml("a: 1\na: 2\n", field="model")
    with pytest.raises(DefinitionError, match=r"taxonomy: not valid YAML at line \d+, column \d+"):
        load_yaml("a: [1, 2\n", field="taxonomy")
    with pytest.raises(DefinitionError, match="python/object"):
        load_yaml("a: !!python/object:os.system x\n", field="f")


def test_brief_never_builds_the_whole_value() -> None:
    shared = ["x" * 100] * 9
    for _ in range(8):
        shared = [shared] * 9
    started = time.perf_counter()
    text = brief(shared)
    assert time.perf_counter() - started < 0.1
    assert len(text) <= 80 and text.endswith("…")
    assert brief("kort") == "'kort'"
