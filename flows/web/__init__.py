"""The review room: the DX team's shared screen (FastAPI + Jinja2, server-rendered, no CDN)."""
