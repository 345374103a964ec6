"""Patient search: a lower-cased search column and an index that finds a word inside it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from clinic_desktop.db.search import drop_search_index, ensure_search_index, fill_search_text

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='',
                                      nullable=False))
    connection = op.get_bind()
    fill_search_text(connection)
    ensure_search_index(connection)


def downgrade() -> None:
    drop_search_index(op.get_bind())
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_column('search_text')
