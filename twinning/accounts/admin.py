from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from twinning.accounts.models import Role, User


class RoleInline(admin.TabularInline):
    """Shown, not edited: roles are given and removed on the roles page, which records who, when and
    why and tells the person (``accounts:roles``)."""

    model = Role
    fk_name = "user"
    extra = 0
    fields = ("kind", "nso", "programme", "school", "granted_at", "granted_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PersonCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("full_name",)
    list_display = ("full_name", "email", "username", "preferred_language", "email_confirmed_at", "is_active")
    search_fields = ("full_name", "email", "username")
    list_filter = ("is_active", "is_superuser", "preferred_language")
    inlines = [RoleInline]
    add_form = PersonCreationForm
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        (_("Person"), {"fields": ("full_name", "preferred_language", "time_zone", "email_confirmed_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
