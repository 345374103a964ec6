"""The shipped email templates (English and German): they render, they pass the editor's check,
they say what a patient needs, they escape HTML, and broken edits are refused with a location."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from clinic_desktop.config import templates_dir
from clinic_desktop.errors import ValidationError
from clinic_desktop.notify import outbox, render

LANGUAGES = render.available_languages()
PATIENT_KINDS = (render.STEP_FINISHED, render.STEP_STARTED, render.PHOTO_REMINDER)
CASES = [(language, kind) for language in LANGUAGES for kind in render.KINDS]

# What the sample data (render.sample_contexts) must produce, per language.
EXPECTED = {
    "en": {"position": "step 3 of 24", "next": "step 4 of 24", "due": "March 15, 2026",
           "start": "March 1, 2026", "late_due": "March 9, 2026", "phone": "Phone:",
           "email": "Email:"},
    "de": {"position": "Schritt 3 von 24", "next": "Schritt 4 von 24", "due": "15. März 2026",
           "start": "1. März 2026", "late_due": "9. März 2026", "phone": "Telefon:",
           "email": "E-Mail:"},
}


def _render(kind: str, language: str, context: dict[str, Any]) -> render.RenderedEmail:
    return render.TemplateSet().render(kind, language, context)


def _visible(html: str) -> str:
    """The HTML part's words, roughly as a reader sees them (tags dropped, spaces folded)."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&middot;", "·").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text)


def _sources(kind: str = render.STEP_FINISHED, language: str = "en", **parts: str
             ) -> dict[str, str]:
    return {**render.default_source(kind, language), **parts}


# --- every default renders and passes the check --------------------------------------------


def test_english_and_german_are_available() -> None:
    assert {"en", "de"} <= set(LANGUAGES)


def test_the_email_languages_are_the_template_folders() -> None:
    """A language offered in Settings has templates, and a folder of templates is offered."""
    folders = sorted(p.name for p in templates_dir().iterdir() if p.is_dir())
    assert folders == sorted(LANGUAGES)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_the_same_files_as_english(language: str) -> None:
    english = sorted(p.name for p in (templates_dir() / "en").iterdir())
    assert sorted(p.name for p in (templates_dir() / language).iterdir()) == english


@pytest.mark.parametrize(("language", "kind"), CASES)
def test_every_kind_renders_with_every_sample_context(language: str, kind: str) -> None:
    for context in render.sample_contexts(kind):
        email = _render(kind, language, context)
        assert email.subject and "\n" not in email.subject and "{" not in email.subject
        assert email.text.endswith("\n") and not email.text.endswith("\n\n")
        assert "{{" not in email.text and "{%" not in email.text
        assert email.html.startswith("<!DOCTYPE html>")
        assert f'<html lang="{language}">' in email.html
        assert "{{" not in email.html and "{%" not in email.html
        assert 'src="cid:logo"' in email.html  # the sample clinic has a logo
        assert context["clinic"]["name"] in email.text
        assert context["clinic"]["name"] in email.html


@pytest.mark.parametrize(("language", "kind"), CASES)
def test_check_template_accepts_every_default(language: str, kind: str) -> None:
    render.check_template(kind, language, render.default_source(kind, language))


def test_a_logo_free_clinic_gets_no_image_reference() -> None:
    context = copy.deepcopy(render.sample_contexts(render.STEP_STARTED)[0])
    context["clinic"]["has_logo"] = False
    for language in LANGUAGES:
        assert "cid:logo" not in _render(render.STEP_STARTED, language, context).html


# --- subjects ------------------------------------------------------------------------------


def test_english_step_subjects_match_the_seed_exactly() -> None:
    finished = render.sample_contexts(render.STEP_FINISHED)[0]
    started = render.sample_contexts(render.STEP_STARTED)[0]
    assert _render(render.STEP_FINISHED, "en", finished).subject == \
        "📸 Treatment Step 'Aligner 3' Completed - Photo Required"
    assert _render(render.STEP_STARTED, "en", started).subject == \
        "🎯 New Treatment Step Started: 'Aligner 3'"
    assert outbox.subject_for(render.STEP_FINISHED, "Aligner 3") == \
        "📸 Treatment Step 'Aligner 3' Completed - Photo Required"
    assert outbox.subject_for(render.STEP_STARTED, "Aligner 3") == \
        "🎯 New Treatment Step Started: 'Aligner 3'"


def test_german_step_subjects_keep_the_shape_of_the_english_ones() -> None:
    finished = render.sample_contexts(render.STEP_FINISHED)[0]
    started = render.sample_contexts(render.STEP_STARTED)[0]
    assert _render(render.STEP_FINISHED, "de", finished).subject == \
        "📸 Behandlungsschritt 'Aligner 3' abgeschlossen – Foto benötigt"
    assert _render(render.STEP_STARTED, "de", started).subject == \
        "🎯 Neuer Behandlungsschritt gestartet: 'Aligner 3'"


