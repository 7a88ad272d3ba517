"""Writes for privacy: the person's choices (``choices``), data exports (``exports``) and
account deletion (``erasure``). Each module states its rules."""

from .choices import privacy_settings_update
from .erasure import account_delete, identifier_scrubs_resume, identifiers_scrub
from .exports import data_export_build, data_export_request, data_exports_expire

__all__ = [
    "account_delete",
    "data_export_build",
    "data_export_request",
    "data_exports_expire",
    "identifier_scrubs_resume",
    "identifiers_scrub",
    "privacy_settings_update",
]
