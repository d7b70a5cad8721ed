"""WSGI entry point; production runs it under gunicorn (see README, Deployment)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.production")

application = get_wsgi_application()
