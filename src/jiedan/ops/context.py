"""The request being served, for log records written anywhere while it runs."""

import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")

# A request id from the proxy is kept when it looks like one (no spaces, no control bytes,
# bounded), so a hostile header cannot forge log lines; otherwise a new one is made.
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def request_id_from(header: str | None) -> str:
    """The proxy's ``X-Request-ID`` when acceptable, else a new random id."""
    if header and _ACCEPTED_ID.match(header):
        return header
    return uuid.uuid4().hex
