"""The audit trail becomes a hash chain: each event carries its place and a SHA-256 over the
hash before it and its own content, so `clinic-desktop audit verify` can name an event that was
changed, deleted or inserted afterwards.

Events already written are linked here in the order they were written (by id); the chain's
head (its last place and hash) gets a table of its own, which a committing transaction locks
only while it links its events (clinic_desktop/audit.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from clinic_desktop.audit import HEAD_ID, link_hash

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The table as this revision knows it (not the model, which follows later revisions).
audit = sa.table("audit_event", sa.column("id"), sa.column("at", sa.DateTime()),
                 sa.column("actor"), sa.column("host"), sa.column("action"),
                 sa.column("patient_id"), sa.column("entity"), sa.column("entity_id"),
                 sa.column("before"), sa.column("after"), sa.column("detail"),
                 sa.column("seq"), sa.column("prev_hash"), sa.column("hash"))


def upgrade() -> None:
    head = op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False,
                                      server_default=sa.text("''")))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=False,
                                      server_default=sa.text("''")))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_seq'), ['seq'])
    connection = op.get_bind()
    seq, prev = 0, ""
    links = []
    for row in connection.execute(sa.select(audit).order_by(audit.c.id)):
        seq += 1
        event = SimpleNamespace(**row._asdict())
        event.seq = seq
        digest = link_hash(prev, event)
        links.append({"key": row.id, "seq": seq, "prev_hash": prev, "hash": digest})
        prev = digest
    if links:
        connection.execute(sa.update(audit).where(audit.c.id == sa.bindparam("key"))
                           .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"),
                                   hash=sa.bindparam("hash")), links)
    connection.execute(sa.insert(head).values(id=HEAD_ID, seq=seq, hash=prev))


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
    op.drop_table('audit_chain_head')
