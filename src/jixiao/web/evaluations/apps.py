from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_frameworks(sender: Any, **kwargs: Any) -> None:
    # Like contenttypes and permissions: the shipped scoring standards exist once the schema does.
    from jixiao.web.evaluations.services import framework_sync_builtin

    framework_sync_builtin()


class EvaluationsConfig(AppConfig):
    name = "jixiao.web.evaluations"
    label = "evaluations"
    verbose_name = "绩效自评"

    def ready(self) -> None:
        post_migrate.connect(_sync_frameworks, sender=self)
