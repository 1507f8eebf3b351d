"""An imported row's fingerprint: BLAKE2b-128 of its field values in registry order (ALL_KEYS) joined by U+001F (a
unit separator cannot occur in a cell). Stored as applicant.import_hash, it tells a re-import which rows the
national system changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import partial

blake2b_128 = partial(hashlib.blake2b, digest_size=16)
hexdigest = hashlib.blake2b.hexdigest


def hash_in_order(ordered: Sequence[str]) -> str:
    """The fingerprint of values already in registry order."""
    return hexdigest(blake2b_128("\x1f".join(ordered).encode()))


def fingerprints(rows: Iterable[Sequence[str]]) -> list[str]:
    """hash_in_order of each row (values in registry order), hashed in C. A value that is not text raises
    TypeError."""
    return [hexdigest(blake2b_128("\x1f".join(row).encode())) for row in rows]