def test_german_subjects_of_the_other_kinds() -> None:
    subjects = {kind: _render(kind, "de", render.sample_contexts(kind)[0]).subject
                for kind in render.KINDS}
    assert subjects[render.PHOTO_REMINDER] == "Erinnerung: Ihr Foto für 'Aligner 3'"
    assert subjects[render.DOCTOR_PROGRESS] == \
        "Fortschritt: P00123 hat Schritt 3 von 24 abgeschlossen"
    assert subjects[render.DOCTOR_DIGEST] == \
        "Tagesübersicht für den 16. März 2026: 1 weitergekommen, 1 überfällig"
    assert subjects[render.TEST_EMAIL] == "Test-E-Mail von Clinic Desktop bei Sample Clinic"
    finished_plan = render.sample_contexts(render.DOCTOR_PROGRESS)[1]
    assert _render(render.DOCTOR_PROGRESS, "de", finished_plan).subject == \
        "Fortschritt: P00123 hat den Behandlungsplan abgeschlossen"


def test_a_line_break_in_a_step_name_cannot_start_a_new_header() -> None:
    context = copy.deepcopy(render.sample_contexts(render.STEP_STARTED)[0])
    context["step"]["name"] = "Aligner 3\r\nBcc: someone@example.com"
    for language in LANGUAGES:
        subject = _render(render.STEP_STARTED, language, context).subject
        assert "\n" not in subject and "\r" not in subject


# --- what the emails say -------------------------------------------------------------------


@pytest.mark.parametrize(("language", "kind"),
                         [(lang, kind) for lang in LANGUAGES for kind in PATIENT_KINDS])
def test_patient_emails_show_position_clinic_and_contact(language: str, kind: str) -> None:
    expected = EXPECTED.get(language, EXPECTED["en"])
    for context in render.sample_contexts(kind):
        email = _render(kind, language, context)
        clinic = context["clinic"]
        for body in (email.text, _visible(email.html)):
            assert expected["position"].lower() in body.lower()
            assert "Aligner 3" in body
            assert "Anna" in body
            for value in (clinic["name"], clinic["phone"], clinic["email"], clinic["address"]):
                assert value in body
            assert f"{expected['phone']} {clinic['phone']}" in body
            assert f"{expected['email']} {clinic['email']}" in body
        assert f'href="mailto:{clinic["email"]}"' in email.html


@pytest.mark.parametrize("language", LANGUAGES)
def test_step_started_shows_the_formatted_start_and_due_dates(language: str) -> None:
    expected = EXPECTED.get(language, EXPECTED["en"])
    email = _render(render.STEP_STARTED, language,
                    render.sample_contexts(render.STEP_STARTED)[0])
    for body in (email.text, _visible(email.html)):
        assert expected["due"] in body
        assert expected["start"] in body
        assert "2026-03-15" not in body  # formatted for people, not ISO
        assert "14" in body and "Wear your aligners 22 hours a day." in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_step_finished_names_the_next_step_or_the_end_of_the_plan(language: str) -> None:
    expected = EXPECTED.get(language, EXPECTED["en"])
    with_next, last = render.sample_contexts(render.STEP_FINISHED)[:2]
    email = _render(render.STEP_FINISHED, language, with_next)
    for body in (email.text, _visible(email.html)):
        assert expected["next"].lower() in body.lower() and "Aligner 4" in body
    email = _render(render.STEP_FINISHED, language, last)
    for body in (email.text, _visible(email.html)):
        assert "Aligner 4" not in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_doctor_digest_lists_everyone_with_formatted_dates(language: str) -> None:
    expected = EXPECTED.get(language, EXPECTED["en"])
    full, empty = render.sample_contexts(render.DOCTOR_DIGEST)
    email = _render(render.DOCTOR_DIGEST, language, full)
    for body in (email.text, _visible(email.html)):
        for value in ("P00123", "Anna Weber", "Aligner 4", "P00077", "Jonas Rossi",
                      expected["late_due"], "P00090", "Lena Novak", "Dr. Ben Okafor"):
            assert value in body
    email = _render(render.DOCTOR_DIGEST, language, empty)
    assert "(0)" in email.text and "(0)" in _visible(email.html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_doctor_progress_tells_the_plan_state(language: str) -> None:
    ongoing, finished = render.sample_contexts(render.DOCTOR_PROGRESS)[:2]
    ongoing_email = _render(render.DOCTOR_PROGRESS, language, ongoing)
    finished_email = _render(render.DOCTOR_PROGRESS, language, finished)
    assert "Aligner 4" in ongoing_email.text and "Aligner 4" in ongoing_email.html
    assert "Aligner 4" not in finished_email.text and "Aligner 4" not in finished_email.html
    assert "P00123" in ongoing_email.text and "Dr. Ben Okafor" in ongoing_email.text


def test_german_text_uses_the_formal_address() -> None:
    for kind in render.KINDS:
        for context in render.sample_contexts(kind):
            email = _render(kind, "de", context)
            for body in (email.subject, email.text, _visible(email.html)):
                assert not re.search(r"\b(du|dich|dir|dein\w*|Liebe\(r\))\b", body,
                                     flags=re.IGNORECASE), (kind, body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_template_talks_about_diagnoses(language: str) -> None:
    for path in (templates_dir() / language).iterdir():
        source = path.read_text(encoding="utf-8").lower()
        assert "diagnos" not in source, path.name


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "kind"), CASES)
def test_html_is_escaped_and_text_is_plain(language: str, kind: str) -> None:
    attack = "<script>alert(1)</script>"
    for context in render.sample_contexts(kind):
        context = copy.deepcopy(context)
        if "patient" in context:
            context["patient"].update(first_name=attack, full_name=attack)
        context["clinic"]["name"] = f"Smith & Jones {attack}"
        email = _render(kind, language, context)
        assert "<script>" not in email.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
        assert "Smith &amp; Jones" in email.html
        assert attack in email.text and "&lt;" not in email.text
        assert "Smith & Jones" in email.text
        if kind in PATIENT_KINDS:
            assert f" {attack}," in email.text  # the greeting, unescaped


