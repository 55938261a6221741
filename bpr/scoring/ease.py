"""Ease of implementation (0–100) and its 低/中/高 difficulty (神奈川県政策研究センター).

Ease starts at 100 and loses points for what makes a robot hard to build and keep:
cross-department coordination (全庁共通) or a process change (制度改正予定), which
alone make a task 高; several systems, many exceptions or forms; no written procedure
(京都府: 口伝え); judgement that must be turned into rules. Unknown fields cost a
little, so blank optional columns do not push every task to 高.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bpr.scoring.config import ScoringConfig
from bpr.scoring.factors import Factor, ObjArray, level_table, note_table, numeric_notes, penalty_factor
from bpr.scoring.inputs import FloatArray, TaskArrays


def ease_factors(a: TaskArrays, cfg: ScoringConfig) -> list[Factor]:
    """Penalties off an ease of 100 (神奈川: cross-department or process change = 高)."""
    e, p = cfg.ease, cfg.ease.penalties

    def graded(x: FloatArray, many_from: int, many: float, two: float, unknown: float) -> FloatArray:
        graded_points: FloatArray = np.where(x >= many_from, -many, np.where(x >= 2, -two, 0.0))
        return np.where(np.isnan(x), -unknown, graded_points)

    specs: list[tuple[str, FloatArray, ObjArray]] = [
        (
            "scope",
            level_table(a.scope, [0.0, -p.cross_department, 0.0], -p.scope_unknown),
            note_table(a.scope, ["", "全庁共通のため部署横断の調整が必要", ""], "業務区分が不明"),
        ),
        (
            "process_change",
            level_table(a.change_expected, [-p.process_change, 0.0], -p.process_change_unknown),
            note_table(a.change_expected, ["制度改正で業務プロセスの変更が必要", ""], "制度改正予定が不明"),
        ),
        (
            "systems",
            graded(a.systems, e.systems_many_from, p.systems_many, p.systems_two, p.systems_unknown),
            numeric_notes(a.systems, "使用システム {:.0f} 個", "使用システム数が不明"),
        ),
        (
            "exceptions",
            level_table(
                a.exceptions, [-p.exceptions_many, -p.exceptions_sometimes, 0.0], -p.exceptions_unknown
            ),
            note_table(a.exceptions, ["例外処理が多い", "例外処理が時々ある", ""], "例外処理の頻度が不明"),
        ),
        (
            "forms",
            graded(a.forms, e.forms_many_from, p.forms_many, p.forms_some, p.forms_unknown),
            numeric_notes(a.forms, "様式 {:.0f} 種類", "様式数が不明"),
        ),
        (
            "documentation",
            level_table(a.documented, [0.0, -p.undocumented], -p.documented_unknown),
            note_table(a.documented, ["", "手順書がなく先に文書化が必要"], "手順書の有無が不明"),
        ),
        (
            "judgement",
            level_table(a.judgement, [0.0, -p.judgement_partial, -p.judgement_full], 0.0),
            note_table(a.judgement, ["", "判断の一部をルール化する必要", "判断をルール化する必要"], ""),
        ),
    ]
    # Ease factors are listed only where they take points off: the lists stay short.
    return [
        replace(f, listed=f.points != 0.0)
        for f in (penalty_factor(n, "ease", pts, nt) for n, pts, nt in specs)
    ]


def difficulty(ease: FloatArray, config: ScoringConfig) -> ObjArray:
    """低 when ease ≥ easy_from (the process maps 1:1 onto a robot), 高 below hard_below."""
    e = config.ease
    labels: ObjArray = np.select([ease >= e.easy_from, ease < e.hard_below], ["低", "高"], "中").astype(
        object
    )
    return labels
