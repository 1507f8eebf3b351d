"""The newest migration's revision, without SQLAlchemy: start-up compares the store with it (store/db.py
imports Alembic only when there is something to upgrade; the main window's first screen is read before
SQLAlchemy is loaded, only from a store at this revision). A test keeps it equal to Alembic's head."""

SCHEMA_HEAD = "0012"
