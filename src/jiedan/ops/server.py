"""The web processes' worker class: uvicorn under gunicorn, speaking HTTP and websockets.

Django's ASGI application does not implement the lifespan protocol, so it is switched off
instead of being probed (and logged as unsupported) at every start."""

from uvicorn_worker import UvicornWorker


class JiedanWorker(UvicornWorker):
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "lifespan": "off", "proxy_headers": True}
