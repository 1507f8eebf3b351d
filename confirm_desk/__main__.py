"""`python -m confirm_desk` opens the GUI; with arguments it runs the CLI."""

import sys


def _main() -> int:
    if len(sys.argv) > 1:
        from confirm_desk.cli import main

        return main()
    from confirm_desk.app import main as gui_main

    return gui_main()


if __name__ == "__main__":
    sys.exit(_main())
