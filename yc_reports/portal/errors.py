"""What the portal tells a user instead of doing what they asked: each carries a Chinese message, and the
request changes nothing. The web layer (app.py) maps each to its page and status."""

from __future__ import annotations

from enum import Enum


class PortalError(Exception):
    """Something the user must be told, in Chinese; the request changes nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(PortalError):
    """No such thing for this user (an unknown link, another unit's upload, an action not theirs)."""


class NotAllowed(PortalError):
    """The account's role may not do this (a 经办人 managing accounts or settings, taking over a colleague)."""


class SubmissionsClosed(PortalError):
    """No quarter is open for submission."""


class BuildBusy(PortalError):
    """A build (or another job) is already running."""


class RefusalKind(str, Enum):
    EMPTY = "empty"
    TOO_LARGE = "too-large"
    NOT_XLSX = "not-xlsx"
    DAMAGED = "damaged"
    QUOTA = "quota"


class UploadRefused(PortalError):
    """A file that is not taken at all (not kept, not checked): empty, too large, or not an .xlsx."""

    def __init__(self, kind: RefusalKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
