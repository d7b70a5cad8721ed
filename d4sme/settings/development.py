"""Settings for a developer's machine: debugging on, a throwaway secret, e-mail on the console."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("D4SME_DEBUG", True)
SECRET_KEY = os.environ.get("D4SME_SECRET_KEY") or "development-only-secret-not-for-production"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
