"""`status` streams patient by patient: its JSON is the same text json_text would write for
the whole list, on a UTF-8 console and on a Windows code page, and its table stays aligned
when the longest name comes last."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from clinic_desktop.cli.console import json_text, write_json_list

ITEMS = [{"code": "P1", "name": "Jürgen Groß", "steps": [{"order": 1, "state": "due"}]},
         {"code": "P2", "name": "小龍 李", "steps": []},
         {"code": "P3", "name": "Ђорђе", "email": None, "steps": [{"a": [1, {"b": "→"}]}]}]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_streamed_json_is_the_text_json_text_writes_for_the_whole_list(
        monkeypatch: pytest.MonkeyPatch, encoding: str, count: int) -> None:
    head = {"today": "2026-11-25"}
    stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    monkeypatch.setattr(sys, "stdout", stream)
    expected = json_text({**head, "patients": ITEMS[:count]}) + "\n"

    write_json_list(head, "patients", iter(ITEMS[:count]))

    stream.flush()
    written = stream.buffer.getvalue().decode(encoding)  # type: ignore[attr-defined]
    assert written == expected
    assert json.loads(written)["patients"] == ITEMS[:count]


def test_the_status_table_is_aligned_though_the_longest_name_comes_last(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from clinic_desktop.app import open_app
    from clinic_desktop.cli import main
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import PatientInput, add_patient
    from clinic_desktop.domain.plans import StepSpec, apply_plan, create_template

    app = open_app(tmp_path / "data", None, log_to_file=False)
    with write_session(app.sessions) as session:
        short = create_template(session, "Short", [StepSpec("Aligner", 14, "")])
        long = create_template(session, "Long", [StepSpec("A much longer step name", 14, "")]
                               + [StepSpec("Aligner", 14, "")] * 11)
        for code, last, plan in (("A1", "Li", short),
                                 ("A2", "Wolfeschlegelsteinhausenbergerdorff", long)):
            patient = add_patient(session, PatientInput(code, "Anna", last, "", "", False))
            apply_plan(session, patient, plan, date(2026, 11, 16))
    app.close()

    assert main(["--data-dir", str(tmp_path / "data"), "status", "--today", "2026-11-25"]) == 0

    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("code"))
    table = lines[header:header + 4]
    columns = [line.index("due") for line in table[:1]] + \
        [line.index("2026-") for line in table[2:]]
    assert len(set(columns)) == 1, "\n".join(table)
    assert "1/12 A much longer step name" in table[3]
