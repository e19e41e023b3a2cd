from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    AcademicYear,
    AuditEntry,
    DirectoryImport,
    Document,
    EmailDigest,
    EmailPreference,
    Municipality,
    Notification,
    Organization,
    Role,
    SchoolStatus,
    Subject,
    User,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "region", "timezone"]
    search_fields = ["name", "short_name"]


class SchoolStatusInline(admin.TabularInline):
    model = SchoolStatus
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "municipality", "fis_oko_login", "inn"]
    list_filter = ["kind", "municipality"]
    search_fields = ["short_name", "name", "fis_oko_login", "inn"]
    list_select_related = ["municipality"]
    inlines = [SchoolStatusInline]


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_on", "ends_on"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(SchoolStatus)
class SchoolStatusAdmin(admin.ModelAdmin):
    list_display = ["organization", "academic_year", "kind"]
    list_filter = ["academic_year", "kind", "organization__municipality"]
    list_select_related = ["organization", "academic_year"]
    autocomplete_fields = ["organization"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["municipality", "organization"]
    filter_horizontal = ["subjects"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Личные данные", {"fields": ("last_name", "first_name", "middle_name", "email")}),
        ("Права", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Даты", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "last_name", "first_name", "middle_name", "is_active"]
    search_fields = ["username", "last_name", "first_name", "email"]
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "municipality", "organization", "position"]
    list_filter = ["kind", "municipality"]
    search_fields = ["user__last_name", "user__username", "organization__short_name"]
    list_select_related = ["user", "municipality", "organization"]
    autocomplete_fields = ["user", "municipality", "organization"]
    filter_horizontal = ["subjects"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The journal is append-only: nobody edits or deletes history, not even a superuser."""

    list_display = ["at", "actor", "action", "object_repr", "municipality"]
    list_filter = ["action", "municipality"]
    search_fields = ["object_repr", "action"]
    list_select_related = ["actor", "municipality"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Documents are made by the pipeline, and an approved one never changes: read only."""

    list_display = ["kind", "title", "status", "rendered_at"]
    list_filter = ["status", "kind", "municipality"]
    search_fields = ["title", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DirectoryImport)
class DirectoryImportAdmin(admin.ModelAdmin):
    """For technical support: what was uploaded, by whom, with what outcome."""

    list_display = ["original_name", "kind", "municipality", "status", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["municipality"]
    readonly_fields = ["counts", "errors", "sha256"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "text", "object_key"]
    raw_id_fields = ["recipient", "digest"]
    date_hierarchy = "created_at"


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "choice"]
    list_filter = ["choice", "kind"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(EmailDigest)
class EmailDigestAdmin(admin.ModelAdmin):
    list_display = ["day", "user", "created_at", "sent_at"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    date_hierarchy = "day"
