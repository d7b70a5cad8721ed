"""The site's main menu, filled by the apps, so that the base layout names none of them.

Each app adds its entries in ``AppConfig.ready`` with :func:`menu_register`; the
``main_menu`` context processor gives every page the entries its visitor may follow.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str  # a lazy translation
    order: int  # entries show in ascending order
    signed_in: bool = False  # shown only to signed-in users


_entries: list[MenuEntry] = []


def menu_register(*entries: MenuEntry) -> None:
    """Add ``entries`` to the main menu (each once)."""
    for entry in entries:
        if entry not in _entries:
            _entries.append(entry)
    _entries.sort(key=lambda entry: entry.order)


def menu_for(user) -> list[tuple[str, str]]:
    """Return the (URL, label) of every menu entry ``user`` may follow, in menu order."""
    signed_in = bool(user and user.is_authenticated)
    return [
        (reverse(entry.url_name), entry.label)
        for entry in _entries
        if signed_in or not entry.signed_in
    ]
