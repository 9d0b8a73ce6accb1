"""Allow `python -m cdiscmm`."""

from cdiscmm.cli import main

raise SystemExit(main())
