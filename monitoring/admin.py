from django.contrib import admin

from .models import Assessment, AssessmentTask, ImportBatch, MinimumScore, ResultSet


class AssessmentTaskInline(admin.TabularInline):
    model = AssessmentTask
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "subject", "grade", "max_primary"]
    list_filter = ["kind", "year", "grade"]
    inlines = [AssessmentTaskInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["original_name", "municipality", "organization", "status", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["token", "sha256", "size", "summary", "errors", "warnings", "failure"]


@admin.register(ResultSet)
class ResultSetAdmin(admin.ModelAdmin):
    list_display = ["assessment", "organization", "participants", "loaded_at"]
    list_select_related = ["assessment__subject", "organization"]
    raw_id_fields = ["batch"]

    def has_delete_permission(self, request, obj=None):
        # A school's results are replaced by loading its corrected file, which counts the
        # kept figures again; a deletion here would leave its municipality's sums behind.
        return False


@admin.register(MinimumScore)
class MinimumScoreAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "year", "grade", "score"]
    list_filter = ["kind", "year", "grade"]
    list_select_related = ["subject"]
