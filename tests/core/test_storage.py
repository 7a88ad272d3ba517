from django.core.files.base import ContentFile

from jiedan.core.storage import private_storage


def test_private_files_have_no_public_url():
    # given a file in private storage
    storage = private_storage()
    name = storage.save("probe/secret.txt", ContentFile(b"secret"))
    try:
        # then asking for its URL fails instead of pointing under MEDIA_URL
        try:
            storage.url(name)
        except ValueError:
            pass
        else:
            raise AssertionError("a private file got a URL")
    finally:
        storage.delete(name)
