"""The check every browser test ends with (`loaded_pages` in conftest.py) sees what it must:
an invalid page, an invalid htmx fragment, a page without its CSP, and CSP violations."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Served by the test in place of the app (Playwright's route), so the app stays valid.
BROKEN_PAGE = (
    '<!DOCTYPE html>\n<html lang="nl">\n<head><title>x</title></head>\n<body>\n'
    '<form role="row" hx-post="/x/"></form>\n</body>\n</html>\n'
)
BROKEN_FRAGMENT = '<li class="tip">ok</li>\n<li><div role="cell">a cell outside a row</div></li>'


def test_invalid_html_and_csp_violations_are_found(page, live_server, loaded_pages, nu_checker):
    login = live_server.url + reverse("accounts:login")
    page.route(
        "**/broken-page/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=BROKEN_PAGE),
    )
    page.route(
        "**/broken-fragment/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=BROKEN_FRAGMENT,
        ),
    )
    page.goto(f"{live_server.url}/broken-page/")
    page.goto(login)
    page.evaluate("fetch('/broken-fragment/').then((response) => response.text())")
    page.wait_for_function("document.readyState === 'complete'")
    # What an inline style attribute and an inline script do under the app's CSP.
    page.evaluate(
        """() => {
            document.body.setAttribute("style", "color: red");
            const script = document.createElement("script");
            script.textContent = "window.ranInline = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(200)  # the violation events reach the test asynchronously
    assert page.evaluate("window.ranInline") is None

    page.context.close()  # its HAR is written now: what the check at teardown reads

    problems = loaded_pages.take(nu_checker)
    text = "\n".join(problems)
    # The page, with its line: the form's role and the htmx attribute without data-.
    assert "GET /broken-page/ (200, document) line 5: Bad value “row” for attribute" in text
    assert "line 5: Attribute “hx-post” not allowed on element “form”" in text
    assert "GET /broken-page/ (200, document): no Content-Security-Policy header" in text
    # The fragment, checked in a list (its <li> is fine) and with its own line numbers.
    fragment = [p for p in problems if p.startswith("GET /broken-fragment/ (200, fetch)")]
    assert fragment and all(" line 2: " in p for p in fragment), problems
    assert any("role=cell" in p for p in fragment), fragment
    assert not any("“li” not allowed" in p for p in fragment), fragment
    # Both violations, from the event and from Chromium's console line.
    assert "CSP: style-src-attr blocked inline in /accounts/login/" in text
    assert "CSP: script-src-elem blocked inline in /accounts/login/" in text
    assert "CSP: console (" in text
    # The app's own login page passed: nothing about it but the violations made here.
    assert not [p for p in problems if p.startswith("GET /accounts/login/")], problems
    assert loaded_pages.take(nu_checker) == []
