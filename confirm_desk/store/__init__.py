"""Storage: SQLAlchemy 2.x models, engine and session set-up, queries, Alembic migrations. No Qt."""
