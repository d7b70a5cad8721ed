from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "d4sme.reports"
    label = "reports"
