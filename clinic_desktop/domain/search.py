"""The patient search of the patient list, the inbox and `patients list --search`: every word
typed found in the code, a name, the email or the phone, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, column, func, select, table
from sqlalchemy import text as text_clause
from sqlalchemy.orm import Session, aliased, sessionmaker

from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Doctor, Patient, TreatmentStep
from clinic_desktop.db.search import (
    FTS_TABLE,
    ensure_search_index,
    fill_search_text,
    has_fts,
    search_words,
)


@dataclass(frozen=True)
class PatientRow:
    id: int
    code: str
    name: str
    email: str
    phone: str
    doctor: str
    step: str
    due: date | None
    consent: bool
    language: str


def search_patients(session: Session, text: str, offset: int = 0,
                    limit: int | None = None) -> list[PatientRow]:
    """One page of the patient list (every patient without a limit), filtered by code, name,
    email or phone as typed."""
    active = aliased(TreatmentStep)
    query = (select(Patient.id, Patient.code, Patient.first_name, Patient.last_name,
                    Patient.email, Patient.phone, Doctor.name, active.order, active.name,
                    active.due_date, Patient.email_consent, Patient.language)
             .outerjoin(Doctor, Doctor.id == Patient.doctor_id)
             .outerjoin(active, and_(active.patient_id == Patient.id,
                                     active.is_active.is_(True)))
             .where(*patient_matches(session, text, for_page=True))
             .order_by(Patient.code).offset(offset).limit(limit))
    return [PatientRow(r[0], r[1], f"{r[2]} {r[3]}".strip(), r[4] or "", r[5] or "",
                       r[6] or "", f"{r[7]} {r[8]}" if r[7] is not None else "", r[9],
                       r[10], r[11])
            for r in session.execute(query)]


def rebuild_search(sessions: sessionmaker[Session]) -> int:
    """Recompute what the search looks in for every patient whose text is stale, and make
    sure its index exists (`db rebuild-search`); how many patients were corrected."""
    with write_session(sessions) as session:
        connection = session.connection()
        fixed = fill_search_text(connection)
        ensure_search_index(connection)
    return fixed


def count_patients(session: Session, text: str) -> int:
    return session.scalar(select(func.count()).select_from(Patient)
                          .where(*patient_matches(session, text))) or 0


# Above this many index hits, reading the list in code order fills a page sooner than
# fetching and sorting every hit (measured in bench/ui_patients.py: ~2 ms per 1,000 hits).
_INDEX_PAGE_LIMIT = 2000
_TRIGRAM = 3  # the FTS5 trigram index only answers words of at least three characters


def patient_matches(session: Session, text: str, *,
                    for_page: bool = False) -> list[ColumnElement[bool]]:
    """Every word typed must appear in the code, a name, the email or the phone; case,
    accents and ß do not matter ("jurgen" finds Jürgen, "gross" finds Groß).

    The words, folded by search_words, are looked for in `Patient.search_text`, folded the
    same way (db/search.py states the rule). On PostgreSQL the trigram index serves LIKE
    itself; on SQLite the FTS5 table narrows the rows first. When
    fetching a page (`for_page`) of a word most patients have, SQLite reads the list in code
    order instead and stops after the page: faster than collecting every hit to sort it.
    """
    words = search_words(text)
    conditions: list[ColumnElement[bool]] = [
        Patient.search_text.like(f"%{_escape_like(word)}%", escape="\\") for word in words]
    indexed = [word for word in words if len(word) >= _TRIGRAM]
    if not indexed or session.get_bind().dialect.name != "sqlite" \
            or not has_fts(session.connection()):
        return conditions
    fts = table(FTS_TABLE, column("rowid"))
    phrases = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
    match = text_clause(f"{FTS_TABLE} MATCH :phrases").bindparams(phrases=phrases)
    if for_page and (session.scalar(select(func.count()).select_from(fts).where(match))
                     or 0) > _INDEX_PAGE_LIMIT:
        return conditions
    return [Patient.id.in_(select(fts.c.rowid).where(match)), *conditions]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