def test_subjects_are_not_html_escaped() -> None:
    context = copy.deepcopy(render.sample_contexts(render.STEP_STARTED)[0])
    context["step"]["name"] = "Aligner <3> & more"
    for language in LANGUAGES:
        assert "'Aligner <3> & more'" in _render(render.STEP_STARTED, language, context).subject


# --- broken edits are refused --------------------------------------------------------------


def test_syntax_error_is_refused_with_part_and_line() -> None:
    html = "<p>Hello</p>\n<p>{{ patient.first_name }}</p>\n{% if %}\n"
    with pytest.raises(ValidationError, match=r"^HTML part, line 3: ") as info:
        render.check_template(render.STEP_FINISHED, "en", _sources(html=html))
    assert "expected an expression" in str(info.value).lower()


def test_subject_syntax_error_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"^Subject, line 1: "):
        render.check_template(render.STEP_FINISHED, "en",
                              _sources(subject="Step {{ step.name }"))


def test_unknown_variable_is_refused_with_part_and_line() -> None:
    html = "<p>Hello</p>\n<p>{{ patient.nickname }}</p>\n"
    with pytest.raises(ValidationError, match=r"^HTML part, line 2: .*nickname"):
        render.check_template(render.STEP_FINISHED, "en", _sources(html=html))
    text = "Hello\n\n{{ diagnosis }}\n"
    with pytest.raises(ValidationError, match=r"^Text part, line 3: .*'diagnosis' is undefined"):
        render.check_template(render.STEP_FINISHED, "en", _sources(text=text))


def test_unknown_variable_inside_the_layout_block_is_refused() -> None:
    html = ('{% extends language ~ "/_layout.html.j2" %}\n{% block content %}\n'
            "<p>{{ patient.first_name }}</p>\n<p>{{ step.colour }}</p>\n{% endblock %}\n")
    with pytest.raises(ValidationError, match=r"^HTML part, line 4: .*colour"):
        render.check_template(render.STEP_STARTED, "de", _sources(render.STEP_STARTED, "de",
                                                                  html=html))


def test_a_variable_missing_in_one_sample_branch_is_refused() -> None:
    # The last-step sample has next_step = None: a template that assumes a next step fails.
    text = "Hello\nNext: {{ next_step.name }}\n"
    with pytest.raises(ValidationError, match=r"^Text part, line 2: "):
        render.check_template(render.STEP_FINISHED, "en", _sources(text=text))


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__ }}",
    "{{ patient.__class__ }}",
    "{{ clinic.name.__class__.__base__.__subclasses__() }}",
])
def test_sandbox_escape_is_refused(payload: str) -> None:
    html = f"<p>Hello</p>\n\n{payload}\n"
    with pytest.raises(ValidationError, match=r"^HTML part, line 3: .*unsafe"):
        render.check_template(render.STEP_FINISHED, "en", _sources(html=html))


def test_sandbox_also_holds_when_rendering() -> None:
    # Even a template that bypassed the check cannot reach Python internals when sending.
    from clinic_desktop.errors import ConfigError

    templates = render.TemplateSet({(render.STEP_FINISHED, "en"): _sources(
        text="{{ ''.__class__.__mro__ }}")})
    with pytest.raises(ConfigError, match="unsafe"):
        templates.render(render.STEP_FINISHED, "en",
                         render.sample_contexts(render.STEP_FINISHED)[0])


def test_empty_part_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"HTML part of the step_finished email is empty"):
        render.check_template(render.STEP_FINISHED, "en", _sources(html="  \n"))


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="Unknown email kind"):
        render.check_template("birthday", "en", _sources())


# --- languages -----------------------------------------------------------------------------


@pytest.mark.parametrize("requested", ["fr", "xx", "", None, "EN-gb"])
def test_a_language_without_templates_falls_back_to_english(requested: str | None) -> None:
    assert render.language_for(requested) == "en"
    for kind in render.KINDS:
        for context in render.sample_contexts(kind):
            assert render.TemplateSet().render(kind, requested or "", context) == \
                _render(kind, "en", context)


def test_german_is_used_for_german_patients() -> None:
    assert render.language_for("de") == "de"
    email = _render(render.STEP_STARTED, "de", render.sample_contexts(render.STEP_STARTED)[0])
    assert email.text.startswith("Guten Tag Anna,")
    assert '<html lang="de">' in email.html
