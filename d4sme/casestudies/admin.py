from django.contrib import admin

from .models import Case, CaseEvent, CaseTechnology, Outcome


class PathwayInline(admin.TabularInline):
    model = CaseTechnology
    extra = 0


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("user", "from_status", "to_status", "note", "at")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("title", "economy", "language", "status", "featured", "is_synthetic")
    list_filter = ("status", "language", "period", "featured", "is_synthetic")
    search_fields = ("title", "summary")
    raw_id_fields = ("organisation", "author")
    filter_horizontal = ("barriers", "programmes")
    inlines = [PathwayInline, OutcomeInline, EventInline]
