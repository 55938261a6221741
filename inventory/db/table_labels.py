"""The Japanese name a person reads for each application table (backup, restore, doctor)."""

from __future__ import annotations

TABLE_LABELS: dict[str, str] = {
    "fiscal_years": "年度",
    "divisions": "部",
    "departments": "課",
    "sections": "係",
    "survey_submissions": "調査票の提出",
    "tasks": "業務",
    "scoring_runs": "採点の実行",
    "task_scores": "採点結果",
    "rollout_groups": "横展開グループ",
    "reviews": "判断（検討会議）",
    "pilots": "実証",
    "pilot_departments": "実証の対象課",
    "pilot_measurements": "実証の実測",
    "pilot_events": "実証の状態変更",
    "campaigns": "調査の実施",
    "campaign_departments": "調査の対象課",
    "screening_sheets": "二次調査票の送付",
    "overtime_months": "時間外勤務実績（課×月）",
    "audit_log": "操作の記録",
    "web_users": "審査画面のユーザー",
    "web_sessions": "審査画面のログイン中セッション",
    "web_login_attempts": "審査画面のログイン試行",
    "uploaded_files": "審査画面から提出されたファイル",
    "job_runs": "処理の実行履歴",
}


def table_label(name: str) -> str:
    """The Japanese name of table `name`; a table added later without a label shows as 表「name」."""
    return TABLE_LABELS.get(name, f"表「{name}」")
