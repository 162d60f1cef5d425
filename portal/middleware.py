"""Permissions-Policy: the portal uses no camera, microphone, location, payment..."""

from django.conf import settings


def permissions_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
