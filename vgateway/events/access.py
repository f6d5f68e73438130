"""Who is asking, and which cameras they may see: the two hooks the auth package replaces."""

from __future__ import annotations

from fastapi import Request


def current_user_name(request: Request) -> str:
    """The acting user's name, recorded on acknowledgements. "local" until auth is wired."""
    return "local"


def visible_cameras(request: Request) -> frozenset[str] | None:
    """Camera ids the caller may see; None means every camera.

    The single place where event routes ask for authorisation: the auth package wires its
    `authorize(...)` in here (or overrides this dependency), and every event route follows.
    """
    return None
