"""Releasing comments only for groups large enough not to expose anyone.

A group (unit, period, segment) shows its comments only if it has at least ``threshold`` respondents
(default 7, the SKR Insikt rule used across Kundpuls) and, optionally, at least ``comment_threshold``
comments: a stricter comment threshold protects respondents whose free text is easier to recognise than
a score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundpuls.errors import InvalidArgument

DEFAULT_THRESHOLD = 7


@dataclass(frozen=True)
class GroupComments:
    """The comments of one group, or none if it is ``suppressed``.

    ``n`` is the number of respondents in the group, ``n_comments`` the number of (non-empty) comments.
    """

    group: object
    n: int
    n_comments: int
    comments: tuple[str, ...]
    suppressed: bool


def comments_by_group(
    comments: Sequence[str | None],
    groups: Sequence[object],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    comment_threshold: int | None = None,
    group_sizes: Mapping[object, int] | None = None,
) -> list[GroupComments]:
    """Group comments and suppress every group under the thresholds.

    Parameters
    ----------
    comments
        One entry per respondent; ``None`` or blank means the respondent wrote no comment.
    groups
        The group of each respondent (same length).
    threshold
        Minimum number of respondents (default 7).
    comment_threshold
        Minimum number of comments; ``None`` means no extra rule. Must not be below ``threshold``'s
        purpose: values below 1 are rejected.
    group_sizes
        Respondent counts per group when ``comments`` holds only the respondents who commented (for
        instance comments read from the lake with the group sizes from an index query). Groups missing
        from it count their rows.

    Returns
    -------
    list of GroupComments
        Every group, sorted by group (respondents without a group form a group named None); suppressed
        ones carry no comments.
    """
    if len(comments) != len(groups):
        raise InvalidArgument(
            f"groups: length {len(groups)} does not match {len(comments)} comments", field="groups"
        )
    if threshold < 1:
        raise InvalidArgument(
            f"threshold: {threshold} must be at least 1", field="threshold", value=threshold
        )
    if comment_threshold is not None and comment_threshold < 1:
        raise InvalidArgument(
            f"comment_threshold: {comment_threshold} must be at least 1",
            field="comment_threshold",
            value=comment_threshold,
        )
    frame = pd.DataFrame({"group": list(groups), "comment": list(comments)})
    result = []
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    for group, part in frame.groupby("group", sort=True, dropna=False):
        group = None if isinstance(group, float) and np.isnan(group) else group
        texts = tuple(str(c) for c in part["comment"] if isinstance(c, str) and c.strip())
        n = int(group_sizes.get(group, len(part))) if group_sizes is not None else len(part)
        suppressed = n < threshold or (comment_threshold is not None and len(texts) < comment_threshold)
        result.append(
            GroupComments(
                group=group,
                n=n,
                n_comments=len(texts),
                comments=() if suppressed else texts,
                suppressed=suppressed,
            )
        )
    return result


def releasable_comments(
    comments: Sequence[str | None],
    groups: Sequence[object],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    comment_threshold: int | None = None,
    group_sizes: Mapping[object, int] | None = None,
) -> dict[object, list[str]]:
    """Return ``{group: comments}`` for the groups that pass the thresholds only (see
    :func:`comments_by_group`)."""
    return {
        g.group: list(g.comments)
        for g in comments_by_group(
            comments,
            groups,
            threshold=threshold,
            comment_threshold=comment_threshold,
            group_sizes=group_sizes,
        )
        if not g.suppressed
    }
