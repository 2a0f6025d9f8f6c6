from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm, UsernameField
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from twinning.accounts import second_factor
from twinning.accounts.models import Role, User
from twinning.common.search import FoldedSearchAdmin

# Second factors change only through the site's pages, which keep the audit log (a reset names its
# reason); django-otp's own admin pages would let them be edited or deleted without a trace.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


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
class UserAdmin(FoldedSearchAdmin, DjangoUserAdmin):
    ordering = ("full_name",)
    list_display = ("full_name", "email", "username", "preferred_language", "email_confirmed_at", "is_active")
    search_fields = ("full_name", "email", "username")  # shows the search box; searched by FoldedSearchAdmin
    exact_search_fields = ("username",)
    list_filter = ("is_active", "is_superuser", "preferred_language")
    inlines = [RoleInline]
    add_form = PersonCreationForm
    readonly_fields = ("second_factor_state",)
    form = PersonChangeForm
    fieldsets = (
        (None, {"fields": ("email", "username", "password", "second_factor_state")}),
        (_("Person"), {"fields": ("full_name", "preferred_language", "time_zone", "email_confirmed_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    @admin.display(description=_("Second factor"))
    def second_factor_state(self, obj):
        if obj.pk is None:
            return ""
        state = _("authenticator app") if second_factor.has_authenticator(obj) else _("none")
        return format_html(
            '{} · <a href="{}">{}</a>',
            state,
            reverse("accounts:second_factor_reset", args=[obj.pk]),
            _("Reset…"),
        )
