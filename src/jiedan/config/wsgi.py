"""WSGI entry point, for tools that need one; production serves ASGI (see ``asgi.py``)."""

import os

from django.core.wsgi import get_wsgi_application

# Servers and workers start in production mode unless told otherwise (``make run`` says local).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedan.config.settings.production")

application = get_wsgi_application()
