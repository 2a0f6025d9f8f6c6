from django.contrib import admin

from twinning.common.search import FoldedSearchAdmin
from twinning.schools.models import NSO, Country, Language, Programme, School, Subject, TeacherProfile


@admin.register(Language, Subject)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ("code", "names")
    search_fields = ("code",)


@admin.register(NSO)
class NSOAdmin(admin.ModelAdmin):
    list_display = ("slug", "names", "email")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "names", "nso", "default_time_zone", "default_school_week")
    list_select_related = ("nso",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("slug", "names", "max_age_gap", "partners_from_other_countries")
    filter_horizontal = ("countries",)


@admin.register(School)
class SchoolAdmin(FoldedSearchAdmin, admin.ModelAdmin):
    list_display = ("name", "native_name", "country", "city", "school_type", "status")
    list_filter = ("status", "school_type", "country")
    search_fields = ("name", "native_name", "city")
    list_select_related = ("country",)
    raw_id_fields = ("created_by", "decided_by")
    filter_horizontal = ("languages", "programmes")


@admin.register(TeacherProfile)
class TeacherProfileAdmin(FoldedSearchAdmin, admin.ModelAdmin):
    list_display = ("user", "school", "status", "submitted_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__full_name", "user__email", "school__name")  # searched by FoldedSearchAdmin
    folded_search_fields = ("user__search_text", "school__search_text")
    list_select_related = ("user", "school")
    raw_id_fields = ("user", "school", "decided_by", "vouched_by")
