"""Digests with a real model (the Anthropic/OpenAI SDKs against the local fake
server): the model only words the draft, its run is billed to the workspace,
and when the budget is spent or the providers fail (or their breakers are
open) the last digest is served again, marked as cached with its date (F-34)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rehome.core.agent.providers.prices import cost_cents
from rehome.core.digests import jobs as digest_jobs
from rehome.core.digests import store
from rehome.core.digests.generate import BUDGET, PROVIDER
from rehome.core.infra import breaker, bus
from rehome.core.infra.db import session_scope
from rehome.core.models import AgentRun, OutboundMail, ProjectSummary, Workspace
from rehome.core.vocab import EventKind
from tests.digest_world import DigestWorld, build_digest_world
from tests.fakes.llm_server import FakeLLM
from tests.support import apply_env

pytest_plugins = ["tests.fakes.llm_server"]
HAIKU = "claude-3-5-haiku-20241022"


@pytest.fixture
def dw(any_db: str, fake_llm: FakeLLM, sent_jobs) -> DigestWorld:
    apply_env(AI_TIMEOUT="3")
    return build_digest_world()


def _staff(written: list[digest_jobs.Written]) -> ProjectSummary:
    with session_scope() as s:
        rows = [s.get(ProjectSummary, w.summary_id) for w in written]
    (staff,) = [r for r in rows if r is not None and r.audience == "staff"]
    return staff


def _mails() -> int:
    with session_scope() as s:
        return int(s.execute(select(func.count()).select_from(OutboundMail)).scalar_one())


def _no_budget(dw: DigestWorld) -> None:
    with session_scope() as s:
        s.get(Workspace, dw.world.actors["admin"].workspace_id).ai_budget_cents = 0


def test_the_model_words_the_digest_and_the_workspace_pays(dw: DigestWorld, fake_llm: FakeLLM) -> None:
    worded = f"**Off track**: 1 urgent task overdue [T-{dw.tasks['late_urgent']}]. The rest can wait."
    fake_llm.chunks = [worded[:20], worded[20:]]
    staff = _staff(digest_jobs.project_digest(dw.p1))
    assert staff.content == worded
    assert staff.meta["provider"] == "anthropic"
    with session_scope() as s:
        run = s.get(AgentRun, staff.run_id)
    assert (run.status, run.provider, run.model, run.user_id) == ("succeeded", "anthropic", HAIKU, None)
    assert (run.tokens_in, run.tokens_out) == (21, 7)
    assert run.cost_cents == pytest.approx(cost_cents(HAIKU, 21, 7))
    keys = run.context_used["budget_keys"]
    assert keys
    assert all(k.startswith(("budget:w:", "budget:wm:")) for k in keys)
    client_requests = [r for r in fake_llm.requests if "homeowner" in r.body["system"]]
    assert client_requests
    for request in client_requests:  # what reaches the provider for clients holds nothing internal
        assert "CANARY" not in str(request.body)
        assert "<draft>" in request.body["system"]


def test_a_wording_that_changes_the_numbers_is_not_believed(dw: DigestWorld, fake_llm: FakeLLM) -> None:
    fake_llm.chunks = ["**Off track**: 42 urgent tasks overdue."]
    staff = _staff(digest_jobs.project_digest(dw.p1))
    assert staff.content.startswith("**Off track**: 1 urgent task overdue")  # the factual draft
    assert "42" not in staff.content
    assert staff.meta["kept_draft"] == "numbers"


def test_a_wording_without_the_verdict_first_is_not_kept(dw: DigestWorld, fake_llm: FakeLLM) -> None:
    fake_llm.chunks = ["Hello, world!"]  # no verdict, no citation: not a digest
    staff = _staff(digest_jobs.project_digest(dw.p1))
    assert staff.content.startswith("**Off track**: 1 urgent task overdue")
    assert staff.meta["kept_draft"] == "verdict"


def _cached_after(dw: DigestWorld, first: ProjectSummary, reason: str) -> None:
    mails = _mails()
    cursor = bus.last_id(bus.project_channel(dw.p1))
    second = digest_jobs.project_digest(dw.p1, day="2031-01-02")
    assert [w.outcome for w in second] == ["cached", "cached"]
    with session_scope() as s:
        served = store.latest(s, dw.world.actors["team"], dw.p1, kind=store.SummaryType.DAILY)
    assert served is not None
    assert served.cached is True
    assert served.cached_from_date == first.generated_at
    assert served.cached_reason == reason
    assert served.content == first.content
    assert _mails() == mails  # nothing new to mail
    with session_scope() as s:
        run = s.get(AgentRun, s.get(ProjectSummary, served.id).run_id)
    assert run.status == "failed"
    assert run.error == reason if reason == BUDGET else run.error  # the provider's own error otherwise
    events = bus.get_redis().xrange(f"ev:{bus.project_channel(dw.p1)}", min=f"({cursor}")
    kinds = [(e[1]["k"], '"cached"' in e[1]["d"]) for e in events]
    assert (EventKind.AGENT_SUMMARY_READY, True) in kinds  # viewers see it live, marked


def test_with_the_budget_spent_the_cached_digest_is_served_and_marked(dw: DigestWorld) -> None:
    first = _staff(digest_jobs.project_digest(dw.p1, day="2031-01-01"))
    _no_budget(dw)
    _cached_after(dw, first, BUDGET)


def test_with_the_provider_failing_the_cached_digest_is_served(dw: DigestWorld, fake_llm: FakeLLM) -> None:
    first = _staff(digest_jobs.project_digest(dw.p1, day="2031-01-01"))
    fake_llm.scenario = "unauthorized"  # both providers refuse
    _cached_after(dw, first, PROVIDER)
    assert {r.path for r in fake_llm.requests[-4:]} == {"/v1/messages", "/v1/chat/completions"}


def test_with_the_breakers_open_no_provider_is_called(dw: DigestWorld, fake_llm: FakeLLM) -> None:
    first = _staff(digest_jobs.project_digest(dw.p1, day="2031-01-01"))
    for name in ("anthropic", "openai"):
        for _ in range(breaker.FAILURES):
            breaker.failed(name)
    calls = len(fake_llm.requests)
    _cached_after(dw, first, PROVIDER)
    assert len(fake_llm.requests) == calls


def test_with_nothing_to_serve_the_factual_draft_is_written(dw: DigestWorld, fake_llm: FakeLLM) -> None:
    _no_budget(dw)
    staff = _staff(digest_jobs.project_digest(dw.p1))
    assert staff.status == "ready"
    assert staff.meta["written_without_ai"] is True
    assert staff.content.startswith("**Off track**: 1 urgent task overdue")
    assert fake_llm.requests == []  # the budget was checked before any call
