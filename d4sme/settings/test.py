"""Settings for the test suite: SQLite by default, PostgreSQL when DATABASE_URL names it."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret"
ALLOWED_HOSTS = ["*"]
# Argon2 is the production hasher (see base); tests hash thousands of passwords, so use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise expects it)
