"""The photo quality gate: what the gate found on a photo, and who accepted it anyway.

A photo that is blurred, too dark, too bright or too small is kept and filed, but does not
complete its step until staff accept it (clinic_desktop/photos/quality.py). Photos imported
before this upgrade were not measured: they stay as they are, with nothing found.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = sa.text("quality_issue <> '' AND quality_accepted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quality_issue', sa.String(length=200), nullable=False,
                                      server_default=sa.text("''")))
        batch_op.add_column(sa.Column('quality_measures', sa.Text(), nullable=False,
                                      server_default=sa.text("''")))
        batch_op.add_column(sa.Column('quality_accepted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('quality_accepted_by', sa.String(length=200),
                                      nullable=False, server_default=sa.text("''")))
        batch_op.create_index('ix_photo_quality_held', ['step_id'], unique=False,
                              sqlite_where=_HELD, postgresql_where=_HELD)


def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index('ix_photo_quality_held', sqlite_where=_HELD, postgresql_where=_HELD)
        batch_op.drop_column('quality_accepted_by')
        batch_op.drop_column('quality_accepted_at')
        batch_op.drop_column('quality_measures')
        batch_op.drop_column('quality_issue')
