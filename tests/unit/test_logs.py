"""What reaches staff's screen from the logging set-up, and what only the log file keeps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
