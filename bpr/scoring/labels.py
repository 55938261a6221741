"""Japanese labels for the codes the scores use, for tables, exports and explanations."""

from __future__ import annotations

QUADRANT_LABELS: dict[str, str] = {
    "quick_win": "クイックウィン",
    "strategic": "戦略的",
    "later": "後回し",
    "avoid": "見送り推奨",
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
