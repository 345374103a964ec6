"""Patient search ignores accents and ß: refill search_text with the folded fields.

"jurgen" finds Jürgen and "gross" finds Groß (the folding rule is in db/search.py). The column
and its index stay as 0005 made them; only the text in it changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Iterable, Sequence

from alembic import op

from clinic_desktop.db.search import SEPARATOR, fill_search_text

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _lower_cased(values: Iterable[str | None]) -> str:
    """The search text as 0005 wrote it: each field lower-cased, nothing else."""
    return SEPARATOR.join((value or "").lower() for value in values)


def upgrade() -> None:
    fill_search_text(op.get_bind())


def downgrade() -> None:
    fill_search_text(op.get_bind(), _lower_cased)
