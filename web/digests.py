"""Digest pages: one-click unsubscribe and the coordinator's preview."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
