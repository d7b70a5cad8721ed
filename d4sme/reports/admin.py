from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "kind",
        "target_id",
        "status",
        "rows_total",
        "created",
        "created_at",
    )
    list_filter = ("kind", "status")
    exclude = ("content",)
    readonly_fields = ("errors",)
