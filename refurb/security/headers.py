"""Security headers on every response, set in one after_request hook.

The content policy allows scripts, styles and images from this site only: no inline script,
no style attribute, no framing (clickjacking of one-button POST forms), forms posting only here.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
))
# Chrome shows a PDF through its own viewer, which the page policy above would block
# (object-src, inline styles): a PDF only forbids being framed.
PDF_POLICY = "frame-ancestors 'none'"

# The camera stays available to this site for label scanning; everything else is off.
PERMISSIONS_POLICY = ", ".join((
    "camera=(self)",
    "microphone=()",
    "geolocation=()",
    "payment=()",
    "usb=()",
    "serial=()",
    "bluetooth=()",
    "midi=()",
    "magnetometer=()",
    "gyroscope=()",
    "accelerometer=()",
    "display-capture=()",
))
HSTS = "max-age=31536000; includeSubDomains"


def apply(response: Response) -> Response:
    headers = response.headers
    is_pdf = response.mimetype == "application/pdf"
    headers["Content-Security-Policy"] = PDF_POLICY if is_pdf else CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure and current_app.config["ENV_NAME"] == "production":
        headers["Strict-Transport-Security"] = HSTS
    if _signed_in():
        # Personal pages and documents must not stay in a shared computer's cache after
        # sign-out (send_file's "no-cache" still stores them).
        headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    # Only when the user was already loaded for this request: no query just for a header.
    # The request's transaction has ended by now (its commit runs first), so the account's
    # columns would be read again: who signed in is in the session cookie.
    return "_login_user" in g and bool(session.get("_user_id"))


def register(app: Flask) -> None:
    app.after_request(apply)
