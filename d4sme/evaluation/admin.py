from django.contrib import admin

from .models import Evaluation, FirmOutcome


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "design", "outcome", "status", "evidence_step")
    list_filter = ("status", "design", "outcome")
    readonly_fields = (
        "status",
        "progress",
        "evidence_step",
        "evidence_criteria",
        "summary",
        "comparison_pool",
        "library_versions",
        "ran_at",
        "approved_by",
        "approved_at",
    )
    raw_id_fields = ("programme", "created_by", "approved_by")


@admin.register(FirmOutcome)
class FirmOutcomeAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "sales", "employment", "operating")
    raw_id_fields = ("organisation",)
