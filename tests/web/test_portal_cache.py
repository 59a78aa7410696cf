"""The portal's shared copies (docs/web.md#portal-cache): one rendering of a public page serves
every visitor without a session, until something is published, withdrawn or corrected."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from jixiao.web.accounts.models import Unit
from jixiao.web.evaluations import services
from tests.web.world import World


def test_visitors_share_a_copy_until_the_next_publication(world: World) -> None:
    published = world.fresh("published_a")
    year = reverse("portal:year", kwargs={"year": published.year})
    visitor = Client()
    assert "测试区甲单位" in visitor.get(year).content.decode()
    # A rename in the admin is not a publication: visitors keep the copy (up to its lifetime) …
    Unit.objects.filter(pk=world.unit_a.pk).update(name="测试区甲单位（改名）")
    assert "（改名）" not in Client().get(year).content.decode()
    # … while a signed-in reader, whose header names them, is answered afresh.
    reader = Client()
    reader.force_login(world.reviewer)
    assert "（改名）" in reader.get(year).content.decode()
    # Withdrawing changes what the public may read: the copies are gone at once.
    services.evaluation_withdraw(evaluation=published, by=world.reviewer, comment="口径有误")
    assert "（改名）" not in Client().get(year).content.decode()  # nothing of that year is public now
    assert Client().get(reverse("portal:detail", kwargs={"pk": published.pk})).status_code == 404


def test_a_copy_is_made_per_address_and_query(world: World) -> None:
    published = world.fresh("published_a")
    year = reverse("portal:year", kwargs={"year": published.year})
    assert "测试区甲单位" in Client().get(year).content.decode()
    assert "测试区甲单位</a>" not in Client().get(year, {"q": "乙"}).content.decode()
    detail = Client().get(reverse("portal:detail", kwargs={"pk": published.pk}))
    assert detail.status_code == 200 and "测试区甲单位" in detail.content.decode()


def test_a_visitors_page_carries_no_token_and_sets_no_cookie(world: World) -> None:
    published = world.fresh("published_a")
    year = reverse("portal:year", kwargs={"year": published.year})
    first, second = Client().get(year), Client().get(year)
    for response in (first, second):
        assert "X-CSRFToken" not in response.content.decode() and not response.cookies
        assert "script-src" in response["Content-Security-Policy"]  # headers still added on a copy
    reader = Client()
    reader.force_login(world.reviewer)
    assert "X-CSRFToken" in reader.get(year).content.decode()


def test_a_visitor_with_a_message_waiting_is_answered_afresh(world: World, settings) -> None:
    published = world.fresh("published_a")
    year = reverse("portal:year", kwargs={"year": published.year})
    Client().get(year)
    Unit.objects.filter(pk=world.unit_a.pk).update(name="测试区甲单位（改名）")
    visitor = Client()
    visitor.cookies["messages"] = "x"
    assert "（改名）" in visitor.get(year).content.decode()


def test_no_copies_when_their_lifetime_is_zero(world: World, settings) -> None:
    settings.PORTAL_CACHE_SECONDS = 0
    published = world.fresh("published_a")
    year = reverse("portal:year", kwargs={"year": published.year})
    Client().get(year)
    Unit.objects.filter(pk=world.unit_a.pk).update(name="测试区甲单位（改名）")
    assert "（改名）" in Client().get(year).content.decode()


def test_only_the_pages_themselves_are_copied_not_searches_or_made_up_queries(world: World) -> None:
    from django.core.cache import caches

    published = world.fresh("published_a")
    year = reverse("portal:year", kwargs={"year": published.year})
    copies = caches["pages"]
    for query in ({}, {"page": "1"}, {"q": "甲"}, {"q": "甲", "page": "1"}, {"x": "1"}, {"page": "01"}, {"page": "x"}):
        assert Client().get(year, query).status_code == 200
    assert len(copies._cache) == 2  # type: ignore[attr-defined]  # the page, and its page 1
    Unit.objects.filter(pk=world.unit_a.pk).update(name="测试区甲单位（改名）")
    assert "（改名）" in Client().get(year, {"q": "甲"}).content.decode()  # a search is always fresh
    assert "（改名）" not in Client().get(year, {"page": "1"}).content.decode()
