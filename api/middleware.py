"""CORS for the read API: any site may read it from a browser, without credentials.

Four headers on /api/ responses do not need an app with its own settings
(django-cors-headers): the API is read-only and public, so the answer is the same for
every origin, and cookies are never invited (no Allow-Credentials), so a visitor's
session cannot be used by another site.
"""

API_PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def cors(get_response):
    def middleware(request):
        response = get_response(request)
        if request.path.startswith(API_PREFIX) and request.method in SAFE_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            # A refused call says when to come back; scripts may read that header.
            response["Access-Control-Expose-Headers"] = "Retry-After"
            if request.method == "OPTIONS":
                response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
                response["Access-Control-Max-Age"] = "86400"
        return response

    return middleware
