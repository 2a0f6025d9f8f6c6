from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.accounts import oidc, queries, rules, second_factor, services, sessions
from twinning.accounts.forms import DataSaverForm, LanguageForm, ProfileForm, ResendConfirmationForm, SignInForm
from twinning.accounts.models import User
from twinning.accounts.rules import may_change_own_name
from twinning.common import data_saver
from twinning.common.errors import ServiceError
from twinning.common.http import no_store, redirect_back
from twinning.common.i18n import direction
from twinning.common.net import client_address
from twinning.schools.forms import TeacherProfileForm
from twinning.schools.services import update_teacher_details


class SignInView(auth_views.LoginView):
    """The password step. While the account or the address is paused, a page says how long to wait;
    after a right password, the second step comes next when the person has (or needs) one."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Why the person is here again, when a session ended by itself (see accounts.middleware).
        return {
            **super().get_context_data(**kwargs),
            "ended": self.request.GET.get("ended", ""),
            "oidc_providers": oidc.allow_forms_to_providers(self.request),
        }

    def form_invalid(self, form):
        refused = getattr(self.request, "sign_in_refused", None)
        if refused is None:
            return super().form_invalid(form)
        response = render(self.request, "accounts/locked_out.html", {"minutes": refused.minutes}, status=429)
        response["Retry-After"] = str(int(refused.wait.total_seconds()) + 1)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        owed = sessions.second_step_owed(self.request)
        if owed is None:
            return response
        page = "accounts:second_step" if owed == sessions.VERIFY else "accounts:second_factor_setup"
        return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': self.get_success_url()})}")


@method_decorator(no_store, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change of password, written by the service (audited) instead of the form."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        services.set_password(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            how="changed",
            address=client_address(self.request),
        )
        # This session stays signed in; the person's other sessions end.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password is changed."))
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(no_store, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset by e-mailed link, written by the service (audited) instead of the form."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        services.set_password(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            how="reset",
            address=client_address(self.request),
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(no_store, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, with the e-mail's HTML part written in the reader's direction."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        language = translation.get_language()
        self.extra_email_context = {"mail_lang": language, "mail_dir": direction(language)}
        return super().form_valid(form)


def confirm_email(request, token):
    try:
        user, confirmed_now = services.confirm_email(token=token)
    except services.ConfirmationExpired as expired:
        return render(
            request, "accounts/confirm_expired.html", {"token": token, "email": expired.user.email}, status=410
        )
    except ServiceError as error:
        return render(request, "accounts/confirm_invalid.html", {"message": error.message}, status=400)
    if confirmed_now:
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
    else:
        messages.info(request, _("Your e-mail address was already confirmed."))
    return redirect("dashboard" if request.user.is_authenticated else "accounts:login")


@require_POST
def resend_confirmation(request):
    """Send a fresh link: to the signed-in person, or to the address a (possibly expired) link named.

    The answer is the same whether or not the address has an account, so nobody learns who is
    registered from it.
    """
    user = request.user if request.user.is_authenticated else None
    if user is None:
        form = ResendConfirmationForm(request.POST)
        if not form.is_valid():
            return render(request, "accounts/confirm_expired.html", {"form": form}, status=400)
        user = User.objects.filter(email__iexact=form.cleaned_data["email"], email_confirmed_at__isnull=True).first()
    if user is not None and not user.email_confirmed:
        services.send_email_confirmation(user=user)
    messages.info(request, _("If that address has an account waiting for confirmation, a new link is on its way."))
    return redirect("dashboard" if request.user.is_authenticated else "accounts:login")


@require_POST
def set_language(request):
    """Switch the interface language; remembered in a cookie and, when signed in, on the account."""
    form = LanguageForm(request.POST)
    response = redirect_back(request, request.POST.get("next", ""), "home")
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            httponly=True,
        )
    return response


@require_POST
def set_data_saver(request):
    """Switch the data-saver mode on or off, or back to what the browser asks: remembered in a cookie
    (for the pages read signed out) and, when signed in, on the account."""
    form = DataSaverForm(request.POST)
    response = redirect_back(request, request.POST.get("next", ""), "home")
    if not form.is_valid():
        for error in form.errors.get("data_saver", []):
            messages.error(request, error)
        return response
    choice = form.cleaned_data["data_saver"]
    on = data_saver.CHOICES.get(choice)
    if request.user.is_authenticated:
        services.set_data_saver(user=request.user, on=on)
    if on is None:
        response.delete_cookie(data_saver.COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        messages.success(request, _("Data saver now follows what your browser asks."))
    else:
        response.set_cookie(
            data_saver.COOKIE_NAME,
            choice,
            max_age=data_saver.COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            httponly=True,
        )
        messages.success(request, _("Data saver is on.") if on else _("Data saver is off."))
    return response


@login_required
def profile(request):
    user = request.user
    teacher = getattr(user, "teacher", None)
    may_rename = may_change_own_name(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user, prefix="person", may_rename=may_rename)
        teacher_form = TeacherProfileForm(request.POST, instance=teacher, prefix="teacher") if teacher else None
        if form.is_valid() and (teacher_form is None or teacher_form.is_valid()):
            with transaction.atomic():
                form.save()
                if teacher_form is not None:
                    data = teacher_form.cleaned_data
                    update_teacher_details(
                        teacher=teacher,
                        by=user,
                        subjects=list(data["subjects"]),
                        languages=list(data["languages"]),
                        bio=data["bio"],
                    )
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=user, prefix="person", may_rename=may_rename)
        teacher_form = TeacherProfileForm(instance=teacher, prefix="teacher") if teacher else None
    linked = list(queries.linked_identities_for_owner(user))
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "teacher_form": teacher_form,
            "teacher": teacher,
            "may_rename": may_rename,
            "may_use_second_factor": rules.may_use_second_factor(user),
            "has_authenticator": second_factor.has_authenticator(user),
            "exports": queries.exports_for_requester(user, subject=user),
            "may_close_account": rules.may_close_own_account(user),
            "privacy_url": reverse("privacy_notice"),
            "may_link_identity": rules.may_link_identity(user),
            "oidc_providers": oidc.allow_forms_to_providers(request),
            "linked_accounts": linked,
            "linked_providers": {identity.provider for identity in linked},
            "data_saver_form": DataSaverForm(
                initial={"data_saver": {True: "on", False: "off"}.get(user.data_saver, "browser")}
            ),
        },
    )
