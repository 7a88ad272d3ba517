"""The country an address is in, for the device records and the new-country rule.

Two sources, the first that answers wins: the two-letter code a proxy or CDN in front of the
site puts in a header (``JIEDAN_TRUST_COUNTRY_HEADER``, e.g. ``CF-IPCountry``), then a
country database in the MaxMind format (``.mmdb``: GeoLite2-Country, DB-IP's IP to Country
Lite, …) that the operator downloads and names in ``JIEDAN_GEOIP_COUNTRY_DB``. The database
is opened once per process and again when the file is replaced (a monthly update: write the
new file beside it and rename it over the old one, never overwrite it in place). Without
either, or for a private address, the country is unknown (empty), and the rules that use it
look at the device alone. A database that cannot be read is logged, never
an error for the person signing in.
"""

import logging
import os
import threading

import maxminddb
from django.conf import settings

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_opened: dict[str, tuple[tuple[int, int, int], maxminddb.Reader]] = {}
UNKNOWN = {"XX"}  # a proxy's "country not known"


def request_country(request) -> str:
    """The two-letter country of ``request``'s client, upper case, or ``""``."""
    header = settings.JIEDAN_TRUST_COUNTRY_HEADER
    if header:
        code = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip().upper()
        if len(code) == 2 and code.isalpha() and code not in UNKNOWN:
            return code
    return address_country(request.META.get("REMOTE_ADDR") or "")


def address_country(address: str) -> str:
    """The two-letter country of ``address`` in the country database, or ``""``."""
    path = settings.JIEDAN_GEOIP_COUNTRY_DB
    if not path or not address:
        return ""
    try:
        record = _reader(path).get(address)
    except ValueError:  # not an address
        return ""
    except FileNotFoundError:
        logger.warning("the country database %s is missing", path)
        return ""
    except (OSError, maxminddb.InvalidDatabaseError):
        logger.exception("the country database %s cannot be read", path)
        return ""
    return _iso_code(record)


def _iso_code(record) -> str:
    if not isinstance(record, dict):
        return ""
    for key in ("country", "registered_country"):
        code = (record.get(key) or {}).get("iso_code") or ""
        if len(code) == 2:
            return code.upper()
    return ""


def _reader(path: str) -> maxminddb.Reader:
    found = os.stat(path)
    version = (found.st_ino, found.st_size, found.st_mtime_ns)
    with _lock:
        opened = _opened.get(path)
        if opened is None or opened[0] != version:  # the old one closes once no one holds it
            _opened[path] = (version, maxminddb.open_database(path, maxminddb.MODE_AUTO))
        return _opened[path][1]
