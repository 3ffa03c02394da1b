"""Which language staff work in: their own setting (User.language), applied on every page.

The browser's Accept-Language and the language cookie decide only before sign-in. Once signed in,
the setting on the staff member's profile wins, so a colleague's tablet or a shared laptop shows
each person their own language. The cookie follows the setting, so the sign-in page after signing
out is in the language last used.
"""

from django.conf import settings
from django.utils import translation


def staff_language(user) -> str | None:
    """The signed-in staff member's language, or None for a visitor who has not signed in."""
    if user is None or not user.is_authenticated:
        return None
    available = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in available else settings.LANGUAGE_CODE


class StaffLanguageMiddleware:
    """After AuthenticationMiddleware: pages for signed-in staff are in the language of their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = staff_language(getattr(request, "user", None))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
