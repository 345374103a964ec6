"""Benchmark `status --json` on a clinic group's database against its floor: plain sqlite3 and
json streaming the same rows to the same text.

Both run as child processes, one after the other, on the same SQLite file; each child's CPU
time and peak memory come from the operating system (os.wait4, so POSIX only). The floor is
what a programmer would write by hand with no framework: one query over patients and their
steps in code order, the seed's rules inline, one json.dumps per patient. Its output is
checked to be byte-for-byte ours, so both did the same work.

    python bench/status.py [--patients 100000] [--db FILE]

RESULT status_json ours=<CPU s> baseline=<floor CPU s> ratio=<floor/ours> (aim >= 0.5), and a
second line for the peak memory (aim < 150 MB at 100,000 patients).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2025, 6, 2)

FLOOR = r'''
import json, sqlite3, sys
from datetime import date
today = date.fromisoformat(sys.argv[2])
db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    "SELECT p.id, p.code, p.first_name, p.last_name, p.email, s.\"order\", s.name, "
    "s.start_date, s.duration_days, s.due_date, s.is_active, s.is_completed, s.is_skipped, "
    "s.notification_sent, s.paused_until FROM patient p LEFT JOIN treatment_step s "
    "ON s.patient_id = p.id ORDER BY p.code, s.\"order\"")
out = sys.stdout
def dumps(item):
    return json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n    ")
def finish(patient):
    out.write((",\n    " if finish.count else
               '{\n  "today": "' + today.isoformat() + '",\n  "patients": [\n    '))
    out.write(dumps(patient))
    finish.count += 1
finish.count = 0
current = None
patient = None
for (pid, code, first, last, email, order, name, start, days, due, active, completed,
     skipped, sent, paused) in rows:
    if pid != current:
        if patient is not None:
            finish(patient)
        current = pid
        patient = {"code": code, "name": f"{first} {last}".strip(), "email": email,
                   "steps": []}
    if order is None:
        continue
    due_day = date.fromisoformat(due) if due else None
    start_day = date.fromisoformat(start) if start else None
    is_paused = paused is not None and date.fromisoformat(paused) > today
    finished = bool(active and not completed and due_day is not None and not is_paused
                    and today >= due_day)
    if completed:
        state = "skipped" if skipped else "completed"
    elif not active:
        state = "pending"
    elif start_day is not None and start_day > today:
        state = "scheduled"
    elif is_paused:
        state = "paused"
    else:
        state = "due" if finished else "active"
    patient["steps"].append({"order": order, "name": name, "start_date": start,
                             "duration_days": days, "due_date": due,
                             "is_active": bool(active), "is_completed": bool(completed),
                             "is_finished": finished, "notification_sent": bool(sent),
                             "state": state})
if patient is not None:
    finish(patient)
out.write("\n  ]\n}\n" if finish.count else
          '{\n  "today": "' + today.isoformat() + '",\n  "patients": []\n}\n')
'''


def build(db: Path, patients: int) -> None:
    from clinic_desktop.app import open_app
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.demo import build_demo

    app = open_app(db.parent / "data", f"sqlite:///{db.as_posix()}", log_to_file=False)
    with write_session(app.sessions) as session:
        build_demo(session, TODAY, patients)
    app.close()


# Started from a small launcher: Linux counts a child's peak memory from its parent's at fork,
# and this bench's own process is large after building the clinic.
LAUNCHER = r'''
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(status, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, file=sys.stderr)
'''


def measure(command: list[str], output: Path) -> tuple[float, float]:
    """(CPU seconds, peak memory MB) of one child process writing to `output`."""
    with output.open("wb") as out:
        launched = subprocess.run([sys.executable, "-c", LAUNCHER, *command], stdout=out,
                                  stderr=subprocess.PIPE, check=True,
                                  env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    status, cpu, peak_kb = launched.stderr.decode().split()
    if status != "0":
        raise SystemExit(f"{command[:6]} failed (status {status})")
    return float(cpu), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse (or make) this SQLite file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-status-"))
    db = args.db or work / "clinic.sqlite3"
    if not db.exists():
        started = time.perf_counter()
        build(db, args.patients)
        print(f"built {args.patients:,} patients in {time.perf_counter() - started:.0f} s")
    ours_cmd = [sys.executable, "-m", "clinic_desktop", "--data-dir", str(work / "data"),
                "--db", f"sqlite:///{db.as_posix()}", "status", "--json",
                "--today", TODAY.isoformat()]
    floor_cmd = [sys.executable, "-c", FLOOR, str(db), TODAY.isoformat()]
    ours_out, floor_out = work / "ours.json", work / "floor.json"
    # Interleaved, best of three each: the least disturbed run on a shared machine.
    ours, floor = [], []
    for _ in range(3):
        ours.append(measure(ours_cmd, ours_out))
        floor.append(measure(floor_cmd, floor_out))
    same = hashlib.sha256(ours_out.read_bytes()).digest() == \
        hashlib.sha256(floor_out.read_bytes()).digest()
    print(f"output: {ours_out.stat().st_size / 1e6:.1f} MB, identical to the floor's: {same}")
    if not same:
        raise SystemExit("the floor does not write what status --json writes")
    cpu, memory = min(c for c, _ in ours), max(m for _, m in ours)
    floor_cpu, floor_memory = min(c for c, _ in floor), max(m for _, m in floor)
    print(f"peak memory: ours {memory:.0f} MB, floor {floor_memory:.0f} MB")
    print(f"RESULT status_json_memory ours={memory:.0f}MB baseline={floor_memory:.0f}MB "
          f"ratio={floor_memory / memory:.2f}")
    print(f"RESULT status_json ours={cpu:.2f}s baseline={floor_cpu:.2f}s "
          f"ratio={floor_cpu / cpu:.2f}")


if __name__ == "__main__":
    main()
