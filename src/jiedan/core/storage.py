"""Private file storage: files only their owner (or authorised staff) may fetch.

Public media (avatars, watermarked previews) use the default storage. Private files (portfolio
originals, identity documents) use ``STORAGES["private"]`` — a folder outside ``MEDIA_ROOT``
locally, a non-public prefix with short-lived signed URLs on S3 — and are served only through
views that check access.
"""

from django.core.files.storage import FileSystemStorage, storages


def private_storage():
    """For ``FileField(storage=private_storage)``: a callable keeps the deploy's storage choice
    out of migrations (Django resolves it once, when models load)."""
    return storages["private"]


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private storage: files have no URL at all, only access-checked views serve them."""

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a view")
