"""Expected problems, each carrying a plain Chinese message that can be shown as it is."""


class KnownError(Exception):
    """An expected problem; `str(err)` is a message for the clerk."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileRefused(KnownError):
    """The whole file cannot be used (unreadable, no header...); nothing was changed."""


class RuleViolation(KnownError):
    """An action breaks a confirmation rule (draft decided, certificate on record edited...)."""


class NotFound(KnownError):
    """The named applicant or record does not exist."""


class Cancelled(Exception):
    """The user cancelled a long job; the transaction is rolled back quietly."""


class StaleRecord(KnownError):
    """Another seat changed the record since it was opened (optimistic locking)."""


class PhotoRefused(KnownError):
    """A photo cannot be used (not an image, truncated, too many pixels, far too small...)."""
