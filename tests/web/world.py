"""The test world: bureaus, units, the personas and evaluations in each workflow state.

Personas (every view has an allowed and a forbidden test with them):

``prep_a``   填报人 of unit A          ``head_a``          单位负责人 of unit A
``prep_b``   填报人 of unit B (same bureau, another unit)
``reviewer`` 财政审核人 of bureau 1 (units A and B)
``reviewer_other`` 财政审核人 of bureau 2 (unit C only)
``admin``    管理员 of bureau 1 and superuser        ``anon``  not logged in
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Bureau, Membership, Role, Unit
from jixiao.web.accounts.services import api_token_create
from jixiao.web.evaluations import demo, services
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion, Evidence, FrameworkRecord
from jixiao.web.evaluations.workflow import State

PERSONAS = ("anon", "prep_a", "head_a", "prep_b", "reviewer", "reviewer_other", "admin")
YEAR = 2021

#: The smallest valid PDF-looking file: what the sniffer needs is the magic number.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def clean_document(unit_name: str, year: int = YEAR) -> dict[str, Any]:
    """A 部门整体 document the checker finds no P0 in (the demo's 教育体育局, renamed)."""
    spec = demo.SPECS[0]
    document = demo.document_for(spec)
    document["unit"]["name"] = unit_name
    document["year"] = year
    return copy.deepcopy(document)


def p0_document(unit_name: str, year: int = YEAR) -> dict[str, Any]:
    """A document with a P0 finding: satisfaction claimed without any survey."""
    document = clean_document(unit_name, year)
    document["satisfaction"] = {"value": "80", "source": "none", "method": "未开展调查，估计"}
    document["indicators"][-1]["actual"] = "80%"
    return document


def pdf_upload(name: str = "台账.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def user(username: str, full_name: str = "", **flags: Any) -> Any:
    model = get_user_model()
    created = model.objects.create_user(username, password="correct-horse-battery", first_name=full_name, **flags)
    return created


@dataclass
class World:
    bureau: Bureau
    other_bureau: Bureau
    unit_a: Unit
    unit_b: Unit
    unit_c: Unit
    framework: FrameworkRecord
    users: dict[str, Any]
    evaluations: dict[str, Evaluation] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # persona → API key

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def fresh(self, key: str) -> Evaluation:
        """The evaluation as the database has it now."""
        return Evaluation.objects.with_related().get(pk=self.evaluations[key].pk)

    def create(self, unit: Unit, document: dict[str, Any], by: Any, year: int = YEAR) -> Evaluation:
        return services.evaluation_create(
            unit=unit, year=year, kind=EvaluationKind.DEPARTMENT, framework=self.framework, by=by, document=document
        )

    def project(self, name: str, amount: str, unit: Unit | None = None, year: int = YEAR) -> Evaluation:
        """A bare 项目支出 evaluation of ``unit`` (unit A) with only its full-year budget, for coverage."""
        evaluation = Evaluation.objects.create(
            unit=unit or self.unit_a, year=year, kind="project", project=name, framework=self.framework
        )
        version = EvaluationVersion.objects.create(
            evaluation=evaluation, number=1, document={"budget": {"adjusted": amount, "unit": "万元"}}
        )
        evaluation.current_version = version
        evaluation.save(update_fields=["current_version"])
        return evaluation

    def client(self, persona: str) -> Client:
        """A browser signed in as ``persona``."""
        signed_in = Client()
        signed_in.force_login(self.users[persona])
        return signed_in


def _bring(world: World, evaluation: Evaluation, state: State) -> Evaluation:
    steps = [State.SUBMITTED, State.SIGNED, State.APPROVED, State.PUBLISHED]
    for step in steps[: steps.index(state) + 1]:
        evaluation = Evaluation.objects.with_related().get(pk=evaluation.pk)
        if step is State.SUBMITTED:
            services.evaluation_submit(evaluation=evaluation, by=world.prep_a)
        elif step is State.SIGNED:
            services.evaluation_sign_off(evaluation=evaluation, by=world.head_a)
        elif step is State.APPROVED:
            services.evaluation_approve(evaluation=evaluation, by=world.reviewer)
        else:
            services.evaluation_publish(evaluation=evaluation, by=world.reviewer)
    return evaluation


def build_world() -> World:
    framework = FrameworkRecord.objects.get(framework_id=demo.FRAMEWORK)
    bureau = Bureau.objects.create(name="测试区财政局")
    other = Bureau.objects.create(name="另一区财政局")
    unit_a = Unit.objects.create(bureau=bureau, code="A001", name="测试区甲单位")
    unit_b = Unit.objects.create(bureau=bureau, code="B001", name="测试区乙单位")
    unit_c = Unit.objects.create(bureau=other, code="C001", name="另一区丙单位")
    users = {
        "prep_a": user("prep_a", "甲填报"),
        "head_a": user("head_a", "甲负责"),
        "prep_b": user("prep_b", "乙填报"),
        "reviewer": user("reviewer", "本区审核"),
        "reviewer_other": user("reviewer_other", "外区审核"),
        "admin": user("admin", "管理员", is_staff=True, is_superuser=True),
        "anon": None,
    }
    Membership.objects.create(user=users["prep_a"], role=Role.PREPARER, unit=unit_a)
    Membership.objects.create(user=users["head_a"], role=Role.HEAD, unit=unit_a)
    Membership.objects.create(user=users["prep_b"], role=Role.PREPARER, unit=unit_b)
    Membership.objects.create(user=users["reviewer"], role=Role.REVIEWER, bureau=bureau)
    Membership.objects.create(user=users["reviewer_other"], role=Role.REVIEWER, bureau=other)
    Membership.objects.create(user=users["admin"], role=Role.ADMIN, bureau=bureau)
    world = World(bureau, other, unit_a, unit_b, unit_c, framework, users)
    world.tokens = {name: api_token_create(user=u)[1] for name, u in users.items() if u is not None}

    # Unit A: one evaluation per state (different years), the draft with one evidence file.
    draft = world.create(unit_a, clean_document(unit_a.name), world.prep_a)
    world.evaluations["draft_a"] = draft
    world.evidence["draft_a"] = services.evidence_add(
        evaluation=world.fresh("draft_a"),
        indicator_index=0,
        upload=pdf_upload(),
        by=world.prep_a,
        expected_lock_version=world.fresh("draft_a").lock_version,
    )
    for offset, state in enumerate((State.SUBMITTED, State.SIGNED, State.APPROVED, State.PUBLISHED), start=1):
        year = YEAR - offset
        created = world.create(unit_a, clean_document(unit_a.name, year), world.prep_a, year=year)
        world.evaluations[f"{state.value}_a"] = _bring(world, created, state)
    world.evaluations["p0_a"] = world.create(unit_a, p0_document(unit_a.name, YEAR - 5), world.prep_a, year=YEAR - 5)

    draft_b = world.create(unit_b, clean_document(unit_b.name), world.prep_b)
    world.evaluations["draft_b"] = draft_b
    world.evidence["draft_b"] = services.evidence_add(
        evaluation=world.fresh("draft_b"),
        indicator_index=0,
        upload=pdf_upload("乙.pdf"),
        by=world.prep_b,
        expected_lock_version=world.fresh("draft_b").lock_version,
    )
    prep_c = user("prep_c", "丙填报")
    Membership.objects.create(user=prep_c, role=Role.PREPARER, unit=unit_c)
    world.evaluations["draft_c"] = world.create(unit_c, clean_document(unit_c.name), prep_c)
    return world
