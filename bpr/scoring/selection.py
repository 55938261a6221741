"""Which ranked candidates a list shows: by tool, by 課, the first N; pure, no pandas.

`rank` (bpr.scoring.ranking) orders a run's tasks once, when it is scored, and the order
is stored with the run. A candidate list read back (`dxi rank`) keeps that order and only
filters it with the same rules `rank` filters by, then numbers the rows 1..n again: a
filtered list ranks within itself, as `rank(…, tool=, department=, top=)` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from bpr.errors import InputError
from inventory.survey.schema import nfkc_key

Tool = Literal["rpa", "ai-ocr", "any"]

# Which recommendations count when the list is filtered by tool.
TOOL_FILTER: dict[str, tuple[str, ...]] = {"rpa": ("rpa", "ai-ocr+rpa"), "ai-ocr": ("ai-ocr", "ai-ocr+rpa")}


def check_selection(tool: str, top: int | None) -> None:
    """Raise InputError for a tool or a top N that no list has."""
    if tool not in ("rpa", "ai-ocr", "any"):
        raise InputError(f"tool は rpa / ai-ocr / any のいずれかを指定してください（指定: {tool!r}）")
    if top is not None and top < 0:
        raise InputError(f"top は 0 以上にしてください（指定: {top}）")


def same_department(name: object, department: str) -> bool:
    """A 課 matches when equal after NFKC, spaces ignored (ＤＸ推進課 = DX推進課)."""
    return nfkc_key(str(name)) == nfkc_key(department)


def select_candidates(
    ranked: Iterable[Mapping[str, Any]], *, tool: Tool = "any", department: str | None = None,
    top: int | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The rows of `ranked` (in rank order) the list keeps, each a copy with `rank` 1..n."""
    check_selection(tool, top)
    tools = TOOL_FILTER.get(tool)
    kept = [
        row for row in ranked
        if (tools is None or row["recommended_tool"] in tools)
        and (department is None or same_department(row["department"], department))
    ]  # fmt: skip
    return [{**row, "rank": n} for n, row in enumerate(kept[:top] if top is not None else kept, start=1)]
