from django.contrib import admin

from locality.models import Area, District, Team, TeamMembership


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "area"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "team_type", "district", "phone", "is_active"]
    list_filter = ["team_type", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [TeamMembershipInline]
