"""The demonstration district: 南昌市东湖区财政局 and its units, in every workflow state.

The seed's unit comes from examples/donghu-2021.yaml (its real figures); the other units are
generated here with plausible but invented figures (marked 演示数据 in their profile). Some
are clean, some carry P0 findings, and each stands in a different state, reached through the
services (so the history shows who did what, as in real use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from jixiao.core.model import EvaluationKind
from jixiao.ingest.evaluation_file import load_evaluation
from jixiao.web.accounts.models import Bureau, Membership, Role, Unit
from jixiao.web.evaluations import services
from jixiao.web.evaluations.engine import canonical
from jixiao.web.evaluations.models import Evaluation, FrameworkRecord
from jixiao.web.evaluations.workflow import State

BUREAU = "南昌市东湖区财政局"
REGION = "江西省南昌市东湖区"
FRAMEWORK = "dept-generic-2020"
PROJECT_FRAMEWORK = "mof-2020-project"
YEAR = 2021
PASSWORD = "jixiao-demo-2021"
SEED_EXAMPLE = Path(__file__).resolve().parents[4] / "examples" / "donghu-2021.yaml"
DEMO_NOTE = "演示数据：单位名称取自东湖区，金额与指标为 jixiao 生成的示例，并非该单位的申报数。"

CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: Role
    unit_code: str | None = None  # None: a bureau role
    superuser: bool = False


ACCOUNTS = (
    Account("tianbao", "李填报", Role.PREPARER, "360102002"),
    Account("fuzeren", "王负责", Role.HEAD, "360102002"),
    Account("chengguan", "周城管", Role.PREPARER, "360102001"),
    Account("shenhe", "陈审核", Role.REVIEWER),
    Account("admin", "系统管理员", Role.ADMIN, superuser=True),
)


@dataclass(frozen=True)
class Spec:
    """One generated unit: its budget and indicators, and the state it is brought to."""

    code: str
    name: str
    duties: str
    initial: Decimal
    adjusted: Decimal
    rate: Decimal  # execution rate, percent
    basic_share: Decimal  # share of 基本支出 in the adjusted budget
    outputs: tuple[tuple[str, str, str, str, int, str], ...]  # l2, name, target, actual, weight, note
    effects: tuple[tuple[str, str, str, str, int, str], ...]
    satisfaction: tuple[str, int]  # value (%), sample size
    state: State
    problems: tuple[tuple[str, str], ...] = ()
    measures: tuple[str, ...] = ()
    flaws: tuple[str, ...] = ()  # deliberate mistakes that the checker must find
    extra: dict[str, Any] = field(default_factory=dict)
    year: int = YEAR


SPECS = (
    Spec(
        "360102002",
        "东湖区教育体育局",
        "负责全区学前教育、义务教育的统筹管理，学校布局规划与校舍建设，教师队伍建设，青少年体育工作。",
        Decimal("28650.30"),
        Decimal("31240.56"),
        Decimal("97.91"),
        Decimal("0.59"),
        (
            ("数量指标", "新增公办幼儿园学位数", "≥1200个", "1260个", 10, ""),
            (
                "数量指标",
                "校舍维修改造面积",
                "≥8000平方米",
                "7860平方米",
                8,
                "2 所学校因施工许可延后开工，剩余 140 平方米于次年一季度完成。",
            ),
            ("质量指标", "义务教育巩固率", "≥99%", "99.6%", 8, ""),
            ("质量指标", "教师培训合格率", "≥95%", "97.2%", 8, ""),
            ("时效指标", "维修改造项目按期完工率", "=100%", "100%", 8, ""),
            ("成本指标", "生均公用经费", "≤1100元", "1085元", 8, ""),
        ),
        (
            ("社会效益指标", "适龄儿童入园率", "≥92%", "93.5%", 10, ""),
            ("社会效益指标", "学生体质健康达标率", "≥90%", "91.3%", 10, ""),
            ("可持续影响指标", "校园安全责任制落实率", "=100%", "100%", 10, ""),
        ),
        ("94.1", 1200),
        State.DRAFT,
        problems=(("部分老旧校舍维修资金需求大，年度预算难以一次满足。", "校舍建成年代早，维修项目集中。"),),
        measures=("建立校舍维修项目库，按轻重缓急分年度安排资金。",),
    ),
    Spec(
        "360102003",
        "东湖区卫生健康委员会",
        "负责全区卫生健康事业发展规划、公共卫生服务、医疗机构监管和疾病预防控制。",
        Decimal("15320.00"),
        Decimal("18645.72"),
        Decimal("95.20"),
        Decimal("0.42"),
        (
            ("数量指标", "家庭医生签约服务人数", "≥12万人", "12.6万人", 12, ""),
            (
                "数量指标",
                "免费健康体检人次",
                "≥3.5万人次",
                "3.31万人次",
                10,
                "下半年受疫情防控影响集中体检暂停，已在次年一季度补检。",
            ),
            ("质量指标", "适龄儿童免疫规划疫苗接种率", "≥95%", "98.3%", 10, ""),
            ("时效指标", "突发公共卫生事件报告及时率", "=100%", "100%", 10, ""),
            ("成本指标", "基本公共卫生服务人均经费", "≤89元", "89元", 8, ""),
        ),
        (
            ("社会效益指标", "居民电子健康档案建档率", "≥90%", "92.4%", 15, ""),
            ("可持续影响指标", "基层医疗机构标准化建设达标率", "≥85%", "87%", 15, ""),
        ),
        ("91.6", 860),
        State.SUBMITTED,
        problems=(("基层医疗卫生人才仍显不足。", "编制和待遇对人才吸引力有限。"),),
        measures=("落实基层卫生人才招引政策，开展定向培养。",),
    ),
    Spec(
        "360102004",
        "东湖区民政局",
        "负责全区社会救助、养老服务、社区治理、社会组织管理和殡葬管理等工作。",
        Decimal("9860.50"),
        Decimal("10412.38"),
        Decimal("99.10"),
        Decimal("0.31"),
        (
            ("数量指标", "城乡低保保障人数", "≥5200人", "5318人", 12, ""),
            ("数量指标", "社区居家养老服务中心建成数", "≥6个", "5个", 10, "1 个中心选址调整，已于次年 3 月建成投用。"),
            ("质量指标", "救助资金社会化发放率", "=100%", "100%", 10, ""),
            ("时效指标", "临时救助审批办结时限", "≤10个工作日", "7个工作日", 10, ""),
            ("成本指标", "城市低保月人均补差标准", "≤810元", "805元", 8, ""),
        ),
        (
            ("社会效益指标", "困难群众应保尽保率", "=100%", "100%", 15, ""),
            ("可持续影响指标", "养老服务设施社区覆盖率", "≥90%", "92%", 15, ""),
        ),
        ("93.2", 640),
        State.SIGNED,
        problems=(("社区养老服务专业人员不足。", "养老护理岗位待遇偏低、流动性大。"),),
        measures=("开展养老护理员职业技能培训，落实岗位补贴。",),
    ),
    Spec(
        "360102005",
        "东湖区住房和城乡建设局",
        "负责全区城乡建设、老旧小区改造、建筑市场和工程质量安全监管。",
        Decimal("21400.00"),
        Decimal("26880.15"),
        Decimal("82.40"),
        Decimal("0.18"),
        (
            (
                "数量指标",
                "老旧小区改造户数",
                "≥4800户",
                "3260户",
                14,
                "两个片区改造方案调整，约 1540 户顺延至次年实施。",
            ),
            ("数量指标", "改造加装电梯台数", "≥60台", "31台", 8, "部分楼栋居民意见未达成一致，加装暂缓。"),
            ("质量指标", "改造工程验收合格率", "=100%", "100%", 10, ""),
            ("时效指标", "改造项目按期开工率", "≥90%", "62%", 10, "前期征求居民意见时间较长，开工普遍滞后。"),
            ("成本指标", "老旧小区改造户均投资", "≤3.2万元", "3.9万元", 8, "管网改造内容增加，户均投资超出计划。"),
        ),
        (
            ("社会效益指标", "改造小区居民入住率", "≥95%", "96.5%", 15, ""),
            ("可持续影响指标", "改造小区长效管理机制建立率", "≥80%", "61%", 15, "物业管理招标进度慢于计划。"),
        ),
        ("88.5", 720),
        State.RETURNED,
        problems=(("部分改造项目开工滞后。", "前期征求居民意见时间较长。"),),
        measures=("提前开展居民意见征集，压实街道责任。",),
    ),
    Spec(
        "360102006",
        "东湖区文化广电新闻出版旅游局",
        "负责全区文化事业、文化产业、广播电视、新闻出版和旅游工作。",
        Decimal("4210.00"),
        Decimal("4568.90"),
        Decimal("96.80"),
        Decimal("0.46"),
        (
            ("数量指标", "公益性文化活动场次", "≥300场", "326场", 14, ""),
            ("数量指标", "送戏进社区场次", "≥80场", "74场", 10, "汛期暂停户外演出 6 场，已调整至次年上半年。"),
            ("质量指标", "文化场馆免费开放达标率", "=100%", "100%", 10, ""),
            ("时效指标", "文化惠民活动按计划完成率", "≥95%", "97%", 8, ""),
            ("成本指标", "单场送戏进社区成本", "≤1.2万元", "1.15万元", 8, ""),
        ),
        (
            ("社会效益指标", "公共文化服务参与人次", "≥50万人次", "53.8万人次", 15, ""),
            ("可持续影响指标", "历史文化街区保护利用项目推进率", "≥90%", "92%", 15, ""),
        ),
        ("92.8", 980),
        State.APPROVED,
        problems=(("文化活动形式仍较单一。", "策划与社会力量参与不足。"),),
        measures=("引入社会力量参与公共文化服务，丰富活动形式。",),
    ),
    Spec(
        "360102007",
        "东湖区司法局",
        "负责全区法治政府建设、人民调解、社区矫正、公共法律服务和普法工作。",
        Decimal("3120.00"),
        Decimal("3385.46"),
        Decimal("98.60"),
        Decimal("0.63"),
        (
            ("数量指标", "人民调解案件数", "≥1800件", "1932件", 12, ""),
            ("数量指标", "普法宣传活动场次", "≥120场", "112场", 10, "部分集中宣传改为线上开展，未计入场次。"),
            ("质量指标", "人民调解成功率", "≥95%", "97.1%", 10, ""),
            ("时效指标", "法律援助案件受理及时率", "=100%", "100%", 10, ""),
            ("成本指标", "法律援助案件平均办案补贴", "≤2000元", "1950元", 8, ""),
        ),
        (
            ("社会效益指标", "社区矫正对象再犯罪率", "≤0.2%", "0.1%", 15, ""),
            ("可持续影响指标", "村（社区）法律顾问覆盖率", "=100%", "100%", 15, ""),
        ),
        ("95.3", 1050),
        State.PUBLISHED,
        problems=(("公共法律服务实体平台利用率不高。", "宣传推广不够。"),),
        measures=("加强公共法律服务平台宣传，推动线上线下融合。",),
    ),
    Spec(
        "360102008",
        "东湖区市场监督管理局",
        "负责全区市场主体登记、食品药品安全监管、质量技术监督和知识产权工作。",
        Decimal("6230.00"),
        Decimal("6892.40"),
        Decimal("91.00"),
        Decimal("0.55"),
        (
            ("数量指标", "食品安全抽检批次", "≥2000批次", "2150批次", 15, ""),
            ("数量指标", "特种设备检验台数", "≥3000台", "3120台", 15, ""),
            ("质量指标", "抽检不合格食品核查处置率", "=100%", "100%", 10, ""),
            ("时效指标", "投诉举报按时办结率", "≥98%", "99.2%", 10, ""),
        ),
        (
            ("社会效益指标", "食品安全群众满意度", "≥85%", "88%", 15, ""),
            ("可持续影响指标", "食品生产经营主体信用风险分级覆盖率", "≥90%", "93%", 15, ""),
        ),
        ("90.4", 500),
        State.DRAFT,
        flaws=("nature_sum", "grade"),
    ),
)

#: A unit without any evaluation yet (the overview shows it as 未填报).
NOT_STARTED = ("360102009", "东湖区退役军人事务局")
#: each demo unit's 行业 (jixiao.web.targets.selectors.DEFAULT_SECTORS), for the analytics' filter
SECTORS = {
    "360102001": "城市管理", "360102002": "教育", "360102003": "卫生健康", "360102004": "社会保障",
    "360102005": "城市管理", "360102006": "文化旅游", "360102007": "政法", "360102008": "市场监管",
    "360102009": "社会保障",
}  # fmt: skip

#: Units whose previous year is published too, so the portal has more than one year.
PREVIOUS_YEAR = ("360102007", "360102004")


def _indicators(l1: str, rows: tuple[tuple[str, str, str, str, int, str], ...]) -> list[dict[str, Any]]:
    return [
        {"l1": l1, "l2": l2, "name": name, "target": target, "actual": actual, "weight": str(weight)}
        | ({"deviation_note": note} if note else {})
        for l2, name, target, actual, weight, note in rows
    ]


def document_for(spec: Spec) -> dict[str, Any]:
    executed = (spec.adjusted * spec.rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    basic_adjusted = (spec.adjusted * spec.basic_share).quantize(CENT, rounding=ROUND_HALF_UP)
    basic_executed = min(basic_adjusted, (executed * spec.basic_share).quantize(CENT, rounding=ROUND_HALF_UP))
    project_adjusted = spec.adjusted - basic_adjusted
    project_executed = executed - basic_executed
    if "nature_sum" in spec.flaws:  # a split that does not add up to the total (P0)
        project_adjusted -= Decimal("120.00")
    satisfaction_value, sample = spec.satisfaction
    document: dict[str, Any] = {
        "kind": EvaluationKind.DEPARTMENT.value,
        "year": spec.year,
        "framework": FRAMEWORK,
        "unit": {
            "name": spec.name,
            "superior": "东湖区人民政府",
            "budget_level": "一级预算单位",
            "nature": "行政单位",
            "region": REGION,
            "duties": spec.duties,
            "organization": DEMO_NOTE,
        },
        "goals": {"overall": f"围绕{spec.name}年度重点工作，保障各项职能有效履行。"},
        "budget": {
            "unit": "万元",
            "initial": _money(spec.initial),
            "adjusted": _money(spec.adjusted),
            "executed": _money(executed),
            "carryover": _money(spec.adjusted - executed),
            "by_nature": [
                {"name": "基本支出", "adjusted": _money(basic_adjusted), "executed": _money(basic_executed)},
                {"name": "项目支出", "adjusted": _money(project_adjusted), "executed": _money(project_executed)},
            ],
            "by_source": [
                {"name": "一般公共预算财政拨款", "adjusted": _money(spec.adjusted), "executed": _money(executed)}
            ],
        },
        "indicators": _indicators("产出指标", spec.outputs)
        + _indicators("效益指标", spec.effects)
        + [
            {
                "l1": "满意度指标",
                "l2": "服务对象满意度指标",
                "name": "服务对象满意度",
                "target": "≥90%",
                "actual": f"{satisfaction_value}%",
                "weight": "10",
            }
        ],
        "satisfaction": {
            "value": satisfaction_value,
            "source": "survey",
            "sample_size": sample,
            "method": f"委托第三方开展问卷调查，回收有效问卷 {sample} 份",
        },
        "narrative": {
            "management": "按区财政局要求开展部门整体支出绩效自评，对全部项目支出开展绩效运行监控。",
            "outputs": "各项年度工作任务总体按计划完成，具体见绩效指标完成情况。",
            "effects": "履职效果良好，服务对象满意度达到预期。",
            "problems": [{"problem": p, "cause": c} for p, c in spec.problems],
            "measures": list(spec.measures),
            "results_use": "将评价结果作为编制下一年度预算的重要依据。",
            "publication": "经区财政局审核通过后，随部门决算向社会公开。",
        },
    }
    if "grade" in spec.flaws:  # a stated grade that does not match the stated score (P0)
        document["stated"] = {"total": "91.5", "grade": "良"}
    return document


def _user(account: Account) -> Any:
    user_model = get_user_model()
    user = user_model.objects.create_user(account.username, password=PASSWORD)
    user.first_name = account.full_name  # Chinese names are not split into first/last
    user.is_staff = user.is_superuser = account.superuser
    user.save()
    return user


def _staff(unit: Unit, role: Role, name: str) -> Any:
    """A unit's own people for the generated history; they cannot log in (no password)."""
    user_model = get_user_model()
    user = user_model.objects.create_user(f"{unit.code}-{role.value}", first_name=name)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


