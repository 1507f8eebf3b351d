"""Pure-Python domain: fields, statuses, identity rules, automatic checks. No Qt, no SQL, no I/O."""
