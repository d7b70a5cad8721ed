"""The ``d4sme`` command: Django's manage.py with the project's settings preselected."""

import os
import sys


def main() -> None:
    """Run a management command, e.g. ``d4sme load-content`` or ``d4sme runserver``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # The project's own commands are spelled with dashes on the command line.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
