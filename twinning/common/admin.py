from django.contrib import admin

from twinning.common.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_id", "reason")
    list_filter = ("action",)
    search_fields = ("action", "reason", "actor__email")
    list_select_related = ("actor", "target_type")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
