"""Pilots (実証): the lifecycle and measurement rules (pure) and the service that applies
them before storing.
"""
