from qwb.cli import main

raise SystemExit(main())
