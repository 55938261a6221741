"""Scoring and ranking, pure: the config, the factors, the expected savings, the score, its
explanation, the ranking and 横展開. No I/O library.
"""
