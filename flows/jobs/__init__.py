"""The work of the flows as plain functions: what a desk command runs in its own process.

Each Prefect flow (flows/survey_intake.py, task_scoring.py, campaign_reminder.py) is a
thin wrapper whose tasks call these same functions; a desk command with no Prefect
server calls them directly (flows/desk.py). Nothing here imports Prefect.
"""
