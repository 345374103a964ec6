"""`python -m clinic_desktop` equals `clinic-desktop`."""

import sys

from clinic_desktop.cli import main

sys.exit(main())
