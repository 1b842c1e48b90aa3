from django.contrib import admin

from audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: nobody, not even a superuser, changes or deletes the access log here."""

    list_display = ["at", "user", "role", "action", "record_type", "record_id", "view_name"]
    list_filter = ["action", "record_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
