"""Administrators revise the Spectrum of Support here: copy the published version to a draft,
edit the draft, publish it. Published and retired versions are read-only, so a decision's
version never changes under it. Decisions are not in the admin: they hold children's data, which
is only read through the logged access functions."""

from django import forms
from django.contrib import admin, messages
from django.db import IntegrityError

from spectrum.models import (
    LEVEL_RANK,
    Domain,
    Framework,
    FrameworkStatus,
    Indicator,
    Level,
    NeedTerm,
)
from spectrum.services import FrameworkError, framework_copy_to_draft, framework_publish


def _is_draft(framework) -> bool:
    return framework is not None and framework.status == FrameworkStatus.DRAFT


class NoBulkDeleteMixin:
    # The bulk action would skip the per-version check below and could empty a published version.
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj)) and super().has_delete_permission(request, obj)


class LevelInlineForm(forms.ModelForm):
    class Meta:
        model = Level
        fields = ["code", "name", "summary", "section"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("code"):
            # A level's place in the order is part of its meaning, not something to type.
            self.instance.order = LEVEL_RANK[cleaned["code"]]
        return cleaned


class LevelInline(DraftOnlyInline):
    model = Level
    form = LevelInlineForm
    fields = ["code", "name", "summary", "section"]
    max_num = 4


class NeedTermInlineForm(forms.ModelForm):
    class Meta:
        model = NeedTerm
        fields = ["term", "level", "section"]

    def clean_term(self):
        return " ".join(self.cleaned_data["term"].lower().split())


class DomainInline(DraftOnlyInline):
    model = Domain
    fields = ["order", "code", "name"]


class NeedTermInline(DraftOnlyInline):
    model = NeedTerm
    form = NeedTermInlineForm
    fields = ["term", "level", "section"]


@admin.register(Framework)
class FrameworkAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "version", "status", "published_at", "retired_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "published_at", "retired_at", "copied_from", "created_at"]
    fields = [
        "name",
        "version",
        "status",
        "source_document",
        "cumulative_min_indicators",
        "cumulative_min_domains",
        "cumulative_from_level",
        "cumulative_raise_to",
        "published_at",
        "retired_at",
        "copied_from",
        "created_at",
    ]
    inlines = [LevelInline, DomainInline, NeedTermInline]
    actions = ["copy_to_draft", "publish"]

    def has_add_permission(self, request):
        # New versions start as a copy of an existing one, so nothing is forgotten.
        return False

    def has_change_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj)) and super().has_delete_permission(request, obj)

    @admin.action(description="Copy to a new draft version", permissions=["view"])
    def copy_to_draft(self, request, queryset):
        for framework in queryset:
            draft = framework_copy_to_draft(framework=framework)
            self.message_user(
                request, f"Copied {framework.version} to draft version {draft.version}"
            )

    @admin.action(description="Publish (retires the version published now)", permissions=["view"])
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Publish one version at a time", messages.ERROR)
            return
        try:
            framework = framework_publish(framework=queryset.get())
        except (FrameworkError, IntegrityError) as error:
            self.message_user(request, f"Not published: {error}", messages.ERROR)
            return
        self.message_user(request, f"Published {framework.name} {framework.version}")


class IndicatorAdminForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "framework",
            "domain",
            "level",
            "code",
            "text",
            "section",
            "keywords",
            "concern_kinds",
            "order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A published version's indicators are shown read-only, without these fields.
        if "framework" in self.fields:
            self.fields["framework"].queryset = Framework.objects.filter(
                status=FrameworkStatus.DRAFT
            )
        if "domain" in self.fields:
            domains = Domain.objects.select_related("framework").filter(
                framework__status=FrameworkStatus.DRAFT
            )
            if self.instance.pk:
                domains = domains.filter(framework=self.instance.framework_id)
            self.fields["domain"].queryset = domains
            self.fields["domain"].label_from_instance = lambda d: (
                f"{d.name} ({d.framework.version})"
            )

    def clean(self):
        cleaned = super().clean()
        framework, domain = cleaned.get("framework"), cleaned.get("domain")
        if framework and domain and domain.framework_id != framework.pk:
            self.add_error("domain", "Choose a domain of the same framework version")
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    form = IndicatorAdminForm
    list_display = ["code", "text", "level", "domain", "framework"]
    list_filter = ["framework", "level", "domain__name"]
    search_fields = ["code", "text"]
    list_select_related = ["domain", "framework"]
    ordering = ["framework", "domain__order", "order"]

    def has_change_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj.framework)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj.framework)) and super().has_delete_permission(
            request, obj
        )
