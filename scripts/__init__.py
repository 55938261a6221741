"""Developer and release tools: the offline bundle, its wheel coverage check, the Windows lint."""
