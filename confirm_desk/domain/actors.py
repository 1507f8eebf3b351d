"""Who acts: every decision, edit and export is recorded under an operator's user name."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Actor(Protocol):
    """A logged-in operator as the services need it: the name recorded with each change
    (services.accounts.Account is one)."""

    @property
    def username(self) -> str: ...


# Services that record who acted take the logged-in Actor, or a user name (scripts, the command line).
ActorLike = Actor | str


def actor_name(who: ActorLike | None) -> str:
    """The user name recorded for `who` ("" when nobody is logged in: the service then refuses)."""
    if who is None:
        return ""
    return who if isinstance(who, str) else who.username
