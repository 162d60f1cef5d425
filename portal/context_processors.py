from django.conf import settings


def password_reset(request):
    """Whether to offer a password reset: only when the portal can send the e-mail."""
    return {"password_reset_available": bool(settings.EMAIL_HOST)}
