"""Browser tests: Django's live server driven by Playwright with Debian's Chromium.

Every page a test visits can be checked with `assert_accessible(page)` (axe-core, failing on
serious or critical violations) and, for the README, photographed with `screenshot(page, name)`.

The Content-Security-Policy stays on in these tests, so an inline script or style that slips into a
template shows up as a failure here. That is also why axe is loaded from a same-origin URL that the
browser context answers from tests/e2e/vendor/ rather than injected as an inline script.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import TEST_PASSWORD, authenticator, totp_code

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_URL = "/__e2e__/axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

# The README's screenshots are rewritten only when asked (`make screenshots`); other runs write
# them under test-results/, so a test run leaves the work tree clean.
SCREENSHOT_DIR = Path(settings.BASE_DIR) / (
    "docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "test-results/screenshots"
)
SCREENSHOT_MAX_BYTES = 200 * 1024

DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 1024, "height": 768}

_CSP_VIOLATION = re.compile(r"Content Security Policy", re.IGNORECASE)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
        "timezone_id": settings.TIME_ZONE,
    }


def _prepare(context: BrowserContext) -> BrowserContext:
    """Serve axe from the app's own origin and record any Content-Security-Policy violation."""
    context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"))
    context.csp_violations = []

    def watch(message):
        if message.type == "error" and _CSP_VIOLATION.search(message.text):
            context.csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", watch)
    return context


def _assert_no_csp_violations(context: BrowserContext) -> None:
    assert not context.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(context.csp_violations)


@pytest.fixture
def context(new_context):
    """A desktop browser: the size the README screenshots are taken at."""
    context = _prepare(new_context(viewport=DESKTOP))
    yield context
    _assert_no_csp_violations(context)


@pytest.fixture
def tablet(new_context):
    """The case manager's tablet, handed to a client: 1024×768 with a touch screen."""
    context = _prepare(new_context(viewport=TABLET, has_touch=True))
    yield context
    _assert_no_csp_violations(context)


@pytest.fixture
def desk(new_context):
    """`desk()` opens another colleague's desktop browser: their own screen, their own sign-in."""
    opened = []

    def _desk():
        browser = _prepare(new_context(viewport=DESKTOP))
        opened.append(browser)
        return browser.new_page()

    yield _desk
    for browser in opened:
        _assert_no_csp_violations(browser)


@pytest.fixture
def signed_in():
    """`signed_in(page, user)` signs in through the real login form and returns the page it lands on.

    A user who must give a second factor types the code of an authenticator app set up for them.
    """

    def _signed_in(page: Page, user, password: str = TEST_PASSWORD) -> Page:
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        if user.needs_second_factor():
            device = authenticator(user)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(re.compile(r"/login/verify/"))
            code = page.locator("input[name=code]")  # whatever the page's language
            code.fill(totp_code(device))
            code.press("Enter")
        else:
            page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        return page

    return _signed_in


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            lines.append(f"      {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""

    def _assert_accessible(page: Page) -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=AXE_URL)
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
        if failing:
            report = _describe(failing)
            print(f"axe on {page.url}:\n{report}")
            pytest.fail(f"{len(failing)} serious or critical accessibility violation(s) on {page.url}:\n{report}")

    return _assert_accessible


@pytest.fixture
def screenshot():
    """Save what a 1280×800 screen shows as <name>.png (docs/screenshots/ with UPDATE_SCREENSHOTS=1)."""

    def _screenshot(page: Page, name: str) -> Path:
        if page.viewport_size != DESKTOP:
            page.set_viewport_size(DESKTOP)
        page.evaluate("() => document.fonts.ready.then(() => undefined)")
        page.mouse.move(0, 0)  # no hover highlight on whatever the last click left the pointer over
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=path, full_page=False, animations="disabled", caret="hide", type="png")
        size = path.stat().st_size
        assert size <= SCREENSHOT_MAX_BYTES, f"{path.name} is {size // 1024} KB; keep screenshots under 200 KB"
        return path

    return _screenshot
