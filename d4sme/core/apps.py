from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "d4sme.core"
    label = "core"
