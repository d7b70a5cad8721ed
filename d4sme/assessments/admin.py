from django.contrib import admin

from .models import (
    BenchmarkPosition,
    Instrument,
    InstrumentVersion,
    PeerGroup,
    Response,
)


class VersionInline(admin.TabularInline):
    model = InstrumentVersion
    fields = ("number", "checksum", "loaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "label")
    inlines = [VersionInline]


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    list_display = ("instrument", "number", "loaded_at")

    def get_readonly_fields(self, request, obj=None):
        # An answered version never changes: its responses must rescore to their scores.
        if obj is not None and obj.responses.exists():
            return ("instrument", "number", "definition", "checksum", "loaded_at")
        return ("checksum", "loaded_at")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("organisation", "version", "stage", "status", "overall", "band", "submitted_at")
    list_filter = ("status", "stage", "mode", "version__instrument", "is_synthetic")
    search_fields = ("organisation__legal_name",)
    raw_id_fields = ("organisation", "participation", "entered_by")
    readonly_fields = ("overall", "scores", "band", "level", "submitted_at")


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ("instrument", "scope", "economy", "sector", "size_class", "size")
    list_filter = ("instrument", "scope")


@admin.register(BenchmarkPosition)
class BenchmarkPositionAdmin(admin.ModelAdmin):
    list_display = ("response", "group", "percentile", "computed_at")
    raw_id_fields = ("response", "group")
