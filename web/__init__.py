"""Server-rendered pages: thin routes over the service layer, Jinja2 templates."""

from fastapi import APIRouter

from web import pages

router = APIRouter(include_in_schema=False)
router.include_router(pages.router)
