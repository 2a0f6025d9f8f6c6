from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm, UsernameField
from django.utils.translation import gettext_lazy as _

from twinning.accounts.models import Role, User


class RoleInline(admin.TabularInline):
    model = Role
    fk_name = "user"
    extra = 0
    raw_id_fields = ("school", "granted_by")


class PersonCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class OptionalUsernameField(UsernameField):
    """Django's username field, for a username that stays empty (NULL) for all but pupils.

    Django's own field measures the cleaned value, which is None for an empty NULL-able column: saving
    a teacher (who signs in with an e-mail) from the admin site was a server error.
    """

    def to_python(self, value):
        value = forms.CharField.to_python(self, value)
        return None if value is None else super().to_python(value)


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {"username": OptionalUsernameField}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("full_name",)
    list_display = ("full_name", "email", "username", "preferred_language", "email_confirmed_at", "is_active")
    search_fields = ("full_name", "email", "username")
    list_filter = ("is_active", "is_superuser", "preferred_language")
    inlines = [RoleInline]
    add_form = PersonCreationForm
    form = PersonChangeForm
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        (_("Person"), {"fields": ("full_name", "preferred_language", "time_zone", "email_confirmed_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
