import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import SignInForm, TokenForm
from accounts.selectors import memberships_current_for_user


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        destination = super().get_success_url()
        if settings.REQUIRE_MFA:
            return f"{reverse('accounts:verify')}?next={destination}"
        return destination


class SignOutView(auth_views.LogoutView):
    next_page = "accounts:signed-out"


def signed_out(request):
    return render(request, "accounts/signed_out.html", {"idle": request.GET.get("idle") == "1"})


def _confirmed_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


@login_required
def verify(request):
    """Second sign-in step: a code from the user's authenticator app."""
    destination = _safe_next(request, reverse("home"))
    if request.user.is_verified():
        return redirect(destination)
    devices = list(_confirmed_devices(request.user))
    if not devices:
        return redirect(f"{reverse('accounts:set-up-authenticator')}?next={destination}")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(destination)
        form.add_error(
            "token", "The security code is not right, or has expired. Try the newest code."
        )
    return render(request, "accounts/verify.html", {"form": form, "next": destination})


def _qr_svg(config_url: str) -> str:
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def set_up_authenticator(request):
    """First sign-in with MFA on: pair an authenticator app. Only before any device is confirmed,
    so a stolen password alone can never add a second device."""
    destination = _safe_next(request, reverse("home"))
    if _confirmed_devices(request.user).exists():
        return redirect(f"{reverse('accounts:verify')}?next={destination}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(destination)
        form.add_error(
            "token", "The security code is not right. Check the app shows Family Connect."
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/set_up_authenticator.html",
        {
            "form": form,
            "next": destination,
            "qr_data_uri": _qr_svg(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


@require_POST
@login_required
def keep_alive(request):
    """Called by the idle-timeout warning's "Stay signed in" button; any request renews the session."""
    return HttpResponse(status=204)


@login_required
def home(request):
    """A work list: the practitioner's drafts, the consultations due soonest, outcomes returned
    to them and cases sent back; for a manager, what waits for authorisation, urgent first."""
    from referrals.worklist import work_list_for

    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships_current_for_user(user=request.user),
            **work_list_for(request=request),
        },
    )
