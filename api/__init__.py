"""The JSON API under ``/api/v1``: thin routers over the service layer. Every route needs
a signed-in user or an API token."""

from fastapi import APIRouter, Depends

from api import (
    accounts,
    contacts,
    introductions,
    organisations,
    relationships,
    suggestions,
    vocabulary,
)
from convene.deps import current_actor

router = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(current_actor)],
    responses={401: {"description": "Not signed in"}},
)
for module in (
    organisations,
    suggestions,
    introductions,
    contacts,
    relationships,
    accounts,
    vocabulary,
):
    router.include_router(module.router)
