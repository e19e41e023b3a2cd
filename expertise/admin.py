from django.contrib import admin

from .models import CaseFile, Conclusion, Criterion, ExpertiseCase, Review, Round, Rubric, Score


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "edition", "status", "municipality"]
    list_filter = ["kind", "status", "municipality"]
    inlines = [CriterionInline]


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ["number", "note", "submitted_by", "submitted_at"]
    raw_id_fields = ["submitted_by"]


@admin.register(ExpertiseCase)
class ExpertiseCaseAdmin(admin.ModelAdmin):
    list_display = ["pk", "title", "kind", "status", "organization", "created_at"]
    list_filter = ["status", "kind", "municipality"]
    search_fields = ["title", "organization__short_name", "author__last_name"]
    raw_id_fields = ["author", "submitted_by", "assigned_by", "organization", "rubric"]
    inlines = [RoundInline]


@admin.register(CaseFile)
class CaseFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "round", "content_type", "size"]
    raw_id_fields = ["round"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    raw_id_fields = ["criterion"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["round", "expert", "status", "verdict", "total"]
    list_filter = ["status", "verdict"]
    raw_id_fields = ["round", "expert"]
    inlines = [ScoreInline]


@admin.register(Conclusion)
class ConclusionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "case", "verdict", "issued_at"]
    raw_id_fields = ["case", "round", "issued_by"]

    # Frozen at issue: the admin shows a conclusion, it does not edit one.
    def has_change_permission(self, request, obj=None):
        return False
