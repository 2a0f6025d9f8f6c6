from django.contrib import admin

from twinning.communities.models import Community, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("code", "names", "position")
    search_fields = ("code",)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("__str__", "access", "status", "nso", "member_count", "thread_count", "last_activity_at")
    list_filter = ("status", "access", "nso")
    search_fields = ("search_text",)
    list_select_related = ("nso",)
    raw_id_fields = ("created_by", "decided_by")
    filter_horizontal = ("countries",)
    readonly_fields = ("member_count", "thread_count", "resource_count", "last_activity_at")
