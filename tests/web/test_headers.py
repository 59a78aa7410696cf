"""Response headers: no caching of what a signed-in user or an API key receives
(docs/web.md#headers), and the Content-Security-Policy (docs/web.md#csp)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

import jixiao.web
from tests.web.world import World

NO_STORE = "private, no-store"


def test_pages_and_downloads_for_a_signed_in_user_are_not_stored(world: World) -> None:
    client = Client()
    client.force_login(world.reviewer)
    submitted = world.evaluations["submitted_a"]
    published = world.evaluations["published_a"]
    urls = [
        reverse("reviews:overview"),
        reverse("reviews:export"),
        reverse("evaluations:detail", kwargs={"pk": submitted.pk}),
        reverse("evaluations:version_report", kwargs={"pk": submitted.pk, "number": 1, "fmt": "docx"}),
        reverse("evaluations:version_report", kwargs={"pk": submitted.pk, "number": 1, "fmt": "xlsx"}),
        # A public page seen by a signed-in user carries their name in the header: theirs alone.
        reverse("portal:detail", kwargs={"pk": published.pk}),
        reverse("evaluations:detail", kwargs={"pk": 999999}),  # an error page too
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert response["Cache-Control"] == NO_STORE, url
    docx = client.get(urls[3])
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_api_answers_to_a_key_are_not_stored(world: World) -> None:
    api = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['reviewer']}")
    pk = world.evaluations["submitted_a"].pk
    for url, status in [
        ("/api/evaluations", 200),
        (f"/api/evaluations/{pk}/score", 200),
        (f"/api/evaluations/{pk}/versions/1/report.docx", 200),
        ("/api/evaluations/999999", 404),
        ("/api/no-such-address", 404),  # answered as JSON by apierrors, header kept
    ]:
        response = api.get(url)
        assert response.status_code == status, url
        assert response["Cache-Control"] == NO_STORE, url
    refused = Client(HTTP_AUTHORIZATION="Bearer jx_not-a-key").get("/api/evaluations")
    assert refused.status_code == 401 and refused["Cache-Control"] == NO_STORE


def test_public_pages_and_static_files_keep_their_caching(world: World) -> None:
    published = world.evaluations["published_a"]
    anonymous = Client()
    for url in (
        reverse("portal:year", kwargs={"year": published.year}),
        reverse("portal:detail", kwargs={"pk": published.pk}),
        reverse("portal:download", kwargs={"pk": published.pk, "fmt": "xlsx"}),
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url

    # A static file (whitenoise reads STATIC_ROOT when a client's middleware starts), also
    # asked for by a signed-in user: far-future or short caching, never no-store.
    css = settings.STATIC_ROOT / "jixiao-headers-test.css"
    css.write_text("body { color: black; }\n", "utf-8")
    try:
        signed_in = Client()
        signed_in.force_login(world.prep_a)
        response = signed_in.get(f"/{settings.STATIC_URL.strip('/')}/{css.name}")
        assert response.status_code == 200
        assert "max-age" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    finally:
        css.unlink()


# --- Content-Security-Policy (docs/web.md#csp) ------------------------------------------------------

TEMPLATES = Path(jixiao.web.__file__).resolve().parent / "templates"


def test_every_page_carries_the_strict_policy(world: World) -> None:
    client = Client()
    client.force_login(world.prep_a)
    for response in (client.get(reverse("evaluations:dashboard")), Client().get(reverse("accounts:login"))):
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
        assert policy["img-src"] == "'self' data:"
        assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
        assert "unsafe" not in response["Content-Security-Policy"]


def test_templates_hold_no_inline_script_style_or_handler() -> None:
    """What the policy would block: caught here by reading the templates, in the browser tests by
    Chromium's own report (tests/web/test_browser.py watch_csp)."""
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text("utf-8")
        name = template.relative_to(TEMPLATES)
        found += [f"{name}: style 属性" for _ in re.finditer(r"\sstyle\s*=", text)]
        found += [f"{name}: <style>" for _ in re.finditer(r"<style\b", text)]
        found += [f"{name}: {m.group(1)}" for m in re.finditer(r"\s(on[a-z]+)\s*=", text)]
        found += [f"{name}: hx-on" for _ in re.finditer(r"\shx-on", text)]
        for script in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in script.group(1) and "application/json" not in script.group(1):
                found.append(f"{name}: 内联 <script>")
    assert found == []
    assert "includeIndicatorStyles" in (TEMPLATES / "base.html").read_text("utf-8")
