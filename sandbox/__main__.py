"""`python -m sandbox [--demo] [--port N] [--data DIR]`: see sandbox/run.py."""

import sys

from sandbox.run import main

sys.exit(main())
