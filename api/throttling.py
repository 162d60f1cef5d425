"""Fair use of the API: anonymous calls counted per client address (portal/fairuse.py,
django-ratelimit underneath), a 429 with Retry-After and a sentence when over."""

from django.conf import settings
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

import portal.fairuse as fairuse


class FairUseThrottle(BaseThrottle):
    def allow_request(self, request, view):
        rate = settings.FAIR_USE_API_RATE
        wait = fairuse.over_limit(request, "api", rate)
        if wait is None:
            return True
        # Raised here rather than returned as False, to say the limit in the message.
        raise Throttled(
            wait=wait,
            detail=f"Too many API requests from your address: the API allows "
            f"{fairuse.describe(rate)}.",
        )
