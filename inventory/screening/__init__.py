"""The two-stage survey: the screening workbook (二次調査票) for candidates whose suitability is unknown.

A 業務量調査 often asks only volumes; the suitability attributes (定型性, 判断の有無,
入力媒体 …) are asked later, of the candidates only. `fields` names what the screening
asks, `writer` writes one workbook per 課, `reader` reads a returned one (pure), `matching`
finds each row's stored task (pure) and `task_list` reads a list of chosen tasks.
"""
