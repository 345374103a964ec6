"""Patient search: a lower-cased search column and an index that finds a word inside it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from clinic_desktop.db.search import drop_search_index, ensure_search_index, search_text

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEARCHED = ("code", "first_name", "last_name", "email", "phone")


def upgrade() -> None:
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='',
                                      nullable=False))
    connection = op.get_bind()
    patient = sa.table('patient', sa.column('id'), sa.column('search_text'),
                       *(sa.column(name) for name in _SEARCHED))
    update = (sa.update(patient).where(patient.c.id == sa.bindparam('row_id'))
              .values(search_text=sa.bindparam('text')))
    last = 0
    while chunk := connection.execute(
            sa.select(patient.c.id, *(patient.c[n] for n in _SEARCHED))
            .where(patient.c.id > last).order_by(patient.c.id).limit(5000)).all():
        connection.execute(update, [{'row_id': row[0], 'text': search_text(row[1:])}
                                    for row in chunk])
        last = chunk[-1][0]
    ensure_search_index(connection)


def downgrade() -> None:
    drop_search_index(op.get_bind())
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_column('search_text')
