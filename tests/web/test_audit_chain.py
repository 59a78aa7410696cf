"""The audit trail is a hash chain: any later change to a row is found and named (docs/operations.md#audit-chain)."""

from __future__ import annotations

import copy
import itertools

import pytest
from django.core.management import call_command

from jixiao.web.evaluations import auditchain, services
from jixiao.web.evaluations.models import AuditChainHead, AuditEvent
from jixiao.web.evaluations.selectors import audit_chain_verdict
from tests.web.world import World


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("pk"))


def test_every_event_carries_the_hash_of_the_one_before(world: World) -> None:
    events = _events()
    assert len(events) >= 10  # the world walks evaluations through every state
    assert events[0].prev_hash == auditchain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    head = AuditChainHead.objects.get(pk=1)
    assert (head.count, head.last_hash) == (len(events), events[-1].hash)
    verdict = audit_chain_verdict()
    assert verdict.intact and verdict.count == len(events)


def test_the_command_says_the_chain_is_whole(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("verify_audit")
    assert f"共 {AuditEvent.objects.count()} 条记录" in capsys.readouterr().out


def test_an_altered_row_is_named_by_the_command(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    events = _events()
    victim = events[4]
    # Someone with database access rewrites who approved what, or what the change was.
    AuditEvent.objects.filter(pk=victim.pk).update(note=victim.note + "（已改）")
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit")
    assert exited.value.code == 1
    message = capsys.readouterr().err
    assert f"第 5 条（编号 {victim.pk}" in message and "记录被改动" in message
    broken = audit_chain_verdict().broken
    assert broken is not None and (broken.position, broken.pk) == (5, victim.pk)


def test_changing_the_recorded_diff_or_the_actor_is_found(world: World) -> None:
    events = _events()
    saved = next(event for event in events if event.changes)
    path = next(iter(saved.changes))
    forged = copy.deepcopy(saved.changes)
    forged[path] = [forged[path][0], "伪造的值"]
    AuditEvent.objects.filter(pk=saved.pk).update(changes=forged)
    broken = audit_chain_verdict().broken
    assert broken is not None and broken.pk == saved.pk

    AuditEvent.objects.filter(pk=saved.pk).update(changes=saved.changes)  # put back: whole again
    assert audit_chain_verdict().intact
    AuditEvent.objects.filter(pk=events[2].pk).update(actor=world.admin)
    broken = audit_chain_verdict().broken
    assert broken is not None and broken.pk == events[2].pk


def test_a_deleted_row_breaks_the_link_after_it(world: World) -> None:
    events = _events()
    AuditEvent.objects.filter(pk=events[3].pk).delete()
    broken = audit_chain_verdict().broken
    assert broken is not None and broken.pk == events[4].pk and broken.position == 4
    assert "删除" in broken.message()


def test_deleting_the_last_rows_is_found_at_the_head(world: World) -> None:
    events = _events()
    AuditEvent.objects.filter(pk__in=[events[-1].pk, events[-2].pk]).delete()
    broken = audit_chain_verdict().broken
    assert broken is not None and broken.pk is None
    assert f"链头记载 {len(events)} 条，实有 {len(events) - 2} 条" in broken.message()


def test_new_events_after_a_verification_keep_the_chain(world: World) -> None:
    document = copy.deepcopy(world.fresh("draft_a").current_version.document)
    document["budget"]["carryover"] = "12.50"
    services.evaluation_save_document(
        evaluation=world.fresh("draft_a"),
        document=document,
        by=world.prep_a,
        expected_lock_version=world.fresh("draft_a").lock_version,
    )
    last = AuditEvent.objects.order_by("pk").last()
    assert last is not None and last.changes["budget.carryover"][1] == "12.50"
    assert audit_chain_verdict().intact
