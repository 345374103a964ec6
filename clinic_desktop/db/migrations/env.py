"""Alembic environment: always run from clinic_desktop.db.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from clinic_desktop.db.migrate import include_name
from clinic_desktop.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by clinic_desktop.db.migrate
    raise RuntimeError("Run migrations through `clinic-desktop db upgrade`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
