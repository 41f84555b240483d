from kafkatui.cli.main import main

raise SystemExit(main())
