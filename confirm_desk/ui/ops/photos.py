"""Photo work for the dialogs: read a photo to crop, save a crop, normalise a batch, review, print."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from confirm_desk.domain.errors import KnownError
from confirm_desk.domain.photo_checks import Preset
from confirm_desk.domain.photo_frame import Frame
from confirm_desk.services.photos.applicant_photos import (
    NormalizeBatchResult,
    PhotoSource,
    get_photo_source,
    normalize_all,
    normalize_applicant_photo,
)
from confirm_desk.services.photos.normalize import NormalizedPhoto, upright_preview
from confirm_desk.services.photos.presets import active_preset, load_presets, set_active_preset
from confirm_desk.services.photos.review import ReviewItem, photo_bytes, review_items
from confirm_desk.services.photos.sheet import SheetResult, write_contact_sheet
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store

VIEW_MAX_SIDE = 1600  # the dialog shows at most this many pixels; the crop itself uses the full photo


def load_photo_source(store: Store, applicant_id: int) -> PhotoSource:
    with store.session() as session:
        return get_photo_source(session, applicant_id)


def view_image(source: PhotoSource):
    """The upright photo for display (a Pillow RGB image) and its full upright size."""
    return upright_preview(source.original, VIEW_MAX_SIDE)


def faces_in_view(view, upright: tuple[int, int]) -> list[Frame]:
    """Faces on the dialog's upright view, in full upright pixels (empty when detection fails:
    the dialog then opens with the default frame, as before)."""
    from confirm_desk.services.photos.faces import detect_faces

    try:
        found = detect_faces(view)
    except KnownError:
        return []
    k = upright[0] / view.width
    return [Frame(f.x * k, f.y * k, f.w * k, f.h * k) for f in found]


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


def load_review(store: Store) -> list[ReviewItem]:
    with store.session() as session:
        return review_items(session)


def load_review_photos(store: Store, applicant_ids: Sequence[int]) -> dict[int, tuple[bytes, bool]]:
    with store.session() as session:
        return photo_bytes(session, applicant_ids)


def presets_and_active(store: Store) -> tuple[tuple[Preset, ...], Preset]:
    with store.session() as session:
        return load_presets(), active_preset(session)


def choose_preset(store: Store, key: str) -> Preset:
    with store.session() as session:
        return set_active_preset(session, key)


def auto_crop_job(store: Store, operator: str) -> Callable[[ProgressFn], NormalizeBatchResult]:
    """Every photo not yet normalised, face-centred (a crop a clerk chose is kept)."""
    return normalize_photos_job(store, None, operator)


def contact_sheet_job(store: Store, out: str, only_problems: bool) -> Callable[[ProgressFn], SheetResult]:
    def work(progress: ProgressFn) -> SheetResult:
        return write_contact_sheet(store, out, only_problems, progress)

    return work
