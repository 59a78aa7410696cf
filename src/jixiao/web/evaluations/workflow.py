"""The workflow of a self-evaluation: states, actions, and who may do what.

草稿 →(提交，填报人)→ 已提交 →(签批，单位负责人)→ 已签批 →(审核通过，财政审核人)→ 审核通过
→(公开，财政审核人)→ 已公开. 已提交 may be returned by the unit head and 已签批 by the
finance reviewer (退回, with a comment); a returned evaluation is edited and submitted again.
An approved or published one may be withdrawn by the reviewer (撤回, with a reason): it goes
back to 已签批, the bureau's queue, to be approved again or returned to the unit; publishing it
again is a correction (更正), dated on the portal (docs/web.md, 撤回与更正).

Sign-off is a state of its own rather than part of submission: the preparer and the head
are different people, the head's signature is a recorded act, and the reviewer's queue is
exactly the signed evaluations. Submission freezes the version; whatever happens after
works on that frozen snapshot until a return opens a new version.
"""

from __future__ import annotations

from jixiao.core.labels import Labelled
from jixiao.web.accounts.models import Role


class State(Labelled):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    SIGNED = "signed", "已签批"
    RETURNED = "returned", "退回"
    APPROVED = "approved", "审核通过"
    PUBLISHED = "published", "已公开"


class Action(Labelled):
    VIEW = "view", "查看"  # read the evaluation, its history, versions, reports and evidence
    EDIT = "edit", "编辑"  # change the document, upload evidence, import a table
    SUBMIT = "submit", "提交"
    SIGN_OFF = "sign_off", "签批"
    RETURN = "return", "退回"
    APPROVE = "approve", "审核通过"
    PUBLISH = "publish", "公开"
    WITHDRAW = "withdraw", "撤回"

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
    Action.WITHDRAW: frozenset({Role.REVIEWER}),
}

EDITABLE = frozenset({State.DRAFT, State.RETURNED})

#: action → (states it starts from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[State], State]] = {
    Action.SUBMIT: (EDITABLE, State.SUBMITTED),
    Action.SIGN_OFF: (frozenset({State.SUBMITTED}), State.SIGNED),
    Action.RETURN: (frozenset({State.SUBMITTED, State.SIGNED}), State.RETURNED),
    Action.APPROVE: (frozenset({State.SIGNED}), State.APPROVED),
    Action.PUBLISH: (frozenset({State.APPROVED}), State.PUBLISHED),
    Action.WITHDRAW: (frozenset({State.APPROVED, State.PUBLISHED}), State.SIGNED),
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
