"""What the workshop's pages share: back to the device, a form page that keeps what was
typed, same-site redirects."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from refurb.devices.models import Device
from refurb.security.redirects import safe_redirect_target


def to_device(device_id: int):
    return redirect(url_for("workshop.device", device_id=device_id))


def form_page(template: str, device: Device | None = None, form=None, **context):
    """The form again: 400 after a refused POST (with what was typed), 200 on GET."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, device=device, form=form, **context), status


def same_site(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would make phishing links look legitimate."""
    return safe_redirect_target(target, "") or None