def _bring_to(evaluation: Evaluation, state: State, preparer: Any, head: Any, reviewer: Any) -> None:
    if state is State.DRAFT:
        return
    services.evaluation_submit(evaluation=evaluation, by=preparer)
    if state is State.SUBMITTED:
        return
    services.evaluation_sign_off(evaluation=evaluation, by=head)
    if state is State.SIGNED:
        return
    if state is State.RETURNED:
        services.evaluation_return(
            evaluation=evaluation,
            by=reviewer,
            comment="老旧小区改造户数、按期开工率未完成年度目标，请补充偏差原因分析及改进措施；预算执行率偏低，请说明原因。",
        )
        return
    services.evaluation_approve(evaluation=evaluation, by=reviewer, comment="数据完整，计分准确，同意通过。")
    if state is State.PUBLISHED:
        services.evaluation_publish(evaluation=evaluation, by=reviewer)


def demo_exists() -> bool:
    return Bureau.objects.filter(name=BUREAU).exists()


@transaction.atomic
def load_demo(example: Path = SEED_EXAMPLE) -> int:
    """Create the demo bureau, units, accounts and evaluations; returns how many evaluations."""
    services.framework_sync_builtin()
    framework = FrameworkRecord.objects.filter(framework_id=FRAMEWORK).order_by("-created_at").first()
    assert framework is not None, f"缺少内置评分标准 {FRAMEWORK}"
    project_standard = FrameworkRecord.objects.for_kind(EvaluationKind.PROJECT.value).filter(
        framework_id=PROJECT_FRAMEWORK
    )
    bureau = Bureau.objects.create(
        name=BUREAU,
        region=REGION,
        department_framework=framework,
        project_framework=project_standard.order_by("-created_at").first(),
    )
    seed_doc = canonical(load_evaluation(example))
    seed_code = "360102001"
    units = {seed_code: Unit.objects.create(bureau=bureau, code=seed_code, name=seed_doc["unit"]["name"],
                                            sector=SECTORS[seed_code])}  # fmt: skip
    for spec in SPECS:
        units[spec.code] = Unit.objects.create(bureau=bureau, code=spec.code, name=spec.name, sector=SECTORS[spec.code])
    units[NOT_STARTED[0]] = Unit.objects.create(
        bureau=bureau, code=NOT_STARTED[0], name=NOT_STARTED[1], sector=SECTORS[NOT_STARTED[0]]
    )

    users = {}
    for account in ACCOUNTS:
        users[account.username] = _user(account)
        if account.unit_code:
            Membership.objects.create(user=users[account.username], role=account.role, unit=units[account.unit_code])
        else:
            Membership.objects.create(user=users[account.username], role=account.role, bureau=bureau)
    reviewer = users["shenhe"]

    count = 0
    seed_unit = units["360102001"]
    _staff(seed_unit, Role.HEAD, "城管办负责人")  # the seed unit has a head too (its evaluation is a draft)
    services.evaluation_create(
        unit=seed_unit,
        year=YEAR,
        kind=EvaluationKind.DEPARTMENT,
        framework=framework,
        by=users["chengguan"],
        document=seed_doc,
    )
    count += 1
    for spec in SPECS:
        unit = units[spec.code]
        if spec.code == "360102002":
            preparer, head = users["tianbao"], users["fuzeren"]
        else:
            short = spec.name.removeprefix("东湖区")
            preparer = _staff(unit, Role.PREPARER, f"{short}填报员")
            head = _staff(unit, Role.HEAD, f"{short}负责人")
        if spec.code in PREVIOUS_YEAR:
            earlier = Spec(**{**spec.__dict__, "year": YEAR - 1, "rate": spec.rate - Decimal("1.3")})
            previous = services.evaluation_create(
                unit=unit,
                year=YEAR - 1,
                kind=EvaluationKind.DEPARTMENT,
                framework=framework,
                by=preparer,
                document=document_for(earlier),
            )
            _bring_to(previous, State.PUBLISHED, preparer, head, reviewer)
            count += 1
        evaluation = services.evaluation_create(
            unit=unit,
            year=YEAR,
            kind=EvaluationKind.DEPARTMENT,
            framework=framework,
            by=preparer,
            document=document_for(spec),
        )
        _bring_to(evaluation, spec.state, preparer, head, reviewer)
        count += 1
    return count
