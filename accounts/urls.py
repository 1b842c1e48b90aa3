from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/verify/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.set_up_authenticator, name="set-up-authenticator"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("session/keep-alive/", views.keep_alive, name="keep-alive"),
]
