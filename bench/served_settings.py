"""Production settings plus the benchmark's bare view (see bench/served.py)."""

from d4sme.settings.production import *  # noqa: F403

ROOT_URLCONF = "served_urls"
# The load client speaks plain HTTP on loopback and says it came through a TLS proxy.
SECURE_SSL_REDIRECT = False
