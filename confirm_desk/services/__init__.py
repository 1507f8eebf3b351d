"""Use cases: each takes a Session (or Store) and plain arguments and returns plain values. No Qt."""
