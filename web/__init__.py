"""Server-rendered pages: thin routes over the service layer, Jinja2 templates."""

from fastapi import APIRouter, Depends

from convene.deps import optional_actor
from web import account, auth, coordinator, digests, introductions, pages

# every page knows who is signed in (for the header), without requiring it
router = APIRouter(include_in_schema=False, dependencies=[Depends(optional_actor)])
router.include_router(auth.router)
router.include_router(digests.router)
router.include_router(pages.router)
router.include_router(introductions.router)
router.include_router(coordinator.router)
router.include_router(account.router)
