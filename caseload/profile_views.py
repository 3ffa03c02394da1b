"""A staff member's own settings (their language) and the language switcher in the navigation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from caseload.forms import ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(request.user.language)
        messages.success(request, _("Your settings are saved."))
        return redirect("caseload:profile")
    return render(request, "caseload/profile.html", {"form": form})


@require_POST
def language_switch(request):
    """Django's set_language, which also keeps the choice on a signed-in staff member's profile."""
    language = request.POST.get("language")
    if (
        request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and language != request.user.language
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
        translation.activate(language)
    return set_language(request)
