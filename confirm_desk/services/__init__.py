"""Use cases, no Qt. One calling convention: a service takes a `Session` and plain values and returns a small
result (a dataclass of counts, ids, row errors — never ORM objects); it works inside the caller's transaction.
The few that need transactions of their own (an import, a batch export, a photo batch, the day pack, a backup,
a log-in that must count a failure) say so by taking the `Store` instead, and commit or roll back themselves.
Who acted is an `Actor` or a user name (`confirm_desk.domain.actors`)."""
