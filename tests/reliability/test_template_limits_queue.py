"""A costly template that reached the database without the editor's check (an older version, a
restored backup) cannot queue a huge email: the daily check reports that step as failed with the
template's sentence, queues nothing for it, and the database stays small."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import EmailTemplate, Notification
from clinic_desktop.domain import due_scan
from clinic_desktop.notify import render

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # step 1 lasts 7 days, so it is finished today


@pytest.mark.parametrize(("part", "payload", "words"), [
    ("body_text", "{{ 'a'*10**8 }}", "longer than 100,000 characters"),
    ("body_html", "{% for a in range(1000) %}{% for b in range(1000) %}xxxxxxxxxx{% endfor %}"
                  "{% endfor %}", "its HTML part would be larger than 256 KB"),
])
def test_the_daily_check_refuses_a_costly_stored_template(
        app: Any, enrol: Any, part: str, payload: str, words: str) -> None:
    default = render.default_source(render.STEP_FINISHED, "en")
    texts = {"subject": default["subject"], "body_text": default["text"],
             "body_html": default["html"], part: payload}
    with write_session(app.sessions) as session:
        session.add(EmailTemplate(kind=render.STEP_FINISHED, language="en",
                                  updated_by="old version", **texts))
        enrol(session, "P1", [7, 7], START)
    report = due_scan.notify_finished_steps(app.sessions, TODAY)
    [item] = report.items
    assert item.email == due_scan.FAILED
    assert words in item.detail and "Fix the template in Settings" in item.detail
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0
