"""The declarative base every table of the bot is registered on (the registry: storage/registry.py)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
