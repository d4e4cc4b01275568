"""The response-rate-over-time chart as plain, accessible SVG data (drawn by the template, no script)."""

from __future__ import annotations

from typing import Any

WIDTH, HEIGHT, PAD = 640, 240, 40


def rate_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Points of the cumulative response rate (0–100 %) per day, scaled to the SVG's view box."""
    if not rows:
        return None
    span = max(len(rows) - 1, 1)
    points = [
        (
            round(PAD + (WIDTH - 2 * PAD) * i / span, 1),
            round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * row["rate"] / 100.0, 1),
        )
        for i, row in enumerate(rows)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "polyline": " ".join(f"{x},{y}" for x, y in points),
        # coordinates as text: a template would localise floats (a decimal comma breaks SVG)
        "points": [{"x": str(x), "y": str(y), "row": row} for (x, y), row in zip(points, rows, strict=True)],
        "x0": PAD,
        "x1": WIDTH - PAD,
        "y0": HEIGHT - PAD,
        "y1": PAD,
        "first": rows[0]["day"],
        "last": rows[-1]["day"],
        "final": rows[-1]["rate"],
    }
