"""Form widgets that pages with large, stable option lists share.

A select of 249 economies goes through Django's widget renderer option by option: on the
directory page that rendering was most of the request. ``CachedSelect`` renders such a list once
per language, selection and content version, and serves the HTML from the cache afterwards.
Whoever changes the options' source (an economy renamed, a vocabulary reloaded) calls
``options_changed()``, which retires every cached rendering at once.
"""

import hashlib

from django import forms
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

VERSION_KEY = "d4sme:options-version"
# Without a shared cache (several processes each with their own memory cache) a change reaches
# the other processes when their copy expires: at most this many seconds later.
RENDERED_TTL = 300


def options_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def options_changed(**_signal) -> None:
    """Retire every cached option list (connect to the source models' save and delete)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


class CachedSelect(forms.Select):
    """A ``<select>`` rendered once per (name, value, attributes, language, content version)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = value if isinstance(value, str | int | type(None)) else tuple(value)
        final = {**self.attrs, **(attrs or {})}
        identity = (type(self).__name__, name, selected, sorted(final.items()), get_language())
        digest = hashlib.sha256(repr(identity).encode()).hexdigest()
        key = f"d4sme:select:{options_version()}:{digest}"
        html = cache.get(key)
        if html is None:
            html = str(super().render(name, value, attrs, renderer))
            cache.set(key, html, timeout=RENDERED_TTL)
        return mark_safe(html)  # noqa: S308 (rendered by Django's own widget above)
