from django.contrib.auth import views as auth_views
from django.urls import path

from twinning.accounts import oidc_views, privacy_views, pupil_views, role_views, second_factor_views, views
from twinning.common.http import no_store
from twinning.common.offline import clear_site_data

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", second_factor_views.second_step, name="second_step"),
    path("sign-in/with/<str:provider>/", oidc_views.start_sign_in, name="oidc_sign_in"),
    path("sign-in/with/<str:provider>/return/", oidc_views.finish, name="oidc_return"),
    path("join/with/<str:provider>/", oidc_views.start_sign_up, name="oidc_sign_up"),
    path("profile/linked/<str:provider>/link/", oidc_views.start_link, name="oidc_link"),
    path("profile/linked/<int:pk>/unlink/", oidc_views.unlink, name="oidc_unlink"),
    path("sign-out/", clear_site_data(auth_views.LogoutView.as_view()), name="logout"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("confirm-again/", views.resend_confirmation, name="resend_confirmation"),
    path("language/", views.set_language, name="set_language"),
    path("data-saver/", views.set_data_saver, name="data_saver"),
    path("profile/", views.profile, name="profile"),
    path("profile/second-factor/", second_factor_views.overview, name="second_factor"),
    path("profile/second-factor/set-up/", second_factor_views.setup, name="second_factor_setup"),
    path("profile/second-factor/recovery-codes/", second_factor_views.recovery_codes, name="recovery_codes"),
    path("profile/second-factor/remove/", second_factor_views.remove, name="second_factor_remove"),
    path("people/<int:pk>/second-factor/reset/", second_factor_views.reset, name="second_factor_reset"),
    path("pupils/", pupil_views.pupils, name="pupils"),
    path("pupils/passwords/", pupil_views.reset_pupil_passwords, name="reset_pupil_passwords"),
    path("pupils/<int:pk>/", pupil_views.pupil_consent, name="pupil_consent"),
    path("pupils/<int:pk>/remove/", privacy_views.remove_pupil, name="remove_pupil"),
    path("pupils/<int:pk>/data/", privacy_views.request_pupil_export, name="request_pupil_export"),
    path("profile/data/", privacy_views.request_own_export, name="request_own_export"),
    path("profile/data/<int:pk>/", privacy_views.download_export, name="download_export"),
    path("profile/close/", privacy_views.close_account, name="close_account"),
    path("roles/", role_views.roles, name="roles"),
    path("roles/coordinators/", role_views.appoint_coordinator, name="appoint_coordinator"),
    path("roles/nso-staff/", role_views.appoint_nso_staff, name="appoint_nso_staff"),
    path("roles/programme-administrators/", role_views.appoint_programme_admin, name="appoint_programme_admin"),
    path("roles/schools/<int:pk>/", role_views.school_roles, name="school_roles"),
    path("roles/schools/<int:pk>/principals/", role_views.appoint_principal, name="appoint_principal"),
    path("roles/<int:pk>/remove/", role_views.remove_role, name="remove_role"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        no_store(auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")),
        name="password_reset_done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/done/",
        no_store(auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")),
        name="password_reset_complete",
    ),
]
