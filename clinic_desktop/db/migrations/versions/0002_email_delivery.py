"""Email delivery: rendered bodies and send claims on the outbox, delivery attempts, templates.

Existing outbox rows get empty bodies; the sender renders those from the current templates
before sending. `email_template` holds staff-edited copies of the default templates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('email_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_template')),
    sa.UniqueConstraint('kind', 'language', name=op.f('uq_email_template_kind_language'))
    )
    op.create_table('delivery_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('smtp_code', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_delivery_attempt_notification_id_notification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempt'))
    )
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_attempt_notification_id'), ['notification_id'], unique=False)

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('doctor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipient_name', sa.String(length=200), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default=sa.text("'en'")))
        batch_op.add_column(sa.Column('body_text', sa.Text(), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=200), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_doctor_id'), ['doctor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_doctor_id_doctor'), 'doctor', ['doctor_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_notification_status_next_attempt', ['status', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_status_next_attempt')
        batch_op.drop_constraint(batch_op.f('fk_notification_doctor_id_doctor'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_doctor_id'))
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('body_html')
        batch_op.drop_column('body_text')
        batch_op.drop_column('language')
        batch_op.drop_column('recipient_name')
        batch_op.drop_column('doctor_id')

    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_attempt_notification_id'))

    op.drop_table('delivery_attempt')
    op.drop_table('email_template')
