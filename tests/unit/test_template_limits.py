"""Staff-edited templates cannot exhaust the PC: huge texts, lists, numbers, ranges, loops and
slow templates are refused quickly with a sentence; a refused template never comes into force."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest
from sqlalchemy import func, select

from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import EmailTemplate
from clinic_desktop.errors import ConfigError, ValidationError
from clinic_desktop.notify import render

ACTOR = "reception-anna"
TOO_LONG = "longer than 100,000 characters or items"
TOO_BIG_NUMBER = "number larger than"
TOO_SLOW = "takes too long to fill in"
RANGE = "more than 10,000 items"

# (what staff typed into the text part, the words of the refusal)
ATTACKS = [
    ("{{ 'a'*10**8 }}", TOO_LONG),
    ("{{ range(99999)|list|join(',')*5000 }}", RANGE),
    ('{{ "x" * 1000000 }}', TOO_LONG),
    ("{{ [1]*10**7 }}", TOO_LONG),
    ("{{ 2**10**10 }}", TOO_BIG_NUMBER),
    ("{{ range(10**9)|list }}", RANGE),
    ("{% for i in range(10**9) %}{% endfor %}", RANGE),
    ("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
     "{% endfor %}{% endfor %}{% endfor %}", TOO_SLOW),
    ("{% for a in range(1000) %}{% for b in range(1000) %}" + "x" * 100 +
     "{% endfor %}{% endfor %}", "would be larger than 256 KB: shorten the template"),
    ("{% set s = 'x' * 100000 %}{{ ([s] * 100000)|join }}", TOO_LONG),
    ("{% set s = 'x' * 100000 %}{{ s|replace('x', s) }}", TOO_LONG),
    ("{% set s = 'x' * 100000 %}{{ ''.join([s, s]) }}", TOO_LONG),
    ("{% set ns = namespace(s='x' * 50000) %}{% for i in range(40) %}"
     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}", TOO_LONG),
    ("{% set ns = namespace(s='x' * 50000) %}{% for i in range(40) %}"
     "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}", TOO_LONG),
    ("{{ 'x'|center(10**9) }}", TOO_LONG),
    ("{{ 'x'.ljust(10**9) }}", TOO_LONG),
    ("{{ '%999999999s'|format('x') }}", TOO_LONG),
    ("{{ '%999999999s' % 'x' }}", TOO_LONG),
    ("{{ '{:>999999999}'.format('x') }}", TOO_LONG),
    ("{{ 2.0 ** 10000 }}", TOO_BIG_NUMBER),
    ("{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
     TOO_SLOW),
]


def _sources(**parts: str) -> dict[str, str]:
    return {**render.default_source(render.STEP_FINISHED, "en"), **parts}


def _stored(app) -> int:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(EmailTemplate)) or 0


@pytest.mark.parametrize(("payload", "reason"), ATTACKS)
def test_a_costly_template_is_refused_quickly_and_never_saved(
        sqlite_app, payload: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    started = time.monotonic()
    try:
        with write_session(sqlite_app.sessions) as s, \
                pytest.raises(ValidationError, match=rf"^Text part(, line 2: .*| ){reason}"):
            render.save_template(s, render.STEP_FINISHED, "en",
                                 _sources(text=f"Hello\n{payload}\n"), ACTOR)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 10  # 2 s of CPU at most, more under tracemalloc on a busy test machine
    assert peak < 50 * 1024 * 1024
    assert _stored(sqlite_app) == 0
    with sqlite_app.sessions() as s:  # the default is still the template in force
        email = render.templates_for(s).render(
            render.STEP_FINISHED, "en", render.sample_contexts(render.STEP_FINISHED)[0])
    assert "a" * 1000 not in email.text and len(email.text) < 10_000


@pytest.mark.parametrize("part", ["subject", "html"])
def test_the_refusal_names_the_part(part: str) -> None:
    label = {"subject": "Subject", "html": "HTML part"}[part]
    with pytest.raises(ValidationError, match=rf"^{label}, line 1: .*{TOO_LONG}"):
        render.check_template(render.STEP_FINISHED, "en", _sources(**{part: "{{ 'a'*10**8 }}"}))


def test_a_template_that_slipped_past_the_check_cannot_queue_a_huge_email() -> None:
    # e.g. saved by an older version: sending refuses it with a sentence naming the part.
    context: dict[str, Any] = render.sample_contexts(render.STEP_FINISHED)[0]
    templates = render.TemplateSet({(render.STEP_FINISHED, "en"): _sources(
        html="{% for a in range(300) %}{% for b in range(1000) %}" + "x" * 10 +
        "{% endfor %}{% endfor %}")})
    with pytest.raises(ConfigError, match=r"cannot be written: its HTML part would be "
                                          r"larger than 256 KB\. Fix the template"):
        templates.render(render.STEP_FINISHED, "en", context)
    huge = render.TemplateSet({(render.STEP_FINISHED, "en"): _sources(text="{{ 'a'*10**8 }}")})
    with pytest.raises(ConfigError, match=TOO_LONG):
        huge.render(render.STEP_FINISHED, "en", context)


def test_reasonable_loops_and_arithmetic_still_work() -> None:
    text = ("{% for i in range(3) %}{{ i * 2 }}{{ '-' * 3 }}{% endfor %}|{{ 2 ** 10 }}|"
            "{{ ['a', 'b']|join(', ') }}|{{ 'x' ~ step.name }}|{{ '%05d' % 42 }}|"
            "{{ 'Hi {}'.format(patient.first_name) }}|{{ step.name|center(12) }}|"
            "{{ [1, 2] + [3] }}|{{ 'ab' + 'cd' }}|"
            "{% for p in [patient] %}{{ loop.index }}/{{ loop.length }}{% endfor %}\n")
    email = render.TemplateSet({(render.STEP_FINISHED, "en"): _sources(text=text)}).render(
        render.STEP_FINISHED, "en", render.sample_contexts(render.STEP_FINISHED)[0])
    assert email.text == ("0---2---4---|1024|a, b|xAligner 3|00042|Hi Anna| Aligner 3  |"
                          "[1, 2, 3]|abcd|1/1\n")


def test_html_text_is_still_escaped_and_template_markup_is_not() -> None:
    email = render.TemplateSet({(render.STEP_FINISHED, "en"): _sources(
        html="<p>{{ '<b>' ~ patient.first_name }}</p>\n")}).render(
        render.STEP_FINISHED, "en", render.sample_contexts(render.STEP_FINISHED)[0])
    assert email.html == "<p>&lt;b&gt;Anna</p>\n"
