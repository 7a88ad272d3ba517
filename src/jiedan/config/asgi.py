"""ASGI entry point: HTTP through Django, websockets through Channels with session auth."""

import os

from django.core.asgi import get_asgi_application

# Servers and workers start in production mode unless told otherwise (``make run`` says local).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedan.config.settings.production")

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from jiedan.messaging.routing import websocket_urlpatterns as messaging_routes  # noqa: E402
from jiedan.notifications.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns + messaging_routes))
        ),
    }
)
