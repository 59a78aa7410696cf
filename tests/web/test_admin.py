"""System administration: frameworks validated by the core; evaluations read-only there."""

from __future__ import annotations

from django.urls import reverse

from jixiao.web.evaluations.admin import FrameworkRecordForm
from jixiao.web.evaluations.engine import builtin_framework_texts
from jixiao.web.evaluations.models import FrameworkRecord
from tests.web.world import World


def test_shipped_frameworks_are_registered_after_migrate(db: None) -> None:
    shipped = {(b.framework.id, b.framework.version) for b in builtin_framework_texts()}
    assert shipped <= set(FrameworkRecord.objects.values_list("framework_id", "version"))


def test_an_invalid_framework_is_refused_naming_the_place(db: None) -> None:
    text = builtin_framework_texts()[0].yaml_text.replace("total: 100", "total: 90", 1)
    form = FrameworkRecordForm(data={"yaml_text": text})
    assert not form.is_valid()
    assert "评分标准无效" in str(form.errors["yaml_text"]) and "总分" in str(form.errors["yaml_text"])


def test_a_new_version_of_a_framework_is_accepted_with_its_fields_read_from_the_yaml(db: None) -> None:
    original = builtin_framework_texts()[0]
    duplicate = FrameworkRecordForm(data={"yaml_text": original.yaml_text})
    assert not duplicate.is_valid() and "提高 version" in str(duplicate.errors)
    text = original.yaml_text.replace(f'version: "{original.framework.version}"', 'version: "2099"', 1)
    form = FrameworkRecordForm(data={"yaml_text": text})
    assert form.is_valid(), form.errors
    record = form.save()
    assert (record.framework_id, record.version, record.title) == (
        original.framework.id,
        "2099",
        original.framework.title,
    )


def test_admin_pages_open_and_evaluations_cannot_be_changed_there(world: World, client) -> None:
    client.force_login(world.admin)
    for name in ("frameworkrecord", "evaluation", "auditevent"):
        assert client.get(reverse(f"admin:evaluations_{name}_changelist")).status_code == 200
    for name in ("unit", "bureau", "membership"):
        assert client.get(reverse(f"admin:accounts_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_change", args=[world.prep_a.pk])).status_code == 200
    record = world.framework
    assert client.get(reverse("admin:evaluations_frameworkrecord_change", args=[record.pk])).status_code == 200
    evaluation = world.evaluations["draft_a"]
    assert client.get(reverse("admin:evaluations_evaluation_add")).status_code == 403
    page = client.get(reverse("admin:evaluations_evaluation_change", args=[evaluation.pk]))
    assert page.status_code == 200 and 'name="state"' not in page.content.decode()


def test_the_migrations_match_the_models(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits non-zero when a migration is missing
    assert "No changes detected" in out.getvalue()


def test_the_administrator_sets_a_units_sector_from_the_bureaus_list(world: World, client) -> None:
    from jixiao.web.accounts.admin import UnitForm
    from jixiao.web.targets import services as targets_services

    unit = world.unit_a
    data = {"bureau": unit.bureau_id, "name": unit.name, "code": unit.code, "superior": "", "sector": "航天"}
    form = UnitForm(data=data, instance=unit)
    assert not form.is_valid() and "不在" in str(form.errors["sector"]) and "教育" in str(form.errors["sector"])
    form = UnitForm(data={**data, "sector": "教育"}, instance=unit)
    assert form.is_valid(), form.errors
    form.save()
    unit.refresh_from_db()
    assert unit.sector == "教育"
    # once the bureau's indicator library names sectors, those are the list
    targets_services.library_seed(unit.bureau, world.reviewer)
    assert not UnitForm(data={**data, "sector": "政法"}, instance=unit).is_valid()
    assert UnitForm(data={**data, "sector": "城市管理"}, instance=unit).is_valid()
    client.force_login(world.admin)
    assert client.get(reverse("admin:accounts_unit_change", args=[unit.pk])).status_code == 200
