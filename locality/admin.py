from django import forms
from django.contrib import admin

from locality.models import (
    Area,
    ConcernKind,
    District,
    PostcodeImport,
    RoutingLevel,
    RoutingOverride,
    RoutingRule,
    RoutingRuleChange,
    Team,
    TeamMembership,
)
from locality.services import routing_rule_delete, routing_rule_save


class AccessibleAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["locality/admin.css"]}


@admin.register(Area)
class AreaAdmin(AccessibleAdmin):
    list_display = ["name", "code"]


@admin.register(District)
class DistrictAdmin(AccessibleAdmin):
    list_display = ["name", "ons_code", "area"]


class TeamMembershipInline(admin.TabularInline):
    """Shown, not edited: team changes go through an accounts.AccountChange that a second
    administrator approves."""

    model = TeamMembership
    extra = 0
    readonly_fields = ["user", "role_in_team", "start_date", "end_date"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(AccessibleAdmin):
    list_display = ["name", "team_type", "district", "phone", "is_active"]
    list_filter = ["team_type", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [TeamMembershipInline]


class RoutingRuleForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        choices=RoutingLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=RoutingRule._meta.get_field("levels").help_text,
    )
    main_concern_kinds = forms.MultipleChoiceField(
        label="Main concern",
        choices=ConcernKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=RoutingRule._meta.get_field("main_concern_kinds").help_text,
    )

    class Meta:
        model = RoutingRule
        fields = [
            "position",
            "name",
            "is_active",
            "levels",
            "main_concern_kinds",
            "min_age_years",
            "requires_severe_disability",
            "team_type",
            "team_chosen_by",
            "reason",
        ]


def _list(codes, choices) -> str:
    return ", ".join(str(choices(code).label) for code in codes) or "Any"


@admin.register(RoutingRule)
class RoutingRuleAdmin(AccessibleAdmin):
    """Every save and delete goes through the services, which log the rule before and after."""

    form = RoutingRuleForm
    list_display = [
        "position",
        "name",
        "levels_display",
        "team_type",
        "team_chosen_by",
        "is_active",
    ]
    list_display_links = ["position", "name"]
    list_filter = ["is_active", "team_type"]
    fieldsets = [
        (None, {"fields": ["position", "name", "is_active"]}),
        (
            "When the rule fits",
            {
                "fields": [
                    "levels",
                    "main_concern_kinds",
                    "min_age_years",
                    "requires_severe_disability",
                ]
            },
        ),
        ("Which team", {"fields": ["team_type", "team_chosen_by", "reason"]}),
    ]

    @admin.display(description="Levels")
    def levels_display(self, rule):
        return _list(rule.levels, RoutingLevel)

    def save_model(self, request, obj, form, change):
        routing_rule_save(rule=obj, changed_by=request.user)

    def delete_model(self, request, obj):
        routing_rule_delete(rule=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            routing_rule_delete(rule=rule, deleted_by=request.user)


class ReadOnlyAdmin(AccessibleAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoutingRuleChange)
class RoutingRuleChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "rule_name", "action", "changed_by"]
    list_filter = ["action"]
    fields = ["changed_at", "rule_name", "action", "changed_by", "before", "after"]


@admin.register(RoutingOverride)
class RoutingOverrideAdmin(ReadOnlyAdmin):
    list_display = ["overridden_at", "suggested_team", "chosen_team", "overridden_by"]
    fields = [
        "overridden_at",
        "overridden_by",
        "suggested_team",
        "suggested_reasons",
        "chosen_team",
        "reason",
    ]


@admin.register(PostcodeImport)
class PostcodeImportAdmin(ReadOnlyAdmin):
    list_display = ["imported_at", "source_version", "postcodes", "sectors", "seconds"]
