from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Application,
    Call,
    Cohort,
    EvaluationDocument,
    Instrument,
    OverlapDecision,
    Participation,
    Programme,
)


class InstrumentInline(admin.TabularInline):
    model = Instrument
    extra = 0
    autocomplete_fields = ["type"]


class EvaluationInline(admin.TabularInline):
    model = EvaluationDocument
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "economy",
        "responsible",
        "start_year",
        "end_year",
        "status",
        "curation_status",
    )
    list_filter = ("curation_status", "status", "government_level")
    search_fields = ("code", "name", "acronym", "original_name")
    autocomplete_fields = ("economy", "responsible", "co_implementers", "classifications")
    readonly_fields = ("created_at", "updated_at")
    inlines = [InstrumentInline, EvaluationInline]


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme", "type")
    search_fields = ("name", "programme__name")
    autocomplete_fields = ("programme", "type")


@admin.register(EvaluationDocument)
class EvaluationDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "year")
    autocomplete_fields = ("programme",)


@admin.register(OverlapDecision)
class OverlapDecisionAdmin(admin.ModelAdmin):
    list_display = ("first", "second", "verdict", "score", "decided_by")
    list_filter = ("verdict",)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "opens_on", "closes_on")
    search_fields = ("title", "programme__name")
    autocomplete_fields = ("programme",)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "call", "status", "created_at")
    list_filter = ("status",)
    autocomplete_fields = ("organisation", "call")
    search_fields = ("organisation__legal_name", "call__title")


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "starts_on")
    search_fields = ("name", "programme__name")
    autocomplete_fields = ("programme",)


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("application", "cohort", "started_on", "ended_on", "support_hours")
    autocomplete_fields = ("application", "cohort")
