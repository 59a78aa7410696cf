"""``python -m jixiao.web demo``: the demo district in every state, and the accounts it prints."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from jixiao.web.accounts.models import Bureau
from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.results import selectors
from jixiao.web.results.models import DepartmentEvaluation


@pytest.mark.django_db
@override_settings(DEMO=True)
def test_the_demo_loads_every_state_and_prints_working_accounts() -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    for account in demo.ACCOUNTS:
        assert account.username in text
    assert demo.PASSWORD in text
    states = set(Evaluation.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "signed", "returned", "approved", "published"}
    seed = Evaluation.objects.get(unit__code="360102001")
    assert seed.current_version.p0_count >= 1 and seed.current_version.document["budget"]["adjusted"] == "1464.48"
    assert Evaluation.objects.filter(current_version__p0_count=0).count() >= 6
    # monitoring over two years, lights that differ, one project not yet reported (docs/results.md#analytics)
    bureau = Bureau.objects.get(name=demo.BUREAU)
    lights = selectors.analytics(bureau, selectors.Filters(demo.YEAR)).chart("lights")
    assert lights.headers == ("监控轮次", "绿灯", "黄灯", "红灯", "未填报", "合计")
    assert lights.rows == [
        (f"{demo.YEAR - 1}年1—7月", 2, 1, 1, 0, 4),
        (f"{demo.YEAR - 1}年1—10月", 2, 0, 2, 0, 4),
        (f"{demo.YEAR}年1—7月", 2, 0, 1, 1, 4),
    ]
    client = Client()
    assert client.post("/accounts/login/", {"username": "tianbao", "password": demo.PASSWORD}).status_code == 302
    # Running it again keeps the data.
    call_command("demo", "--no-serve", stdout=StringIO())
    assert Evaluation.objects.count() == len(demo.SPECS) + 1 + len(demo.PREVIOUS_YEAR) + 4  # 4 projects
    # 部门评价 of every other project: the coverage page shows the department line
    assert DepartmentEvaluation.objects.filter(evaluation__year=demo.YEAR).count() == 2
    client.force_login(get_user_model().objects.get(username="shenhe"))
    page = client.get("/results/coverage/", {"year": demo.YEAR}).content.decode()
    assert "本年度部门评价项目 2 个，占全部 4 个项目的 50.00%" in page


@pytest.mark.django_db
def test_the_demo_refuses_to_run_outside_demo_mode() -> None:
    with pytest.raises(CommandError, match="JIXIAO_DEMO=1"):
        call_command("demo", "--no-serve")
