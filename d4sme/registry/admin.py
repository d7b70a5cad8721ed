from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import (
    ApiToken,
    Economy,
    EconomyGroup,
    EconomyGroupMembership,
    Membership,
    Organisation,
    Region,
    Term,
    User,
    Vocabulary,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)


class GroupMembershipInline(admin.TabularInline):
    model = EconomyGroupMembership
    extra = 0
    autocomplete_fields = ["economy"]


@admin.register(Economy)
class EconomyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "iso_name", "alpha3")
    search_fields = ("code", "name", "iso_name")
    list_filter = ("groups",)


@admin.register(EconomyGroup)
class EconomyGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    inlines = [GroupMembershipInline]


@admin.register(EconomyGroupMembership)
class EconomyGroupMembershipAdmin(admin.ModelAdmin):
    list_display = ("group", "economy", "local_name", "joined")
    list_filter = ("group",)
    autocomplete_fields = ("economy",)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "economy", "kind")
    search_fields = ("code", "name")
    list_select_related = ("economy",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "kind", "economy", "isic_section", "size_class", "is_synthetic")
    list_filter = ("kind", "size_class", "is_synthetic", "women_led", "youth_led", "rural")
    search_fields = ("legal_name", "short_name", "code")
    autocomplete_fields = ("economy", "region", "parent")
    readonly_fields = ("size_class", "created_at", "updated_at")
    list_select_related = ("economy",)
    # Counting a million rows on every changelist page is slower than the page itself.
    show_full_result_count = False
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role",)
    autocomplete_fields = ("user", "organisation")


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ("code", "notation", "name", "parent", "position")
    show_change_link = True


@admin.register(Vocabulary)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "version")
    inlines = [TermInline]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "vocabulary", "parent")
    list_filter = ("vocabulary",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    search_fields = ("name", "user__email")
