"""The CLI start-up floor: the interpreter, sqlite3 and an argument parser — what `--version` needs at most."""

import argparse
import sqlite3  # noqa: F401  (the floor includes the database driver's import)

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="confirm-desk")
    parser.add_argument("--version", action="store_true")
    parser.parse_args(["--version"])
    print("ConfirmDesk")
