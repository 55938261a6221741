"""Review decisions: the one rule (pure), the service that applies it before storing, and
the xlsx import of marked-up ranking workbooks.
"""
