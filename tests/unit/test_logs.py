"""What reaches staff's screen from the logging set-up, and what only the log file keeps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from servers import LOG_WRITER


def test_library_warnings_go_to_the_log_file_not_to_the_terminal(tmp_path: Path) -> None:
    # A damaged photo makes Pillow warn ("Corrupt EXIF data") before our own sentence says
    # that it was refused; staff should see the sentence only.
    script = (
        "import warnings, logging\n"
        "from pathlib import Path\n"
        "from clinic_desktop.logs import configure_logging\n"
        f"configure_logging(Path({str(tmp_path)!r}))\n"
        "warnings.warn('Corrupt EXIF data.  Expecting to read 2 bytes but only got 0.')\n"
        "logging.getLogger('clinic_desktop').warning('shown to staff')\n"
        "logging.shutdown()\n")
    result = subprocess.run([sys.executable, "-W", "default", "-c", script],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "Corrupt EXIF" not in result.stderr
    assert "shown to staff" in result.stderr
    logged = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.log*"))
    assert "Corrupt EXIF data" in logged


def check_shared_log(folder: Path, writers: list[str], lines_each: int) -> None:
    """Every line of every writer is in the log files exactly once, none is beyond its size."""
    files = sorted(folder.glob("clinic-desktop.log*"))
    logs = [f for f in files if not f.name.endswith(".lock")]
    assert len(logs) > 5, "the log should have rotated several times"
    for path in logs:
        assert path.stat().st_size <= 20_000, path
    seen = [line.split(" x")[0].split(" ", 1)[1] for path in logs
            for line in path.read_text(encoding="utf-8").splitlines()]
    expected = [f"{name} line {n:04d}" for name in writers for n in range(lines_each)]
    assert sorted(seen) == sorted(expected)


def test_two_processes_share_one_log_and_it_rotates_without_losing_a_line(
        tmp_path: Path) -> None:
    lines_each = 600
    processes = [subprocess.Popen([sys.executable, "-c", LOG_WRITER, str(tmp_path), name,
                                   str(lines_each)], stderr=subprocess.PIPE, text=True)
                 for name in ("window", "notifier")]
    for process in processes:
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0 and err == "", err
    check_shared_log(tmp_path, ["window", "notifier"], lines_each)
