"""The API's documentation page (``/api/docs``), in Chinese and without scripts.

django-ninja's default page is Swagger UI, whose buttons and headings ("Authorize", "Try it
out", "Responses") are English and drawn by JavaScript we cannot translate. This renderer
reads the same OpenAPI description (``/api/openapi.json``) and lays it out as a plain page:
how to authenticate, every operation with its parameters, request body and answers, and the
fields of every schema (docs/web.md#接口json-api).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

#: What each answer means, in the words the API's own messages use.
STATUS_WORDS = {
    "200": "成功",
    "202": "已受理：报告正在后台生成，稍后再取",
    "401": "缺少或无效的接口密钥",
    "403": "该角色不允许此操作",
    "404": "未找到，或无权查看（不透露是否存在）",
    "409": "冲突：公开版含假设值等，不能生成",
    "413": "请求内容太大",
    "422": "内容或参数不合法（指出字段路径）",
    "429": "请求过于频繁，请稍后再试",
    "500": "服务器内部错误（程序缺陷，详细错误只写入日志），请联系管理员",
    "503": "暂时不能提供（数据库暂时无法连接、缺少 LibreOffice、PDF 尚未生成），稍后再试",
}
PLACES = {"path": "路径", "query": "查询", "header": "请求头", "cookie": "Cookie"}
TYPES = {
    "integer": "整数",
    "string": "文字",
    "boolean": "是/否",
    "number": "数字",
    "array": "列表",
    "object": "对象",
}


def words(text: str) -> SafeString:
    """A description from the OpenAPI text: escaped, with `code` spans kept as code."""
    escaped = str(escape(text))
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_type(part) for part in schema["anyOf"] if part.get("type") != "null"]
        nullable = any(part.get("type") == "null" for part in schema["anyOf"])
        return " 或 ".join(kinds) + ("（可为空）" if nullable else "")
    kind = schema.get("type", "")
    if kind == "array":
        return f"{TYPES['array']}（{_type(schema.get('items', {}))}）"
    text = TYPES.get(kind, kind or "任意")
    if schema.get("format") == "date-time":
        text = "时间（ISO 8601）"
    if "enum" in schema:
        text += "：" + "、".join(f"`{value}`" for value in schema["enum"])  # codes, shown as code by _shown
    return text


def _shown(schema: dict[str, Any]) -> SafeString:
    """A schema's type for the page: escaped, its enumerated values (codes such as ``draft``) as code."""
    return words(_type(schema))


@dataclass
class Parameter:
    name: str
    place: str
    required: bool
    kind: str
    default: str


@dataclass
class Answer:
    status: str
    meaning: str
    schema: str  # as shown: EvaluationOut, 列表（VersionOut）; "" for a file
    anchor: str  # the schema's name, for the link to its fields


def _ref(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return _ref(schema["items"]) if "items" in schema else ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: SafeString
    parameters: list[Parameter] = field(default_factory=list)
    body: SafeString | None = None
    answers: list[Answer] = field(default_factory=list)


def _operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, spec in methods.items():
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=spec.get("summary", ""),
                description=words(spec.get("description", "")),
            )
            for parameter in spec.get("parameters", []):
                param_schema = parameter.get("schema", {})
                default = param_schema.get("default")
                operation.parameters.append(
                    Parameter(
                        name=parameter["name"],
                        place=PLACES.get(parameter.get("in", ""), parameter.get("in", "")),
                        required=bool(parameter.get("required")),
                        kind=_shown(param_schema),
                        default="" if default is None else str(default).lower(),
                    )
                )
            body = spec.get("requestBody")
            if body is not None:
                operation.body = words(body.get("description") or "JSON")
            for status, answer in sorted((str(code), answer) for code, answer in spec.get("responses", {}).items()):
                body_schema = answer.get("content", {}).get("application/json", {}).get("schema")
                operation.answers.append(
                    Answer(
                        status=status,
                        meaning=STATUS_WORDS.get(status, answer.get("description", "")),
                        schema=_shown(body_schema) if body_schema else "",
                        anchor=_ref(body_schema) if body_schema else "",
                    )
                )
            found.append(operation)
    return found


def _schemas(schema: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """Every response schema: its name and fields (name, type, required). Not its description:
    that is the class's docstring, written for developers."""
    found = []
    for name, spec in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(spec.get("required", []))
        fields = [(key, _shown(value), key in required) for key, value in spec.get("properties", {}).items()]
        found.append((name, fields))
    return found


class ChineseDocs(DocsBase):
    """django-ninja's ``docs=`` renderer: the page above, from the API's OpenAPI description."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        context = {
            "title": api.title,
            "version": api.version,
            "description": words(api.description or ""),
            "openapi_url": self.get_openapi_url(api, kwargs),
            "operations": _operations(schema),
            "schemas": _schemas(schema),
        }
        return render(request, "api/docs.html", context)
