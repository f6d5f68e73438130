"""Alembic migrations of the main database (see README.md); a package so that it ships."""
