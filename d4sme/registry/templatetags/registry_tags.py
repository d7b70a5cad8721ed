from django import template

from d4sme.registry import selectors

register = template.Library()


@register.filter
def isic_section_title(code: str) -> str:
    """Return the title of an ISIC Rev.4 section letter."""
    return selectors.isic_section_title(code) if code else ""
