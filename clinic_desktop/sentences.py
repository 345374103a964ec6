"""The sentences the Qt-free core writes for people, each made from a template registered here.

The command line, the log and the database get the English sentence, as always. The window
recognises a sentence by its template, takes its facts back out and says them in the app's
language (`clinic_desktop.ui.words.core_text`). A stored sentence (an email's problem, why a
photo waits in the inbox, a job's summary) is shared by PCs that speak different languages,
so each PC phrases it when showing it; one stored before its template existed stays English.

Facts are plain {names}, formatted by the caller; a number is named `n` or `n_…`, a setting's
key `setting` or `setting_…` (each is recognised by its shape). A module that speaks defines
its sentences once, at import:

    _NOT_FOUND = sentence(QT_TRANSLATE_NOOP("core", "The mail server {host} was not found."))
    raise SmtpSetupError(_NOT_FOUND(host=host))

and is named in SPEAKERS, so that the window knows its templates before it meets a sentence.
"""

from __future__ import annotations

import importlib
import re
from string import Formatter

CONTEXT = "core"  # the translation context of every template (resources/translations)

# Modules whose sentences reach the window; importing them registers their templates.
SPEAKERS = (
    "clinic_desktop.errors",
    "clinic_desktop.settings",
    "clinic_desktop.scheduler",
    "clinic_desktop.health",
    "clinic_desktop.notify.smtp",
    "clinic_desktop.notify.delivery",
    "clinic_desktop.notify.outbox",
    "clinic_desktop.domain.email_actions",
    "clinic_desktop.photos.image",
    "clinic_desktop.photos.importer",
    "clinic_desktop.photos.inbox",
    "clinic_desktop.notify.servers",
    "clinic_desktop.mail.imap",
    "clinic_desktop.mail.poll",
    "clinic_desktop.domain.progression",
    "clinic_desktop.domain.patient_page",
    "clinic_desktop.domain.photo_sets",
    "clinic_desktop.domain.steps",
    "clinic_desktop.domain.plans",
    "clinic_desktop.domain.patients",
    "clinic_desktop.domain.reminders",
    "clinic_desktop.photos.watch",
    "clinic_desktop.notify.render",
    "clinic_desktop.secrets",
    "clinic_desktop.db.engine",
    "clinic_desktop.db.backup",
    "clinic_desktop.notify.message",
    "clinic_desktop.photos.library",
)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for pyside6-lupdate, which finds the call by this name, as it finds Qt's
    own (the core cannot import Qt's)."""
    return text


# What some facts look like, by their name: a number ({n}, {n_steps}) is digits, so "{n} sent"
# is not "the email was not sent"; a setting ({setting}, {setting_other}) is a key.
_SHAPES = {"n": r"\d+", "setting": r"[a-z][a-z_]*(?:\.[a-z_]+)+"}
_START = 3  # templates are looked up by this many first letters


def _shape(name: str) -> str:
    return _SHAPES.get(name.split("_")[0], ".+?")


class Sentence:
    """An English template with {named} facts; called with the facts, it is the sentence."""

    def __init__(self, template: str):
        pieces = list(Formatter().parse(template))
        pattern, fields = [], []
        for literal, name, spec, conversion in pieces:
            pattern.append(re.escape(literal))
            if name is None:
                continue
            if not name.isidentifier() or spec or conversion:
                raise ValueError(f"{template!r}: facts are plain {{names}}, formatted by the "
                                 "caller")
            pattern.append(f"(?P={name})" if name in fields else f"(?P<{name}>{_shape(name)})")
            fields.append(name)
        if not "".join(literal for literal, *_ in pieces).strip():
            raise ValueError(f"{template!r}: a sentence needs words of its own")
        self.template = template
        self.facts = tuple(dict.fromkeys(fields))
        # Cheap checks before the pattern: most texts are told apart by how they start or end.
        self._head = pieces[0][0]
        self.start = self._head[:_START]
        self._tail = pieces[-1][0] if pieces[-1][1] is None else ""
        self.words = sum(len(literal) for literal, *_ in pieces)  # how specific it is
        self._pattern = re.compile("".join(pattern) + r"\Z", re.DOTALL)

    def __call__(self, **facts: object) -> str:
        return self.template.format(**facts)

    def __repr__(self) -> str:
        return f"Sentence({self.template!r})"

    def facts_in(self, text: str) -> dict[str, str] | None:
        """The facts `text` was made from, when this template made it."""
        if len(text) < self.words or not text.startswith(self._head) or \
                not text.endswith(self._tail):
            return None
        found = self._pattern.match(text)
        return found.groupdict() if found else None


_REGISTERED: list[Sentence] = []
_by_words: list[Sentence] = []
# The templates by the first letters of their words (a template that starts with a fact is
# under ""): a text is tried against a handful of them, not all.
_by_start: dict[str, list[Sentence]] = {}
_speakers_heard = False


def sentence(template: str) -> Sentence:
    """A sentence of the core, known to the window from now on."""
    made = Sentence(template)
    _REGISTERED.append(made)
    return made


def every_sentence() -> list[Sentence]:
    """Every template of the SPEAKERS, those with the most words of their own first: where
    two templates could have made a text, the more specific one did."""
    global _by_words, _by_start, _speakers_heard
    if not _speakers_heard:
        for module in SPEAKERS:
            importlib.import_module(module)
        _speakers_heard = True
    if len(_by_words) != len(_REGISTERED):
        _by_words = sorted(_REGISTERED, key=lambda known: -known.words)
        _by_start = {}
        for known in _by_words:
            _by_start.setdefault(known.start, []).append(known)
    return _by_words


def recognise(text: str) -> tuple[Sentence, dict[str, str]] | None:
    """The template that made `text` and its facts (as text), or None for a text the core
    did not make from a template (a server's own words, a file name, an older sentence)."""
    every_sentence()
    heads = {text[:length] for length in range(_START + 1)}
    for known in sorted((k for head in heads for k in _by_start.get(head, ())),
                        key=lambda known: -known.words):
        facts = known.facts_in(text)
        if facts is not None:
            return known, facts
    return None
