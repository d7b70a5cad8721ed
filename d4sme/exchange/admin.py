from django.contrib import admin

from .models import DimensionMapping, IndicatorLink, OfficialDataset, StatisticsImport


@admin.register(OfficialDataset)
class OfficialDatasetAdmin(admin.ModelAdmin):
    list_display = ["code", "agency", "name", "retrieved_on", "imported_at", "is_published"]
    list_filter = ["agency", "is_published"]
    search_fields = ["code", "name"]
    readonly_fields = ["file_hash", "file_name", "file_format", "imported_by", "imported_at"]


@admin.register(DimensionMapping)
class DimensionMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "updated_at"]
    search_fields = ["name"]


@admin.register(IndicatorLink)
class IndicatorLinkAdmin(admin.ModelAdmin):
    list_display = ["indicator_id", "dataset", "note"]


@admin.register(StatisticsImport)
class StatisticsImportAdmin(admin.ModelAdmin):
    list_display = ["code", "agency", "created_at", "created_by", "dataset"]
    exclude = ["structure"]
