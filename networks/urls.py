from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("login/", views.Login.as_view(), name="login"),
    path("login/code/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("setup/<str:token>/", views.setup_link, name="setup_link"),
    path("setup/", views.setup_with_link, name="setup_with_link"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/new-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("two-factor/off/", views.two_factor_remove, name="two_factor_remove"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("networks/<int:pk>/access-log/", views.access_log, name="access_log"),
    path("networks/<int:pk>/access-log.csv", views.access_log_csv, name="access_log_csv"),
    path("networks/<int:pk>/sign-in/", views.sign_in_of_members, name="sign_in_of_members"),
    path("networks/<int:pk>/sign-in/link/", views.make_setup_link, name="make_setup_link"),
]
