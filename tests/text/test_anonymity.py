"""Comments are released only for groups at or above the thresholds."""

from __future__ import annotations

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.text.anonymity import comments_by_group, releasable_comments


def test_it_suppresses_groups_under_the_threshold() -> None:
    comments = ["bra"] * 7 + ["dåligt"] * 6
    groups = ["A"] * 7 + ["B"] * 6
    result = {g.group: g for g in comments_by_group(comments, groups)}
    assert not result["A"].suppressed and len(result["A"].comments) == 7
    assert result["B"].suppressed and result["B"].comments == () and result["B"].n == 6


def test_a_stricter_comment_threshold_counts_only_written_comments() -> None:
    comments = ["bra", "", None, "ok", "fint", None, None, None, None, None]
    groups = ["A"] * 10
    assert releasable_comments(comments, groups) == {"A": ["bra", "ok", "fint"]}
    assert releasable_comments(comments, groups, comment_threshold=5) == {}


def test_group_sizes_count_respondents_who_wrote_nothing() -> None:
    comments = ["bra", "ok", "dåligt"]
    groups = ["A", "A", "B"]
    released = releasable_comments(comments, groups, group_sizes={"A": 12, "B": 3})
    assert released == {"A": ["bra", "ok"]}


def test_it_rejects_mismatched_lengths_and_bad_thresholds() -> None:
    with pytest.raises(InvalidArgument, match="groups"):
        comments_by_group(["a"], ["A", "B"])
    with pytest.raises(InvalidArgument, match="threshold: 0"):
        comments_by_group(["a"], ["A"], threshold=0)


def test_respondents_without_a_group_form_their_own_group() -> None:
    result = comments_by_group(["a"] * 9, ["x"] * 7 + [None, None])
    assert [(g.group, g.n, g.suppressed) for g in result] == [("x", 7, False), (None, 2, True)]
