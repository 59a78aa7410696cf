"""Surveys in the admin: readable, never editable. Answers are evidence; the pages and
services are the only way in, and nothing changes a sent questionnaire."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from jixiao.web.surveys.models import Answer, Response, Survey


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnly):
    list_display = ("title", "evaluation", "state", "opens_at", "closes_at")


@admin.register(Response)
class ResponseAdmin(ReadOnly):
    list_display = ("pk", "survey", "group", "submitted_at")
    list_filter = ("survey",)


@admin.register(Answer)
class AnswerAdmin(ReadOnly):
    list_display = ("response", "question", "level")
