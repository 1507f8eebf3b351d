"""Keying into the national system (国家系统录入) and verifying it against the next national export (issue 21)."""
