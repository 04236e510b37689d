"""Alembic migrations, shipped inside the package so `convene db upgrade` works anywhere."""
