"""`python -m chandong_tui` runs the same entry point as the `chandong` command."""

from chandong_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
