"""The JSON API under ``/api/v1``: thin routers over the service layer."""

from fastapi import APIRouter

from api import organisations, vocabulary

router = APIRouter(prefix="/api/v1")
router.include_router(organisations.router)
router.include_router(vocabulary.router)
