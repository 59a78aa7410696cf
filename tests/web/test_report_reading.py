"""The reviewer's report pages (docs/web.md#report-reading): upload one or many reports, read each with
its findings marked, accept or correct a value, turn it into a unit's draft; isolated by bureau."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.web.evaluations.models import AuditAction, Evaluation
from jixiao.web.jobs.models import Job, JobKind
from jixiao.web.reviews import services
from jixiao.web.reviews.models import ReportReading
from tests.web.world import World

REPORT = (
    "测试区甲单位部门整体支出绩效自评报告\n（2016年度）\n一、部门概况\n"
    "我单位2016年初部门预算收入为100万元，调整预算收入数为120万元。\n"
    "我单位2016年决算支出总计130万元，部门预算执行率为108.3%，年末结转和结余为0万元。\n"
    "二、绩效情况\n我单位单位目前没有开展满意度调查，本次满意度指标完成值按85%进行评分。\n"
    "三、评价结果\n自评得分88分，评价等级为“良”。\n测试区甲单位\n2017年3月1日\n"
)


def upload(client, *files: tuple[str, bytes]):
    return client.post(reverse("reviews:reports"), {"files": [SimpleUploadedFile(n, c) for n, c in files]})


def test_a_reviewer_reads_a_report_sees_its_findings_marked_and_makes_a_draft(world: World, client) -> None:
    client.force_login(world.reviewer)
    response = upload(client, ("甲单位2016.txt", REPORT.encode()))
    reading = ReportReading.objects.get()
    assert response.status_code == 302 and response.url == reverse("reviews:report", args=[reading.pk])
    assert reading.bureau == world.bureau and reading.error == ""
    page = client.get(response.url).content.decode()
    assert "BUDGET_OVERSPENT_UNEXPLAINED" in page and "SATISFACTION_WITHOUT_SURVEY" in page
    assert '<mark class="finding-mark sev-mark-P0"' in page  # the satisfaction sentence, marked
    assert "本次满意度指标完成值按85%进行评分" in page
    values = {v["path"]: v for v in reading.data["values"]}
    assert values["budget.executed"]["value"] == "130" and "决算支出总计130万元" in values["budget.executed"]["source"]

    value_url = reverse("reviews:report_value", args=[reading.pk])
    accept = client.post(value_url, {"path": "budget.adjusted", "do": "accept"})
    correct = client.post(reverse("reviews:report_value", args=[reading.pk]),
                          {"path": "budget.executed", "do": "correct", "value": "125"})  # fmt: skip
    bad = client.post(reverse("reviews:report_value", args=[reading.pk]),
                      {"path": "budget.carryover", "do": "correct", "value": "很多"})  # fmt: skip
    assert accept.status_code == correct.status_code == bad.status_code == 302
    reading.refresh_from_db()
    assert reading.corrections["budget.adjusted"]["status"] == "accepted"
    assert reading.corrections["budget.executed"] == {**reading.corrections["budget.executed"], "value": "125",
                                                       "read": "130", "status": "corrected", "by": "reviewer"}
    assert "budget.carryover" not in reading.corrections

    done = client.post(reverse("reviews:report_draft", args=[reading.pk]), {"unit": world.unit_b.pk})
    evaluation = Evaluation.objects.get(unit=world.unit_b, year=2016)
    assert done.status_code == 302 and done.url == reverse("evaluations:detail", args=[evaluation.pk])
    assert evaluation.state == "draft"
    document = evaluation.current_version.document
    assert document["budget"]["executed"] == "125" and document["budget"]["adjusted"] == "120"
    executed_source = document["sources"]["budget.executed"]
    assert "审核人 reviewer" in executed_source and "原读作 130" in executed_source
    assert "调整预算收入数为120万元" in document["sources"]["budget.adjusted"]
    event = evaluation.audit_events.get()
    assert event.action == AuditAction.IMPORT and event.actor == world.reviewer
    assert "确认 1 项、更正 1 项" in event.note and event.changes["corrections"]["budget.executed"]["value"] == "125"
    again = client.post(reverse("reviews:report_draft", args=[reading.pk]), {"unit": world.unit_b.pk})
    assert again.status_code == 302 and Evaluation.objects.filter(unit=world.unit_b, year=2016).count() == 1


def test_many_reports_at_once_with_a_bad_one(world: World, client) -> None:
    client.force_login(world.reviewer)
    response = upload(client, ("a.txt", REPORT.encode()), ("b.docx", b"PK\x03\x04broken"), ("c.xls", b"x"))
    assert response.status_code == 302 and response.url == reverse("reviews:reports")
    readings = {r.filename: r for r in ReportReading.objects.all()}
    assert readings["a.txt"].error == "" and "Word 文件已损坏" in readings["b.docx"].error
    assert "不支持的文件类型" in readings["c.xls"].error
    page = client.get(reverse("reviews:reports")).content.decode()
    assert "无法读取：" in page and "测试区甲单位 · 2016" in page


def test_readings_are_isolated_by_bureau(world: World, client) -> None:
    client.force_login(world.reviewer)
    upload(client, ("a.txt", REPORT.encode()))
    reading = ReportReading.objects.get()
    for persona in ("reviewer_other", "prep_a", "head_a"):
        client.force_login(getattr(world, persona))
        assert client.get(reverse("reviews:report", args=[reading.pk])).status_code in (403, 404), persona
        denied = client.post(reverse("reviews:report_draft", args=[reading.pk]), {"unit": world.unit_a.pk})
        assert denied.status_code in (403, 404), persona
    client.force_login(world.reviewer_other)
    assert "a.txt" not in client.get(reverse("reviews:reports")).content.decode()
    client.force_login(world.reviewer)  # a unit of another bureau is refused
    client.post(reverse("reviews:report_draft", args=[reading.pk]), {"unit": world.unit_c.pk})
    assert not Evaluation.objects.filter(unit=world.unit_c, year=2016).exists()


def test_the_upload_limit(world: World, client, settings, monkeypatch) -> None:
    client.force_login(world.reviewer)
    monkeypatch.setattr(services, "REPORT_UPLOAD_MAX_FILES", 3)
    many = [(f"{i}.txt", REPORT.encode()) for i in range(4)]
    response = upload(client, *many)
    assert response.status_code == 302 and not ReportReading.objects.exists()
    settings.IMPORT_MAX_BYTES = 100
    upload(client, ("big.txt", REPORT.encode()))
    assert "超过上限" in ReportReading.objects.get().error


def test_a_larger_upload_is_read_by_a_background_job(
    world: World, client, settings, tmp_path: Path, run_worker
) -> None:
    settings.INSTANCE_DIR = tmp_path
    client.force_login(world.reviewer)
    count = services.REPORT_READ_AT_ONCE + 2
    files = [(f"{i}.txt", REPORT.encode()) for i in range(count - 1)] + [("坏.docx", b"PK\x03\x04broken")]
    response = upload(client, *files)
    assert response.status_code == 302 and not ReportReading.objects.exists()  # nothing read in the request
    job = Job.objects.get(kind=JobKind.READ_REPORTS.value)
    assert job.owner == world.reviewer and job.total == count
    assert f"后台读取 {count} 份" in client.get(reverse("reviews:reports")).content.decode()
    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and job.done == count and f"{count - 1} 份报告，1 份无法读取" in job.message
    readings = ReportReading.objects.filter(bureau=world.bureau)
    assert readings.count() == count and readings.filter(error="").count() == count - 1
    assert not any((tmp_path / "report-uploads").iterdir())  # the stored files are gone once read
