"""WSGI entry point, for tools that need one; production serves ASGI (see ``asgi.py``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedan.config.settings.local")

application = get_wsgi_application()
