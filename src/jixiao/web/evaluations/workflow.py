"""The workflow of a self-evaluation: states, actions, and who may do what.

草稿 →(提交，填报人)→ 已提交 →(签批，单位负责人)→ 已签批 →(审核通过，财政审核人)→ 审核通过
→(公开，财政审核人)→ 已公开. 已提交 may be returned by the unit head and 已签批 by the
finance reviewer (退回, with a comment); a returned evaluation is edited and submitted again.

Sign-off is a state of its own rather than part of submission: the preparer and the head
are different people, the head's signature is a recorded act, and the reviewer's queue is
exactly the signed evaluations. Submission freezes the version; whatever happens after
works on that frozen snapshot until a return opens a new version.
"""

from __future__ import annotations

from enum import StrEnum

from jixiao.web.accounts.models import Role
from jixiao.web.choices import Choices


class State(Choices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNED = "signed"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {
            "draft": "草稿",
            "submitted": "已提交",
            "signed": "已签批",
            "returned": "退回",
            "approved": "审核通过",
            "published": "已公开",
        }[self.value]


class Kind(Choices):
    """The same codes as :class:`jixiao.core.model.EvaluationKind`."""

    DEPARTMENT = "department"
    PROJECT = "project"

    @property
    def label(self) -> str:
        return {"department": "部门整体支出", "project": "项目支出"}[self.value]


class Action(StrEnum):
    VIEW = "view"  # read the evaluation, its history, versions, reports and evidence
    EDIT = "edit"  # change the document, upload evidence, import a table
    SUBMIT = "submit"
    SIGN_OFF = "sign_off"
    RETURN = "return"
    APPROVE = "approve"
    PUBLISH = "publish"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.VIEW: "查看",
    Action.EDIT: "编辑",
    Action.SUBMIT: "提交",
    Action.SIGN_OFF: "签批",
    Action.RETURN: "退回",
    Action.APPROVE: "审核通过",
    Action.PUBLISH: "公开",
}

#: Which roles may attempt each action. Administrators read; they do not fill in or review
#: (separation of duties). Whether the state allows the action is the services' business.
ROLES: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset(Role),
    Action.EDIT: frozenset({Role.PREPARER, Role.HEAD}),
    Action.SUBMIT: frozenset({Role.PREPARER, Role.HEAD}),
    Action.SIGN_OFF: frozenset({Role.HEAD}),
    Action.RETURN: frozenset({Role.HEAD, Role.REVIEWER}),
    Action.APPROVE: frozenset({Role.REVIEWER}),
    Action.PUBLISH: frozenset({Role.REVIEWER}),
}

EDITABLE = frozenset({State.DRAFT, State.RETURNED})

#: action → (states it starts from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[State], State]] = {
    Action.SUBMIT: (EDITABLE, State.SUBMITTED),
    Action.SIGN_OFF: (frozenset({State.SUBMITTED}), State.SIGNED),
    Action.RETURN: (frozenset({State.SUBMITTED, State.SIGNED}), State.RETURNED),
    Action.APPROVE: (frozenset({State.SIGNED}), State.APPROVED),
    Action.PUBLISH: (frozenset({State.APPROVED}), State.PUBLISHED),
}

#: Who returns from where: the head sends a submitted evaluation back before signing,
#: the reviewer sends a signed one back.
RETURN_ROLE = {State.SUBMITTED: Role.HEAD, State.SIGNED: Role.REVIEWER}


def allowed(action: Action, roles: frozenset[Role]) -> bool:
    return bool(ROLES[action] & roles)


def possible(action: Action, state: State, roles: frozenset[Role]) -> bool:
    """Whether ``action`` makes sense now for someone with ``roles`` (to show its button)."""
    if not allowed(action, roles):
        return False
    if action is Action.EDIT:
        return state in EDITABLE
    if action is Action.RETURN:
        return RETURN_ROLE.get(state) in roles
    if action in TRANSITIONS:
        return state in TRANSITIONS[action][0]
    return True
