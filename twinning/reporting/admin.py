from django.contrib import admin

from twinning.reporting.models import Answer, Participation, Question, Response, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "nso", "programme", "school_year", "audience", "stage", "created_at")
    list_filter = ("stage", "audience", "school_year", "nso", "programme")
    list_select_related = ("nso", "programme")
    raw_id_fields = ("created_by",)
    inlines = [QuestionInline]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    """Who answered which wave; what they answered is kept apart and cannot be linked back from here."""

    list_display = ("survey", "wave", "person", "at")
    list_filter = ("wave",)
    list_select_related = ("survey", "person")
    raw_id_fields = ("survey", "person")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ("question", "value")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("survey", "wave", "group", "country")
    list_filter = ("wave", "group")
    list_select_related = ("survey", "country")
    # Not the twinning: with it a set of answers narrows down to a handful of people (see models.py).
    fields = readonly_fields = ("survey", "wave", "group", "country")
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False
