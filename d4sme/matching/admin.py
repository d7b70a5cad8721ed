from django.contrib import admin

from .models import JobPost, MatchRun, Recommendation, SubsidyBudget


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "solver", "objective_value", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["created_at", "finished_at"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "programme", "rank", "score", "computed_at"]
    raw_id_fields = ["organisation", "programme", "run"]


@admin.register(JobPost)
class JobPostAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "programme", "slots", "subsidy_applies", "is_open"]
    raw_id_fields = ["organisation", "programme", "created_by"]


@admin.register(SubsidyBudget)
class SubsidyBudgetAdmin(admin.ModelAdmin):
    list_display = ["programme", "year", "amount", "per_hire"]
    raw_id_fields = ["programme"]
