"""Parallel reviewers against a running `dxi web` on loopback: the load half of issue 7 item 5.

    python tests/flows/web/load_driver.py http://127.0.0.1:8765 --user r01:password --user r02:password \
        --task 1 --task 2 --decisions 20 [--max-requests 5000] [--wall 60] [--json]

Each reviewer is a thread with its own httpx client (its own cookies, so its own
server-side session) doing what a browser does: open the login page, log in, then
per decision open the task page (which carries the session's CSRF token), post
採用/保留/不採用 with a unique reason, and follow the redirect back to the task page,
where the reason must now be in the history. Everything is bounded by a request
count and a wall-time limit, and only loopback addresses are accepted: this is a
test tool, not a way to load someone's server.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bpr.review.rule import DECISIONS  # noqa: E402

LOOPBACK = ("127.0.0.1",)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Exhausted(Exception):
    """The request budget or the wall-time limit is used up."""


@dataclass(frozen=True)
class Ack:
    """A decision the server acknowledged (303 back to the task page with saved=1)."""

    reviewer: str
    task_id: int
    decision: str
    reason: str
    visible: bool  # the reason was in the task page the redirect led to


@dataclass
class LoadResult:
    """What the reviewers sent and what came back."""

    reviewers: int
    decisions_sent: int = 0
    requests: int = 0
    acks: list[Ack] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    decision_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)  # page loads (GET), the reviewers' waiting
    request_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    stopped_early: bool = False

    def figures(self) -> dict[str, object]:
        """The summary a bench or a failing test prints."""
        return {
            "reviewers": self.reviewers, "requests": self.requests, "decisions_sent": self.decisions_sent,
            "decisions_acknowledged": len(self.acks), "visible_after_redirect": sum(a.visible for a in self.acks),
            "errors": dict(self.errors), "elapsed_s": round(self.elapsed_s, 2),
            "decisions_per_s": round(len(self.acks) / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "decision_p50_ms": percentile(self.decision_ms, 50), "decision_p95_ms": percentile(self.decision_ms, 95),
            "page_p50_ms": percentile(self.page_ms, 50), "page_p95_ms": percentile(self.page_ms, 95),
            "request_p50_ms": percentile(self.request_ms, 50), "request_p95_ms": percentile(self.request_ms, 95),
            "stopped_early": self.stopped_early,
        }  # fmt: skip


def percentile(values: list[float], q: int) -> float:
    """Nearest-rank percentile, in ms rounded to 0.1 (0 when there is nothing)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, -(-q * len(ordered) // 100) - 1))], 1)


def check_loopback(base_url: str) -> None:
    """Refuse anything but http on 127.0.0.1 (where `dxi web` listens by default)."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise ValueError(f"load_driver only runs against http://127.0.0.1 (given: {base_url})")


class Budget:
    """A shared request budget and deadline; every request takes one ticket."""

    def __init__(self, max_requests: int, wall_seconds: float) -> None:
        self.left = max_requests
        self.deadline = time.monotonic() + wall_seconds
        self.lock = threading.Lock()

    def take(self) -> float:
        """One more request, or Exhausted; returns the seconds left for it."""
        with self.lock:
            remaining = self.deadline - time.monotonic()
            if self.left <= 0 or remaining <= 0:
                raise Exhausted
            self.left -= 1
            return remaining


class Reviewer:
    """One browser: its own cookie jar, session and CSRF token."""

    def __init__(self, base_url: str, name: str, password: str, result: LoadResult, budget: Budget,
                 lock: threading.Lock) -> None:  # fmt: skip
        self.name, self.password = name, password
        self.result, self.budget, self.lock = result, budget, lock
        self.client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30.0)

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response | None:
        """Send within the budget; a transport error or a 4xx/5xx is counted, not raised."""
        remaining = self.budget.take()
        decision = method == "POST" and path.endswith("/review")
        if decision:
            with self.lock:
                self.result.decisions_sent += 1
        start = time.perf_counter()
        try:
            response = self.client.request(method, path, timeout=min(30.0, remaining), **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            with self.lock:
                self.result.requests += 1
                self.result.errors[f"{method} {type(exc).__name__}"] += 1
            return None
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.result.requests += 1
            self.result.request_ms.append(elapsed)
            if decision:
                self.result.decision_ms.append(elapsed)
            elif method == "GET":
                self.result.page_ms.append(elapsed)
            if response.status_code >= 400:
                self.result.errors[f"{method} {response.status_code}"] += 1
        return response

    def login(self) -> bool:
        """The login form, then the password; a 303 with a session cookie means in."""
        page = self.request("GET", "/login")
        token = CSRF.search(page.text) if page is not None and page.status_code == 200 else None
        if token is None:
            return False
        data = {"username": self.name, "password": self.password, "csrf_token": token.group(1), "next": "/"}
        answer = self.request("POST", "/login", data=data)
        return answer is not None and answer.status_code == 303 and "dxi_session" in self.client.cookies

    def decide(
        self, task_id: int, decision: str, reason: str, barrier: threading.Barrier | None = None
    ) -> None:
        """Open the task page, post the decision (after the barrier, if any), follow the redirect."""
        page = self.request("GET", f"/tasks/{task_id}")
        token = CSRF.search(page.text) if page is not None and page.status_code == 200 else None
        if token is None:
            if barrier is not None:
                barrier.abort()  # the others would wait for this reviewer in vain
            return
        if barrier is not None:
            barrier.wait(timeout=max(self.budget.deadline - time.monotonic(), 0.1))
        data = {"csrf_token": token.group(1), "decision": decision, "reason": reason}
        answer = self.request("POST", f"/tasks/{task_id}/review", data=data)
        location = answer.headers.get("location", "") if answer is not None else ""
        if (
            answer is None
            or answer.status_code != 303
            or not location.startswith(f"/tasks/{task_id}?saved=1")
        ):
            if answer is not None and answer.status_code < 400:
                with self.lock:
                    self.result.errors[f"POST {answer.status_code} to {location or '-'}"] += 1
            return
        back = self.request("GET", location.split("#", 1)[0])
        visible = back is not None and back.status_code == 200 and escape(reason) in back.text
        with self.lock:
            self.result.acks.append(Ack(self.name, task_id, decision, reason, visible))

    def close(self) -> None:
        self.client.close()


def reason_for(tag: str, reviewer: str, index: int) -> str:
    """A reason no other decision of the run has (so the database can be checked by it)."""
    return f"負荷試験 {tag} {reviewer} 判断{index:04d}"


def run_load(base_url: str, users: list[tuple[str, str]], task_ids: list[int], *, decisions: int,
             max_requests: int = 100_000, wall_seconds: float = 60.0, tag: str = "load") -> LoadResult:  # fmt: skip
    """Every reviewer logs in, then records `decisions` decisions, spread over the tasks."""
    check_loopback(base_url)
    if not users or not task_ids:
        raise ValueError("give at least one reviewer and one task")
    result, lock = LoadResult(reviewers=len(users)), threading.Lock()
    budget = Budget(max_requests, wall_seconds)

    def work(position: int, name: str, password: str) -> None:
        reviewer = Reviewer(base_url, name, password, result, budget, lock)
        try:
            if not reviewer.login():
                with lock:
                    result.errors["login refused"] += 1
                return
            for k in range(decisions):
                task_id = task_ids[(position * decisions + k) % len(task_ids)]
                reviewer.decide(task_id, DECISIONS[(position + k) % len(DECISIONS)], reason_for(tag, name, k))
        except Exhausted:
            with lock:
                result.stopped_early = True
        finally:
            reviewer.close()

    return _run_threads(result, budget, [(work, (i, n, p)) for i, (n, p) in enumerate(users)])


def race_same_task(base_url: str, users: list[tuple[str, str]], task_id: int, *, rounds: int,
                   wall_seconds: float = 60.0, tag: str = "race") -> LoadResult:  # fmt: skip
    """All reviewers post a decision on the same task at the same instant, round after round."""
    check_loopback(base_url)
    result, lock = LoadResult(reviewers=len(users)), threading.Lock()
    budget = Budget(rounds * len(users) * 3 + len(users) * 2, wall_seconds)
    barrier = threading.Barrier(len(users))

    def work(position: int, name: str, password: str) -> None:
        reviewer = Reviewer(base_url, name, password, result, budget, lock)
        try:
            if not reviewer.login():
                barrier.abort()
                return
            for k in range(rounds):
                reviewer.decide(task_id, DECISIONS[(position + k) % len(DECISIONS)], reason_for(tag, name, k),
                                barrier=barrier)  # fmt: skip
        except (Exhausted, threading.BrokenBarrierError):
            barrier.abort()
            with lock:
                result.stopped_early = True
        finally:
            reviewer.close()

    return _run_threads(result, budget, [(work, (i, n, p)) for i, (n, p) in enumerate(users)])


def _run_threads(
    result: LoadResult, budget: Budget, jobs: list[tuple[object, tuple[object, ...]]]
) -> LoadResult:
    start = time.perf_counter()
    threads = [threading.Thread(target=target, args=args, daemon=True) for target, args in jobs]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(
            timeout=max(budget.deadline - time.monotonic(), 0) + 35
        )  # a request's timeout past the end
    if any(t.is_alive() for t in threads):
        result.stopped_early = True
        result.errors["reviewer thread still running at the deadline"] += 1
    result.elapsed_s = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_url")
    parser.add_argument("--user", action="append", required=True, help="name:password, once per reviewer")
    parser.add_argument("--task", action="append", type=int, required=True, help="a task id, repeatable")
    parser.add_argument("--decisions", type=int, default=10, help="decisions per reviewer")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--wall", type=float, default=60.0, help="wall-time limit in seconds")
    parser.add_argument("--tag", default="load", help="put into every reason, to find them afterwards")
    parser.add_argument("--json", action="store_true", help="print figures and acknowledgements as JSON")
    args = parser.parse_args(argv)
    users = [(name, password) for name, _, password in (u.partition(":") for u in args.user)]
    try:
        check_loopback(args.base_url)
    except ValueError as exc:
        parser.error(str(exc))
    result = run_load(args.base_url, users, args.task, decisions=args.decisions,
                      max_requests=args.max_requests, wall_seconds=args.wall, tag=args.tag)  # fmt: skip
    if args.json:
        report = {"figures": result.figures(), "acks": [asdict(a) for a in result.acks]}
        print(json.dumps(report, ensure_ascii=False))  # noqa: T201  (the script prints its figures)
    else:
        for key, value in result.figures().items():
            print(f"{key:<24} {value}")  # noqa: T201  (the script prints its figures)
    return 0 if not result.errors and len(result.acks) == result.decisions_sent else 1


if __name__ == "__main__":
    sys.exit(main())
