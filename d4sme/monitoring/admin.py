from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Framework,
    Indicator,
    Objective,
    PriorityArea,
    Proposal,
    ReportingCycle,
    Review,
    Submission,
    SubmissionEvent,
    Target,
    Value,
)


class PriorityAreaInline(admin.TabularInline):
    model = PriorityArea
    extra = 0
    fields = ("number", "name", "term")


class CycleInline(admin.TabularInline):
    model = ReportingCycle
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "start_year", "end_year", "is_public")
    inlines = [PriorityAreaInline, CycleInline]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "priority_area")
    list_filter = ("priority_area__framework",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "measure", "unit", "direction", "aggregation", "derived_from")
    list_filter = ("framework", "measure", "aggregation")
    search_fields = ("code", "name")
    filter_horizontal = ("objectives",)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = (
        "indicator",
        "economy",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
    )
    list_filter = ("indicator__framework",)
    raw_id_fields = ("indicator",)


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "note", "by", "at")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("economy", "cycle", "status", "submitted_at", "approved_at")
    list_filter = ("status", "cycle__framework", "cycle__period")
    readonly_fields = ("status", "submitted_at", "approved_at")
    inlines = [EventInline]


@admin.register(Value)
class ValueAdmin(SimpleHistoryAdmin):
    """Values change through the report form, uploads or the API, which check and lock them."""

    list_display = ("indicator", "economy", "period", "dimension", "category", "value", "flag")
    list_filter = ("indicator__framework", "period", "flag")
    raw_id_fields = ("submission", "indicator", "updated_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "year", "snapshot_id", "created_at")
    readonly_fields = ("snapshot_id",)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "proponent", "budget", "framework")
    filter_horizontal = ("priority_areas",)
