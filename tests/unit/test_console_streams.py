"""Output redirected to a file on Windows: the ANSI code page (cp1252) with the surrogateescape
handler CPython gives redirected stdio there. A name the code page lacks is written as its
nearest letters, never a UnicodeEncodeError."""

from __future__ import annotations

import io
import sys

import pytest

from clinic_desktop.cli.console import prepare_console


@pytest.mark.parametrize("errors", ["strict", "surrogateescape", "backslashreplace"])
def test_a_cp1252_stream_prints_any_name(monkeypatch: pytest.MonkeyPatch, errors: str) -> None:
    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    stream = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", errors=errors)
    monkeypatch.setattr(sys, "stdout", stream)

    prepare_console()
    print("Yılmaz → Jürgen")

    stream.flush()
    assert stream.buffer.getvalue().decode("cp1252") == "Yilmaz -> Jürgen\n"  # type: ignore[attr-defined]


def test_a_utf8_stream_keeps_every_character(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr(sys, "stdout", stream)

    prepare_console()
    print("Yılmaz → 王")

    stream.flush()
    assert stream.buffer.getvalue().decode("utf-8") == "Yılmaz → 王\n"  # type: ignore[attr-defined]
