"""Alembic environment: runs on the connection the app hands over (or a URL for the alembic CLI)."""

from alembic import context
from sqlalchemy import create_engine

from confirm_desk.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        engine = create_engine(url)
        with engine.begin() as conn:
            _run_on(conn)
        return
    _run_on(connection)


def _run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode for ALTERs
    )
    with context.begin_transaction():
        context.run_migrations()


run()
