from django.contrib import admin

from .models import MatchRun, Recommendation


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "solver", "objective_value", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["created_at", "finished_at"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "programme", "rank", "score", "computed_at"]
    raw_id_fields = ["organisation", "programme", "run"]
