"""How the synthetic town's clerks answer: media, busy months, notes, minutes and mistakes.

Pure data the generator (``flows.town.survey``) draws from; the 課 and their tasks are
in ``flows.town.names``.
"""

from __future__ import annotations

# Input-medium hints from the task name, first match wins: (word, medium, probability).
MEDIUM_HINTS: tuple[tuple[str, str, float], ...] = (
    ("電子申請", "電子", 1.0),
    ("支出命令", "電子", 1.0),
    ("コンビニ", "電子", 1.0),
    ("取込", "電子", 1.0),
    ("支払報告書", "混在", 0.8),
    ("申告書", "紙（手書き）", 0.85),
    ("申請書", "紙（手書き）", 0.85),
    ("依頼書", "紙（手書き）", 0.9),
    ("予診票", "紙（手書き）", 0.95),
    ("調査票", "紙（手書き）", 0.8),
    ("届", "紙（手書き）", 0.75),
)

PEAK_PATTERNS: tuple[tuple[int, ...], ...] = (
    (3, 4),
    (4,),
    (4, 5),
    (3, 4, 5),
    (1, 2, 3),
    (6, 7),
    (10, 11),
    (12,),
    (2, 3),
    (7, 8),
    (5, 6),
    (9, 10),
    (4, 5, 6),
)

NOTES_GENERAL = (
    "繁忙期は時間外勤務で対応",
    "担当者の経験に依存しており属人化している",
    "電子申請化を検討中",
    "委託化を検討中",
    "他課にも同様の作業あり",
    "繁忙期は課内で応援体制をとっている",
    "システムへの二重入力が発生している",
)
NOTES_PAPER = (
    "申請書は手書きのため入力に時間がかかる",
    "AI-OCRの導入を検討したい",
    "記入漏れの確認に時間を要する",
)
NOTES_CHANGE = ("制度改正によりシステム改修予定", "標準化（ガバメントクラウド移行）に伴い手順変更予定")
NOTES_ABOLITION = ("次年度末で事業終了予定", "制度廃止に伴い終了予定")
NICE_MINUTES = (2, 3, 5, 8, 10, 15, 20, 25, 30, 40, 45, 60, 90, 120, 150, 180, 240)  # what clerks write
BOOL_STYLES = (("○", "×"), ("〇", "×"), ("有", "無"), ("有り", "無し"), ("あり", "なし"))
INSTRUCTION = (
    "※ 1行に1業務を記入してください。処理時間は1件当たりの分、繁忙月は「4,5,6」のように記入してください。"
)
# Typical mistakes for the "rejected then corrected" demo: (field, bad value).
MISTAKES: tuple[tuple[str, str | int], ...] = (
    ("annual_volume", "不明"),
    ("input_medium", "紙ベース"),
    ("annual_volume", -120),
    ("minutes_per_case", "随時"),
    ("routine", "ほぼ定型"),
    ("staff_count", "-1"),
)
RESPONDENTS = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田")
