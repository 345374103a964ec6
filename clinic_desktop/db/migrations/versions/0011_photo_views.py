"""Which view of the teeth each photo shows (front, left, right, upper, lower jaw).

Photos already imported get the view their original file name says, by the rule the import
uses (clinic_desktop/domain/photo_views.py); a name that says none leaves it empty, for staff
to set.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from clinic_desktop.domain.photo_views import view_from_name

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The table as this revision knows it (not the model, which follows later revisions).
photo = sa.table("photo", sa.column("id"), sa.column("original_name"), sa.column("view"))


def upgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('view', sa.String(length=10), nullable=False,
                                      server_default=sa.text("''")))
    connection = op.get_bind()
    by_view: dict[str, list[int]] = {}
    for photo_id, name in connection.execute(sa.select(photo.c.id, photo.c.original_name)):
        view = view_from_name(name or "")
        if view:
            by_view.setdefault(view, []).append(photo_id)
    for view, ids in by_view.items():
        for start in range(0, len(ids), 1000):
            connection.execute(photo.update().where(photo.c.id.in_(ids[start:start + 1000]))
                               .values(view=view))


def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_column('view')
