"""Start Clinic Desktop from a source checkout: `python main.py` equals `clinic-desktop`."""

import sys

from clinic_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
