"""Log records as one JSON object per line (``LOG_FORMAT=json``, the production default),
each carrying the id of the request it was written in."""

import logging

from pythonjsonlogger.json import JsonFormatter

from .context import request_id


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonLogFormatter(JsonFormatter):
    """``time``, ``level``, ``logger``, ``message`` and ``request_id``, plus whatever the
    call passed in ``extra``; exceptions as ``exc_info`` text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)
