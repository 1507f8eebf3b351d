"""Photo work for the dialogs: read a photo to crop, save a crop, normalise a batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from confirm_desk.domain.photo_frame import Frame
from confirm_desk.services.photo_normalize import NormalizedPhoto, upright_preview
from confirm_desk.services.photos import (
    NormalizeBatchResult,
    PhotoSource,
    get_photo_source,
    normalize_all,
    normalize_applicant_photo,
)
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store

VIEW_MAX_SIDE = 1600  # the dialog shows at most this many pixels; the crop itself uses the full photo


def load_photo_source(store: Store, applicant_id: int) -> PhotoSource:
    with store.session() as session:
        return get_photo_source(session, applicant_id)


def view_image(source: PhotoSource):  # noqa: ANN201
    """The upright photo for display (a Pillow RGB image) and its full upright size."""
    return upright_preview(source.original, VIEW_MAX_SIDE)


def save_photo_crop(store: Store, applicant_id: int, frame: Frame, rotation: int,
                    operator: str) -> NormalizedPhoto:
    with store.session() as session:
        return normalize_applicant_photo(session, applicant_id, frame, rotation, operator)


def normalize_photos_job(store: Store, applicant_ids: Sequence[int] | None,
                         operator: str) -> Callable[[ProgressFn], NormalizeBatchResult]:
    """The batch as a JobRunner work function (it runs off the GUI thread with its own session)."""
    ids = list(applicant_ids) if applicant_ids is not None else None

    def work(progress: ProgressFn) -> NormalizeBatchResult:
        return normalize_all(store, ids, progress, operator)

    return work
