"""Japanese labels for the codes the scores use, for tables, exports and explanations."""

from __future__ import annotations

from collections.abc import Sequence

from inventory.survey.schema import COLUMNS_BY_FIELD

QUADRANT_LABELS: dict[str, str] = {
    "quick_win": "クイックウィン",
    "strategic": "戦略的",
    "later": "後回し",
    "avoid": "見送り推奨",
    "automated": "自動化済み",  # hours before and after given: not a fresh candidate
}

# Where a decision was recorded (reviews.source): the CLI, the ranking workbook, the web room, the demo.
REVIEW_SOURCES: dict[str, str] = {
    "cli": "コマンド",
    "xlsx": "Excel取り込み",
    "web": "審査画面",
    "demo": "デモ",
}

TOOL_LABELS: dict[str, str] = {
    "rpa": "RPA",
    "ai-ocr": "AI-OCR",
    "ai-ocr+rpa": "AI-OCR+RPA",
    "both": "AI-OCR+RPA",  # a pilot's tool (pilots.tool)
}

# Difficulty of implementation (神奈川県政策研究センター), easiest first.
DIFFICULTY: tuple[str, ...] = ("低", "中", "高")

# Roles of the web screen's accounts (web_users.role), for the 管理 page and `dxi user list`.
ROLE_LABELS: dict[str, str] = {"admin": "管理者", "reviewer": "審査担当", "dept": "課（閲覧・提出）"}

# The suitability attributes the scores read, in the survey's column order (bpr.scoring.unknowns).
# 繁忙月 is not among them: no factor uses it, so nothing is assumed when it is blank.
SCORED_ATTRIBUTES: tuple[str, ...] = (
    "scope", "routine", "judgement", "input_medium", "form_count", "system_count", "documented",
    "verification", "exceptions", "change_expected", "abolition_planned",
)  # fmt: skip
ATTRIBUTE_LABELS: dict[str, str] = {f: COLUMNS_BY_FIELD[f].header for f in SCORED_ATTRIBUTES}
ALL_MISSING = f"全項目（{len(SCORED_ATTRIBUTES)}）"


def missing_text(labels: Sequence[str] | None) -> str:
    """The 属性未確認 cell of a table: the labels joined by ・, 全項目 when none was surveyed."""
    if not labels:
        return ""
    return ALL_MISSING if len(labels) == len(SCORED_ATTRIBUTES) else "・".join(labels)


def missing_short(labels: Sequence[str] | None) -> str:
    """The 属性未確認 cell of a terminal table: up to two labels, else how many (the list is in CSV/xlsx)."""
    if labels and 2 < len(labels) < len(SCORED_ATTRIBUTES):
        return f"{len(labels)}項目"
    return missing_text(labels)
