"""`dxi`, the command line.

`app` holds the app and what every command shares, and imports no command; each other
module registers its commands on it; `main` imports them all and is the entry point.
"""
