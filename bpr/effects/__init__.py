"""Effect measurement, pure: the overtime KPI against the baseline year and how much of its
fall the automations explain.
"""
