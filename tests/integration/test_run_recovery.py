"""Runs whose worker is gone (issue 9): takeover that continues the answer,
the sweeper, Stop on an orphan, database errors at start and finish, the
first-byte deadline and the hand-over on shutdown; on real Redis and the
real SDKs against the local provider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from rehome.core.agent import governance, lease, ledger, runner, shutdown, stream, sweeper, threads
from rehome.core.agent.providers.prices import cost_cents
from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.infra.kv import get_redis
from rehome.core.models import AgentMessage, AgentRun, DeadLetter
from rehome.core.vocab import RunStatus
from tests.fakes.llm_server import FakeLLM
from tests.support import apply_env
from tests.world import World, build_world

pytest_plugins = ["tests.fakes.llm_server"]
pytestmark = pytest.mark.integration
ANSWER = ["Hello", ", ", "wor", "ld", "! ", "More ", "text."]


@pytest.fixture
def world(pg_db: str, real_redis: str, fake_llm: FakeLLM) -> World:
    apply_env(AI_TIMEOUT="5", AI_FALLBACK_PROVIDER="")
    fake_llm.chunks = list(ANSWER)
    shutdown.reset()
    yield build_world()
    shutdown.reset()


def _queued_run(world: World) -> int:
    """A question whose job is held back (as if its broker message was lost)."""
    held: list[tuple[str, dict]] = []
    before = jobs._dispatcher
    jobs.set_dispatcher(lambda name, kwargs: held.append((name, kwargs)))
    try:
        with session_scope() as s:
            thread = threads.create_thread(s, world.actors["team"], world.projects["p1"], threads.ThreadIn())
        with session_scope() as s:
            out = threads.ask(s, world.actors["team"], thread.id, threads.QuestionIn(content="Status?"))
    finally:
        jobs.set_dispatcher(before)
    get_redis().delete(sweeper.queued_key(out.run.id))  # the broker's message is gone
    return out.run.id


def _orphan(world: World, partial: str, attempts: int = 1) -> int:
    """A run whose worker died after streaming `partial`: running, no lease."""
    run_id = _queued_run(world)
    with session_scope() as s:
        s.exec(
            update(AgentRun)
            .where(AgentRun.id == run_id)
            .values(status=RunStatus.RUNNING, attempts=attempts, started_at=AgentRun.created_at)
        )
    publisher = stream.Publisher(run_id)
    for piece in partial.split("|"):
        publisher.delta(piece)
    return run_id


def _viewer_text(run_id: int) -> tuple[str, bool]:
    """What a viewer assembles reading the whole stream from the start."""
    assembler = stream.Assembler()
    for _, fields in get_redis().xrange(f"run:{run_id}:stream"):
        if "done" in fields:
            assembler.push(stream.Done(int(fields["s"]), "x", None))
        else:
            assembler.push(stream.Chunk(int(fields["s"]), fields["t"]))
    return assembler.text, assembler.finished


def _answers(run_id: int) -> list[AgentMessage]:
    with session_scope() as s:
        rows = s.exec(select(AgentMessage).where(AgentMessage.role == "assistant")).all()
    return [m for m in rows if m.meta.get("run_id") == run_id]


def _run(run_id: int) -> AgentRun:
    with session_scope() as s:
        return s.get(AgentRun, run_id)


def test_a_takeover_continues_the_answer_once(world, fake_llm) -> None:
    run_id = _orphan(world, "Hello|, |wor")
    runner.execute_run(run_id)
    run = _run(run_id)
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 2
    assert [m.content for m in _answers(run_id)] == ["".join(ANSWER)]
    assert _viewer_text(run_id) == ("".join(ANSWER), True)  # the continuation once, nothing twice
    prefill = fake_llm.requests[-1].body["messages"][-1]
    assert prefill == {"role": "assistant", "content": "Hello, wor"}


def test_trailing_space_of_the_partial_is_not_repeated(world, fake_llm) -> None:
    run_id = _orphan(world, "Hello|, |wor|ld|! ")
    runner.execute_run(run_id)
    assert _answers(run_id)[0].content == "".join(ANSWER)
    assert fake_llm.requests[-1].body["messages"][-1]["content"] == "Hello, world!"


def test_a_run_whose_worker_holds_the_lease_is_left_alone(world, fake_llm) -> None:
    run_id = _orphan(world, "Hello")
    lease.acquire(run_id, "someone-alive")
    get_redis().pexpire(f"run:{run_id}:lease", 60_000)
    original = lease.wait_for_lapse
    lease.wait_for_lapse = lambda rid, timeout=0.3: original(rid, 0.3)  # type: ignore[assignment]
    try:
        runner.execute_run(run_id)
    finally:
        lease.wait_for_lapse = original  # type: ignore[assignment]
    assert _run(run_id).status == RunStatus.RUNNING
    assert not fake_llm.requests


def test_the_sweeper_requeues_a_run_whose_message_was_lost(world, fake_llm, sent_jobs) -> None:
    run_id = _queued_run(world)
    with session_scope() as s:
        s.exec(
            update(AgentRun).where(AgentRun.id == run_id).values(created_at=utcnow() - timedelta(minutes=1))
        )
    assert sweeper.sweep()["requeued"] == 1
    assert _run(run_id).status == RunStatus.SUCCEEDED
    assert [m.content for m in _answers(run_id)] == ["".join(ANSWER)]


def test_the_sweeper_fails_an_orphan_out_of_attempts_keeping_its_text(world, monkeypatch) -> None:
    run_id = _orphan(world, "Hello|, ", attempts=sweeper.MAX_ATTEMPTS)
    monkeypatch.setattr(lease, "LEASE_TTL", 0.0)
    assert sweeper.sweep()["failed"] == 0  # first look: suspected only
    assert sweeper.sweep()["failed"] == 1
    run = _run(run_id)
    assert run.status == RunStatus.FAILED
    assert run.error == sweeper.LOST
    assert [m.content for m in _answers(run_id)] == ["Hello, "]
    assert _viewer_text(run_id) == ("Hello, ", True)
    with session_scope() as s:
        assert s.exec(select(DeadLetter).where(DeadLetter.ref_id == run_id)).one().kind == "agent_run"
        spent = governance.status(s, world.actors["team"])[0].used_cents
    assert spent == pytest.approx(run.cost_cents, abs=1e-3)  # the reservation was released


def test_stop_works_on_an_orphaned_run(world) -> None:
    run_id = _orphan(world, "Half an answer")
    with session_scope() as s:
        out = ledger.cancel_run(s, world.actors["team"], run_id)
    assert out.status == RunStatus.CANCELLED
    assert [m.content for m in _answers(run_id)] == ["Half an answer"]
    assert stream.is_done(run_id)


def test_database_errors_at_start_and_finish_are_retried(world, fake_llm, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    from rehome.core.agent import claim, finishing

    run_id = _queued_run(world)
    for module, name in ((claim, "_bump"), (finishing, "_store")):
        real = getattr(module, name)
        calls = {"n": 0}

        def flaky(*args, _real=real, _calls=calls):
            _calls["n"] += 1
            if _calls["n"] == 1:
                raise OperationalError("SELECT 1", {}, Exception("terminating connection"))
            return _real(*args)

        monkeypatch.setattr(module, name, flaky)
    runner.execute_run(run_id)
    run = _run(run_id)
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 1
    assert [m.content for m in _answers(run_id)] == ["".join(ANSWER)]


def test_a_hung_call_is_given_up_at_the_first_byte_deadline(world, fake_llm) -> None:
    apply_env(AI_TIMEOUT="30", AI_FIRST_BYTE_TIMEOUT="0.5")
    fake_llm.queue("stall_headers")
    run_id = _queued_run(world)
    runner.execute_run(run_id)
    assert _run(run_id).status == RunStatus.SUCCEEDED
    assert len(fake_llm.requests) == 2  # the hung call, then the retry that answered


def test_shutdown_hands_a_streaming_run_back_and_it_continues(world, fake_llm, monkeypatch) -> None:
    fake_llm.chunk_delay = 0.1
    run_id = _queued_run(world)
    sent: list[tuple[str, dict]] = []
    jobs.set_dispatcher(lambda name, kwargs: sent.append((name, kwargs)))
    real_claim = runner.claim

    def claim_then_leave(rid: int):
        taken = real_claim(rid)
        shutdown.begin(0.25)  # SIGTERM just after the run started: it streams past the grace
        return taken

    monkeypatch.setattr(runner, "claim", claim_then_leave)
    try:
        runner.execute_run(run_id)
    finally:
        jobs.set_dispatcher(None)
        monkeypatch.setattr(runner, "claim", real_claim)
        shutdown.reset()
    assert _run(run_id).status == RunStatus.RUNNING
    assert lease.holder(run_id) is None
    assert sent == [("agent.run", {"run_id": run_id})]  # back on the queue
    partial, finished = _viewer_text(run_id)
    assert partial
    assert not finished
    runner.execute_run(run_id)  # the next worker
    run = _run(run_id)
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 2
    assert [m.content for m in _answers(run_id)] == ["".join(ANSWER)]
    assert _viewer_text(run_id) == ("".join(ANSWER), True)
    assert run.cost_cents == pytest.approx(cost_cents(run.model, run.tokens_in, run.tokens_out))
