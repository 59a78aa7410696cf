"""Questionnaire templates (问卷模板) for the common cases, as data.

Each names its respondent groups with their weights (percent) and its questions; the last
question is the overall one (总体满意度) the satisfaction rate is computed from, so a rate
has one answer per respondent and the sample size is the number of valid questionnaires.
The three-group department template follows practice such as Dazhou's 3 : 3 : 4 weighting.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Blueprint:
    code: str
    label: str
    title: str  # "{unit}" is replaced by the unit's name
    intro: str
    groups: tuple[tuple[str, Decimal], ...]
    questions: tuple[str, ...]  # the last one is the overall question


_INTRO = (
    "为了解{unit}的服务质量和履职效果，我们开展本次满意度调查。问卷匿名填写，约需 1 分钟，"
    "结果仅用于预算绩效评价。感谢您的支持！"
)

BLUEPRINTS: dict[str, Blueprint] = {
    blueprint.code: blueprint
    for blueprint in (
        Blueprint(
            code="service",
            label="服务对象满意度（通用，一组）",
            title="{unit}服务对象满意度调查",
            intro=_INTRO,
            groups=(("服务对象", Decimal(100)),),
            questions=(
                "工作人员的服务态度",
                "办事效率和办理时限",
                "政策和办事信息的公开、告知",
                "服务设施和办事环境",
                "总体而言，您对本单位的服务是否满意",
            ),
        ),
        Blueprint(
            code="department",
            label="部门整体（服务对象、社会公众、协作部门三组，权重 3 : 3 : 4）",
            title="{unit}部门整体支出绩效满意度调查",
            intro=_INTRO,
            groups=(("服务对象", Decimal(30)), ("社会公众", Decimal(30)), ("协作部门", Decimal(40))),
            questions=(
                "履行职责、完成年度工作任务的情况",
                "服务态度和工作作风",
                "办事效率",
                "信息公开和政策宣传",
                "总体而言，您对本单位的工作是否满意",
            ),
        ),
        Blueprint(
            code="project",
            label="项目受益对象满意度（一组）",
            title="{unit}项目受益对象满意度调查",
            intro=_INTRO,
            groups=(("受益对象", Decimal(100)),),
            questions=(
                "项目实施的质量",
                "项目实施的及时性",
                "项目带来的实际效果",
                "总体而言，您对本项目是否满意",
            ),
        ),
    )
}
