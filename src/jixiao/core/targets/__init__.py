"""The year before the self-evaluation: performance targets (绩效目标申报) and monitoring (运行监控).

Pure core, like the rest of :mod:`jixiao.core`: no I/O, no Django. The yearly cycle is
目标申报 → 运行监控 → 自评 → 整改/结果应用 (docs/targets.md#cycle):

- :mod:`.model` — the declaration, its indicators and the bureau's indicator library;
- :mod:`.review` — the target review rulebook (codes ``TARGET_*``);
- :mod:`.monitoring` — monitoring reports, execution against 序时进度 and the traffic lights;
- :mod:`.followup` — what the self-evaluation checks against the approved targets and monitoring.
"""

from jixiao.core.targets.codes import TargetCode
from jixiao.core.targets.model import (
    Declaration,
    DeclarationKind,
    Funds,
    LibraryEntry,
    TargetIndicator,
)
from jixiao.core.targets.monitoring import (
    IndicatorReport,
    Light,
    LightRules,
    Likelihood,
    MonitoringBudget,
    MonitoringReport,
    ProjectLights,
    check_monitoring,
    lights_for,
)
from jixiao.core.targets.review import check_declaration

__all__ = [
    "Declaration",
    "DeclarationKind",
    "Funds",
    "IndicatorReport",
    "LibraryEntry",
    "Light",
    "LightRules",
    "Likelihood",
    "MonitoringBudget",
    "MonitoringReport",
    "ProjectLights",
    "TargetCode",
    "TargetIndicator",
    "check_declaration",
    "check_monitoring",
    "lights_for",
]
