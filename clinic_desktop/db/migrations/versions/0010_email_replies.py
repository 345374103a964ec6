"""Email replies: the mailbox's messages handled once (mail_message), photos that came by
email (photo.mail_message_id), and a patient's address that bounced (patient.bounced_*).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=400), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('moved', sa.Boolean(), nullable=False),
    sa.Column('message_id', sa.String(length=400), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=400), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_mail_message_notification_id_notification'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_mail_message_patient_id_patient'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_message')),
    sa.UniqueConstraint('mailbox', 'uidvalidity', 'uid', name=op.f('uq_mail_message_mailbox_uidvalidity_uid'))
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_patient_id'), ['patient_id'], unique=False)

    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bounced_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('bounce_reason', sa.Text(), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('bounced_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_message_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photo_mail_message_id'), ['mail_message_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photo_mail_message_id_mail_message'), 'mail_message', ['mail_message_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photo_mail_message_id_mail_message'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photo_mail_message_id'))
        batch_op.drop_column('mail_message_id')

    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_column('bounced_at')
        batch_op.drop_column('bounce_reason')
        batch_op.drop_column('bounced_email')

    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_message_patient_id'))

    op.drop_table('mail_message')
