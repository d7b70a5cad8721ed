"""Settings shared by every environment; each value that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("D4SME_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Return the environment variable ``name`` read as a yes/no flag."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Return the comma-separated environment variable ``name`` as a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("D4SME_DEBUG", False)
SECRET_KEY = os.environ.get("D4SME_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("D4SME_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("D4SME_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The project's apps come first so that their templates (registration/*) win over admin's.
    "d4sme.core",
    "d4sme.reports",
    "d4sme.registry",
    "d4sme.programmes",
    "d4sme.assessments",
    "d4sme.casestudies",
    "d4sme.monitoring",
    "d4sme.matching",
    "d4sme.evaluation",
    "d4sme.exchange",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "d4sme.urls"
WSGI_APPLICATION = "d4sme.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "d4sme.core.context_processors.task_backlog",
                "d4sme.core.context_processors.main_menu",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
SQLITE_PATH = VAR_DIR / "d4sme.sqlite3"
# A connection that finds the database locked (a long import, `load-content`) waits up to
# D4SME_SQLITE_TIMEOUT seconds for it instead of failing at once.
SQLITE_TIMEOUT = float(os.environ.get("D4SME_SQLITE_TIMEOUT", "30"))
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": SQLITE_TIMEOUT,
    "transaction_mode": "IMMEDIATE",
}
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; SQLite cannot create its file without the folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A connection is kept for D4SME_SQLITE_CONN_MAX_AGE seconds (default 600), so a request
    # reuses its process's connection instead of opening the file and running the PRAGMAs again;
    # 0 opens one per request. WAL mode is a property of the file, set once by the first PRAGMA.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("D4SME_SQLITE_CONN_MAX_AGE", "600"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered option lists and counted facets are cached. Each process has its own memory cache
# unless D4SME_CACHE_URL names a shared Redis (redis://host:6379/0), which production should
# use with several workers so that a change reaches every worker at once.
CACHE_URL = os.environ.get("D4SME_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "d4sme"}
    )
}

AUTH_USER_MODEL = "registry.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ko", _("Korean")),
    ("pt", _("Portuguese")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "d4sme" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("D4SME_STATIC_ROOT", VAR_DIR / "static"))
# Uploaded evidence (files attached to reported values); served only through views that check
# who may see the report, never as public URLs. Workers and web processes must share it.
MEDIA_ROOT = Path(os.environ.get("D4SME_MEDIA_ROOT", VAR_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get(
    "D4SME_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("D4SME_FROM_EMAIL", "d4sme <no-reply@localhost>")
EMAIL_FILE_PATH = os.environ.get("D4SME_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("D4SME_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("D4SME_EMAIL_PORT", "25"))

# Background work runs in a separate `d4sme db_worker` process, through the database.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# A task worker reports every WORKER_HEARTBEAT_SECONDS; one silent for WORKER_STALE_SECONDS has
# died, and the tasks it was running are queued again. Work queued for longer than
# TASK_WAIT_WARNING_SECONDS is shown as waiting to its user and to administrators.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("D4SME_WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_STALE_SECONDS = float(os.environ.get("D4SME_WORKER_STALE_SECONDS", "60"))
TASK_WAIT_WARNING_SECONDS = float(os.environ.get("D4SME_TASK_WAIT_WARNING_SECONDS", "300"))

# Aggregates over organisations shown to anyone but the organisation itself hide smaller cells.
MIN_CELL_SIZE = 5

# Progress towards a plan's targets (the Open SDG method): thresholds on the observed compound
# annual growth rate when an indicator has no target, and on the ratio of observed to required
# growth when it has one, for substantial, moderate and limited progress (below: deterioration).
MONITORING_PROGRESS_THRESHOLDS = {
    "without_target": (0.015, 0.005, 0.0),
    "with_target": (0.95, 0.6, 0.0),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("D4SME_LOG_LEVEL", "INFO")},
    # The PDF renderer's font subsetting logs every glyph at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("fontTools", "weasyprint")},
}
