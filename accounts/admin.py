from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


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
