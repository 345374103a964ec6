"""Photo import: image details on photos, the unmatched/refused inbox, watched-folder memory.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('watched_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mtime_ns', sa.BigInteger(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watched_file')),
    sa.UniqueConstraint('path', 'size', 'mtime_ns', name=op.f('uq_watched_file_path_size_mtime_ns'))
    )
    op.create_table('photo_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('source_path', sa.Text(), nullable=False),
    sa.Column('library_path', sa.Text(), nullable=False),
    sa.Column('original_name', sa.String(length=400), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], name=op.f('fk_photo_inbox_photo_id_photo'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo_inbox'))
    )
    with op.batch_alter_table('photo_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_inbox_sha256'), ['sha256'], unique=False)
        batch_op.create_index('ix_photo_inbox_status', ['status'], unique=False)

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_name', sa.String(length=400), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('image_format', sa.String(length=20), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('file_size', sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('completed_step', sa.Boolean(), nullable=False, server_default=sa.text("false")))



def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_column('completed_step')
        batch_op.drop_column('file_size')
        batch_op.drop_column('height')
        batch_op.drop_column('width')
        batch_op.drop_column('image_format')
        batch_op.drop_column('original_name')

    with op.batch_alter_table('photo_inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_photo_inbox_status')
        batch_op.drop_index(batch_op.f('ix_photo_inbox_sha256'))

    op.drop_table('photo_inbox')
    op.drop_table('watched_file')
