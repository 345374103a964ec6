"""Console input and output that work without a terminal and on any Windows code page."""

from __future__ import annotations

import codecs
import getpass
import json
import os
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any

from clinic_desktop.errors import ValidationError

READABLE = "clinic-readable"
"""The codecs error handler for stdout and stderr: a character the console's code page lacks
is written as its nearest plain letters ("Yılmaz" → "Yilmaz", "→" → "->"), else as "?"."""

# Signs and letters that NFKD does not split into a base letter and an accent.
_NEAREST = str.maketrans({
    "→": "->", "←": "<-", "⇒": "=>", "↔": "<->", "–": "-", "—": "-", "‑": "-", "−": "-",
    "‘": "'", "’": "'", "‚": ",", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "‹": "'", "›": "'", "…": "...", "•": "*", "·": ".", "×": "x", "≤": "<=", "≥": ">=",
    "≠": "!=", "✓": "v", "\u00a0": " ", "\u202f": " ",
    "ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ħ": "h",
    "Ħ": "H",
})


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def nearest_text(char: str, encoding: str) -> str:
    """What to write for one character `encoding` cannot hold."""
    without_accents = "".join(c for c in unicodedata.normalize("NFKD", char)
                              if not unicodedata.combining(c))
    for candidate in (char.translate(_NEAREST), without_accents):
        if candidate != char and _encodable(candidate, encoding):
            return candidate
    return "?"


def _readable(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(nearest_text(c, error.encoding) for c in text), error.end


codecs.register_error(READABLE, _readable)


def prepare_console() -> None:
    """Let stdout and stderr print any name or sign, whatever the console's encoding.

    A Windows console redirected to a file writes the ANSI code page (cp1252 in western
    Europe): "Yılmaz" or "→" would stop the command with UnicodeEncodeError. The encoding
    stays what the console or the user chose; only characters it lacks are replaced, so a
    UTF-8 console keeps every character.
    """
    if ":" in os.environ.get("PYTHONIOENCODING", "").rstrip(":"):
        return  # the user chose an error handler (e.g. cp1252:replace); keep it
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        # pythonw has no streams; a UTF-8 stream already writes everything. (Windows gives
        # redirected stdio the surrogateescape handler whatever the code page, so the handler
        # alone says nothing: "Yılmaz" into a cp1252 file still failed with it.)
        if reconfigure is None or _holds_every_character(stream):
            continue
        try:
            reconfigure(errors=READABLE)
        except (ValueError, OSError):
            continue  # a closed or unusual stream: leave it as it is


def _holds_every_character(stream: Any) -> bool:
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name \
            .startswith("utf")
    except LookupError:
        return False


def json_text(data: Any) -> str:
    """JSON for stdout: names as themselves on a UTF-8 console; as \\u escapes (the same data
    for any JSON reader) when the console's code page could not hold every character."""
    return json.dumps(data, indent=2, ensure_ascii=not _holds_every_character(sys.stdout))


def write_json_list(head: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """print(json_text({**head, key: list(items)})), the same text written item by item: a
    list of 100,000 patients never sits in memory. `key` is the object's last field."""
    ensure_ascii = not _holds_every_character(sys.stdout)
    opening, closing = json.dumps({**head, key: []}, indent=2,
                                  ensure_ascii=ensure_ascii).rsplit("[]", 1)
    out = sys.stdout
    written = 0
    for item in items:
        out.write(",\n    " if written else opening + "[\n    ")
        out.write(json.dumps(item, indent=2, ensure_ascii=ensure_ascii).replace("\n", "\n    "))
        written += 1
    out.write("\n  ]" if written else opening + "[]")
    out.write(closing + "\n")


def read_password(prompt: str, *, from_stdin: bool, confirm: bool = False) -> str:
    """The password typed at the terminal (hidden), or the first line of standard input
    with --stdin or when there is no terminal (a pipe, a script, Task Scheduler)."""
    stdin = sys.stdin
    if stdin is None or stdin.closed:
        raise ValidationError("No password was given: there is no terminal to type it in and "
                              "no standard input. Pipe it in and add --stdin.")
    if from_stdin or not stdin.isatty():
        password = stdin.readline().rstrip("\r\n")
        if not password.strip():
            raise ValidationError("The password is empty: the first line of standard input "
                                  "must hold it. Nothing was stored.")
        return password
    try:
        password = getpass.getpass(prompt)
        if not password.strip():
            raise ValidationError("The password is empty; nothing was stored.")
        if confirm and getpass.getpass("Once more: ") != password:
            raise ValidationError("The two passwords differ; nothing was stored.")
    except EOFError:
        raise ValidationError("No password was typed; nothing was stored.") from None
    return password
