"""Import a filled table or an evaluation file: show what was read, save only on confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from jixiao.testing import tablegen
from jixiao.web.evaluations.models import AuditAction
from tests.web.world import World

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "donghu-2021.yaml"


def _state(world: World) -> tuple:
    fresh = world.fresh("draft_a")
    return fresh.lock_version, fresh.current_version.document, fresh.audit_events.count()


def _upload(client, world: World, name: str, content: bytes):
    url = reverse("evaluations:import", kwargs={"pk": world.evaluations["draft_a"].pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_an_evaluation_file_is_previewed_then_saved_on_confirmation(world: World, client) -> None:
    before = _state(world)
    client.force_login(world.prep_a)
    preview = _upload(client, world, "donghu-2021.yaml", EXAMPLE.read_bytes())
    page = preview.content.decode()
    assert preview.status_code == 200 and "尚未保存" in page
    assert "东湖区城市综合管理协调领导小组办公室" in page and "1464.48" in page and "满意度无调查依据" in page
    assert _state(world) == before
    payload = preview.context["payload"]
    done = client.post(
        reverse("evaluations:import_confirm", kwargs={"pk": world.evaluations["draft_a"].pk}),
        {"payload": payload, "lock_version": before[0], "confirm_unit": "1"},  # the seed is another unit's
    )
    assert done.status_code == 302
    after = world.fresh("draft_a")
    document = after.current_version.document
    assert document["budget"]["adjusted"] == "1464.48"
    assert document["sources"]["budget"].startswith("自评报告")  # every figure keeps its source
    event = after.audit_events.first()
    assert event.action == AuditAction.IMPORT and "donghu-2021.yaml" in event.note and event.changes


def test_a_filled_xlsx_table_is_read_by_the_core_importer(world: World, client, tmp_path: Path) -> None:
    path, _ = tablegen.write_case("R15", tmp_path)  # a real-layout 部门整体 table, 2021
    client.force_login(world.prep_a)
    preview = _upload(client, world, "零陵区林业局自评表.xlsx", path.read_bytes())
    assert preview.status_code == 200, preview.content.decode()
    page = preview.content.decode()
    assert "零陵区林业局" in page and "4753.66" in page
    client.post(
        reverse("evaluations:import_confirm", kwargs={"pk": world.evaluations["draft_a"].pk}),
        {
            "payload": preview.context["payload"],
            "lock_version": world.fresh("draft_a").lock_version,
            "confirm_unit": "1",
        },
    )
    document = world.fresh("draft_a").current_version.document
    assert document["unit"]["name"] == world.unit_a.name  # the registered name, the file's is in the note
    assert document["sources"]["budget.adjusted"] == "零陵区林业局自评表.xlsx:部门整体支出绩效自评表!E5"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("坏.yaml", "kind: 部门整体\nyear: [".encode(), "YAML 格式错误"),
        ("负数.yaml", "kind: 部门整体\nyear: 2021\nunit: {name: 甲}\nbudget: {adjusted: -1}\n".encode(), "不能为负数"),
        ("错年.yaml", "kind: 部门整体\nyear: 2019\nunit: {name: 甲}\n".encode(), "与本自评的 2021 年度不一致"),
        ("项目.yaml", "kind: 项目\nyear: 2021\nunit: {name: 甲}\nproject: {name: 乙}\n".encode(), "项目支出"),
        ("报告.docx", b"PK\x03\x04", "不支持的文件类型"),
        ("坏表.xlsx", b"not a zip at all", "坏表.xlsx"),
    ],
)
def test_a_file_that_cannot_be_imported_changes_nothing(
    world: World, client, name: str, content: bytes, message: str
) -> None:
    before = _state(world)
    client.force_login(world.prep_a)
    response = _upload(client, world, name, content)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "jixiao-import-" not in page
    assert _state(world) == before


@override_settings(IMPORT_MAX_BYTES=100)
def test_an_oversized_file_is_refused(world: World, client) -> None:
    client.force_login(world.prep_a)
    page = _upload(client, world, "大.yaml", b"#" * 200).content.decode()
    assert "超过上限" in page


def test_a_tampered_or_stale_confirmation_changes_nothing(world: World, client) -> None:
    before = _state(world)
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:import_confirm", kwargs={"pk": world.evaluations["draft_a"].pk}),
        {"payload": "forged", "lock_version": before[0]},
        follow=True,
    )
    assert "已过期或不完整" in response.content.decode()
    assert _state(world) == before


def test_a_confirmation_after_someone_else_saved_is_a_conflict(world: World, client) -> None:
    client.force_login(world.prep_a)
    preview = _upload(client, world, "donghu-2021.yaml", EXAMPLE.read_bytes())
    stale = world.fresh("draft_a").lock_version
    edit = reverse("evaluations:edit", kwargs={"pk": world.evaluations["draft_a"].pk, "section": "narrative"})
    client.force_login(world.head_a)
    client.post(edit, {"lock_version": stale, "narrative.effects": "负责人改了"})
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:import_confirm", kwargs={"pk": world.evaluations["draft_a"].pk}),
        {"payload": preview.context["payload"], "lock_version": stale, "confirm_unit": "1"},
        follow=True,
    )
    assert "甲负责" in response.content.decode()
    assert world.fresh("draft_a").current_version.document["narrative"]["effects"] == "负责人改了"


def _confirm(client, world: World, preview, **extra: str):
    return client.post(
        reverse("evaluations:import_confirm", kwargs={"pk": world.evaluations["draft_a"].pk}),
        {"payload": preview.context["payload"], "lock_version": world.fresh("draft_a").lock_version, **extra},
        follow=True,
    )


def test_another_units_file_needs_a_confirmation_that_is_recorded(world: World, client) -> None:
    client.force_login(world.prep_a)
    before = _state(world)
    preview = _upload(client, world, "donghu-2021.yaml", EXAMPLE.read_bytes())
    page = preview.content.decode()
    expected = "文件中的单位是“东湖区城市综合管理协调领导小组办公室”，本自评的单位是“测试区甲单位”（单位编码 A001）"
    assert expected in page and 'name="confirm_unit" value="1" required' in page
    refused = _confirm(client, world, preview).content.decode()
    assert f"{expected}。请确认这是本单位的自评表后再导入，文件未导入" in refused
    assert _state(world) == before
    _confirm(client, world, preview, confirm_unit="1")
    after = world.fresh("draft_a")
    assert after.current_version.document["unit"]["name"] == "测试区甲单位"
    assert after.current_version.document["budget"]["adjusted"] == "1464.48"
    event = after.audit_events.first()
    assert (event.action, event.actor) == (AuditAction.IMPORT, world.prep_a)
    assert event.note == f"导入文件：donghu-2021.yaml；{expected}，经导入人确认，按本单位名称保存"


@pytest.mark.parametrize("written", ["测试区甲单位", " 测试区 甲单位 ", "A001"])
def test_the_units_own_file_needs_no_confirmation(world: World, client, written: str) -> None:
    client.force_login(world.prep_a)
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  name: 东湖区城市综合管理协调领导小组办公室", f'  name: "{written}"', 1
    )
    preview = _upload(client, world, "本单位.yaml", text.encode("utf-8"))
    assert "单位不一致" not in preview.content.decode() and "confirm_unit" not in preview.content.decode()
    _confirm(client, world, preview)
    after = world.fresh("draft_a")
    assert after.current_version.document["unit"]["name"] == "测试区甲单位"
    assert after.audit_events.first().note == "导入文件：本单位.yaml"
