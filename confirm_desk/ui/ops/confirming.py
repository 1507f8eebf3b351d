"""Confirming for the UI: load and save the check dialog, seat claims, the read-only detail, follow-up."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from confirm_desk.domain.actors import ActorLike
from confirm_desk.domain.errors import KnownError
from confirm_desk.services import settings
from confirm_desk.services.applicants.listing import ApplicantDetail, distinct_values, get_detail
from confirm_desk.services.confirming import seats
from confirm_desk.services.confirming.confirmation import CheckInput, CheckState, SaveResult, load_check, save_check
from confirm_desk.services.confirming.follow_up import (
    DEADLINE_DAYS,
    FollowUpRow,
    deadline_days,
    incomplete_applicants,
    materials_arrived,
)
from confirm_desk.store.db import Store

log = logging.getLogger(__name__)


def load_for_check(store: Store, applicant_id: int) -> tuple[CheckState, list[str]]:
    """What the check dialog shows, and the confirmation points to choose from."""
    with store.session() as session:
        return load_check(session, applicant_id), list(distinct_values(session, "confirmation_point"))


def save(store: Store, applicant_id: int, data: CheckInput, operator: ActorLike, version: int) -> SaveResult:
    """StaleRecord when another seat saved first (nothing written)."""
    with store.session() as session:
        return save_check(session, applicant_id, data, operator, version)


def claim_seat(store: Store, applicant_id: int, operator: ActorLike) -> list[seats.Holder] | None:
    """Claim the applicant for this seat; the other seats that have it open. None when the store could not
    be reached: a claim is advice to the clerks, never a reason to stop checking (logged, tried again)."""
    try:
        with store.session() as session:
            return seats.claim(session, applicant_id, operator)
    except (KnownError, SQLAlchemyError):
        log.warning("could not renew the claim on applicant %s", applicant_id, exc_info=True)
        return None


def release_seat(store: Store, applicant_id: int, operator: ActorLike) -> None:
    """Give the claim up (a failure is logged: the claim expires by itself)."""
    try:
        with store.session() as session:
            seats.release(session, applicant_id, operator)
    except (KnownError, SQLAlchemyError):
        log.warning("could not release the claim on applicant %s", applicant_id, exc_info=True)


def load_detail(store: Store, applicant_id: int) -> ApplicantDetail:
    with store.session() as session:
        return get_detail(session, applicant_id)


def follow_up_days(store: Store) -> int:
    with store.session() as session:
        return deadline_days(session)


def follow_up_rows(store: Store) -> list[FollowUpRow]:
    with store.session() as session:
        return incomplete_applicants(session)


def save_follow_up_days(store: Store, days: int, operator: str) -> None:
    with store.session() as session:
        settings.save(session, {DEADLINE_DAYS: days}, operator)


def record_materials(store: Store, applicant_id: int, ticked: Sequence[str], operator: ActorLike,
                     version: int) -> None:
    with store.session() as session:
        materials_arrived(session, applicant_id, list(ticked), operator, version)
