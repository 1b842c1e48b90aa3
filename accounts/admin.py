from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from accounts.models import AccountChange, AccountChangeKind, AccountChangeStatus, User
from accounts.services import (
    AccountChangeRefused,
    account_change_approve,
    account_change_reject,
    account_change_request,
)

# Role and privileges change only through an AccountChange a second administrator approves, so
# nobody (an administrator included) edits their own, or anyone's, here directly.
PRIVILEGE_FIELDS = ("role", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (
            "Family Connect",
            {"fields": ("role", "job_title", "phone", "social_work_england_number")},
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # Accounts are made inactive, never deleted: every record and log row points at them,
        # and the delete page listed those records by name, restricted people included.
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = set(super().get_readonly_fields(request, obj)) | set(PRIVILEGE_FIELDS)
        if obj is not None and obj.pk == request.user.pk:
            readonly.add("is_active")  # nor lock themself out, or back in
        return sorted(readonly)


@admin.register(AccountChange)
class AccountChangeAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "role", "team", "status", "requested_by", "requested_at"]
    list_filter = ["status", "kind"]
    fields = ["user", "kind", "role", "team", "role_in_team", "reason"]
    autocomplete_fields = ["user"]
    actions = ["approve", "reject"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.fields, "status", "requested_by", "requested_at", "decided_by", "decided_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        admin_user = request.user

        class RequestForm(form):
            def clean(self):
                cleaned = super().clean()
                if cleaned.get("user") and cleaned["user"].pk == admin_user.pk:
                    self.add_error(
                        "user", "Nobody changes their own role or teams: ask another administrator"
                    )
                kind = cleaned.get("kind")
                if kind == AccountChangeKind.ROLE and not cleaned.get("role"):
                    self.add_error("role", "Choose the new role")
                if kind and kind != AccountChangeKind.ROLE and not cleaned.get("team"):
                    self.add_error("team", "Choose the team")
                return cleaned

        return RequestForm

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        try:
            saved = account_change_request(
                user=obj.user,
                kind=obj.kind,
                requested_by=request.user,
                reason=obj.reason,
                role=obj.role,
                team=obj.team,
                role_in_team=obj.role_in_team,
            )
        except AccountChangeRefused as error:
            raise PermissionDenied(str(error)) from error
        obj.pk, obj._state.adding = saved.pk, False
        self.message_user(
            request, "Change asked for: a second administrator must approve it", messages.INFO
        )

    def _decide(self, request, queryset, decide, done: str):
        for change in queryset.filter(status=AccountChangeStatus.PENDING):
            try:
                decide(change, request.user)
            except AccountChangeRefused as error:
                self.message_user(request, f"{change}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{change.user}: {done}", messages.SUCCESS)

    @admin.action(description="Approve the selected changes (as the second administrator)")
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda change, user: account_change_approve(change=change, approved_by=user),
            "change approved and made",
        )

    @admin.action(description="Reject the selected changes")
    def reject(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda change, user: account_change_reject(change=change, rejected_by=user),
            "change rejected",
        )
