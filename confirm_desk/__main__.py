"""`python -m confirm_desk` opens the GUI; with arguments it runs the CLI."""

import sys


def _main() -> int:
    if sys.argv[1:2] == ["--probe-sheet"]:  # the workbook reader's trial run (services/spreadsheets/probe.py)
        from confirm_desk.services.spreadsheets.probe import child_main

        return child_main(sys.argv[2:])
    if len(sys.argv) > 1:
        from confirm_desk.cli import main

        return main()
    from confirm_desk.app import main as gui_main

    return gui_main()


if __name__ == "__main__":
    sys.exit(_main())
