"""Every API error is JSON with its status and a sentence saying what went wrong."""

from django.http import JsonResponse
from rest_framework.views import exception_handler as drf_exception_handler


def _message(data):
    """One readable sentence from DRF's error data (a detail, a list or a dict)."""
    if isinstance(data, dict):
        if "detail" in data:
            return str(data["detail"])
        return " ".join(f"{key}: {_message(value)}" for key, value in data.items())
    if isinstance(data, list):
        return " ".join(_message(item) for item in data)
    return str(data)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"status": response.status_code, "detail": _message(response.data)}
    return response


def json_error(status, detail):
    """For errors raised outside a DRF view (an unknown /api/ address, a server error)."""
    return JsonResponse({"status": status, "detail": detail}, status=status)
