"""Topics to subscribed steps: durable publish, leased delivery, retry, dead letters.

``EventBus.emit`` returns once the message is stored for every subscriber. Each
event or cron step has a ``StepWorker`` that leases up to ``concurrency`` of its
deliveries, runs them through the runtime pool, and acknowledges, retries (with
exponential backoff and jitter, up to ``maxAttempts`` attempts in all) or buries
each one in the dead-letter queue.

When the store refuses a write (disk full, read-only: ``StorageError``), an emit fails
with that error (an api step's client gets 503), a settling write (ack, retry,
release, bury) is kept and tried again until the store takes it (``Settlements``), and
a worker whose lease failed tries again on its own, with backoff: nothing waits for a
new emit to wake it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Sequence
from functools import partial
from typing import Any

import orjson

from ..batcher import Batcher
from ..catalog import Catalog, StepConfig, priority_problem
from ..errors import (
    MessageTooLargeError,
    NotFoundError,
    RequestError,
    RuntimeLostError,
    RuntimeUnavailableError,
    StorageError,
    TransportError,
    ValidationError,
)
from ..invocation import Invocation
from ..model import EmitResult, Failure
from ..runtimes.pool import UNLIMITED, RuntimePool
from ..telemetry import (
    Span,
    get_logger,
    make_traceparent,
    new_span_id,
    new_trace_id,
    parse_traceparent,
    random_hex,
    spans,
)
from .base import DeadLetter, Delivery, Publication, QueueBackend
from .depth import QueueDepths
from .ratelimit import RateLimiter
from .recent import EmittedMessage, RecentMessages
from .settling import Settlements

MAX_BACKOFF_MS = 5 * 60 * 1000
# A delivery whose runtime dies under it this many times is a poison message. A death
# counts against a delivery only when it ran alone on its runtime: after a death shared
# with others, each of them runs alone until it succeeds (``RuntimePool.invoke(alone=)``),
# so a message that kills its runtime never takes the innocent ones with it.
MAX_INTERRUPTIONS = 3
LEASE_MARGIN_MS = 60_000
# A worker whose lease failed tries again after this, doubling up to the maximum.
LEASE_RETRY_MS = 250
MAX_LEASE_RETRY_MS = 5_000
DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_QUEUE_DEPTH = 100_000
# How often the queue depths are read again from the queue itself.
DEPTH_REFRESH_S = 5.0

log = get_logger(component="bus")


def backoff_ms(step: StepConfig, attempt: int) -> int:
    """Exponential in the attempt number, with jitter in [50%, 100%]."""
    ceiling = min(step.backoff_ms * 2 ** (attempt - 1), MAX_BACKOFF_MS)
    return int(ceiling * (0.5 + random.random() / 2))


def new_message_id() -> str:
    return random_hex(80)


def _cron_run(step: StepConfig, trace_id: str) -> Publication:
    """One run of a cron step, in a trace of its own."""
    return Publication(
        message_id=new_message_id(),
        topic=f"cron:{step.name}",
        data=b"null",
        traceparent=make_traceparent(trace_id, new_span_id()),
        steps=(step.name,),
        trigger="cron",
    )


class EventBus:
    def __init__(
        self,
        queue: QueueBackend,
        pool: RuntimePool,
        *,
        dedup_window_ms: int,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        max_queue_depth: int = DEFAULT_MAX_QUEUE_DEPTH,
    ) -> None:
        self.queue = queue
        self.depths = QueueDepths(max_queue_depth)
        self.max_message_bytes = max_message_bytes
        self.pool = pool
        self.catalog = Catalog()
        self.workers: dict[str, StepWorker] = {}
        self.recent = RecentMessages()
        self._dedup_window_ms = dedup_window_ms
        # The emits and acks of one turn of the loop are one batch: on SQLite one
        # transaction (``publish_leasing`` takes the acks too). A backend without it
        # writes its acks apart (``_acks``), so that a failed ack never fails an emit.
        self._shared_commit = hasattr(queue, "publish_leasing")
        self._writes: Batcher[Publication | str, bool] = Batcher(self._write)
        self._acks: Batcher[str, None] = Batcher(self._ack)
        self.settlements = Settlements(self.wake_all)
        pool.add_listener(lambda _conn, _attached: self.wake_all())

    async def _write(self, batch: list[Publication | str]) -> list[bool]:
        """Publications and acks (delivery ids); for an ack, the answer is False."""
        acks = [item for item in batch if isinstance(item, str)]
        publications = [item for item in batch if not isinstance(item, str)]
        duplicates = iter(await self._publish(publications, acks))
        return [False if isinstance(item, str) else next(duplicates) for item in batch]

    async def _publish(self, batch: list[Publication], acks: Sequence[str]) -> list[bool]:
        """Store the batch; a delivery whose worker has a free slot (and nothing queued
        before it) is leased in the same transaction and handed to the worker at once,
        when the backend can (SQLite), and ``acks`` are removed in it too; the other
        subscribers' workers are woken."""
        leasing = getattr(self.queue, "publish_leasing", None)
        if leasing is None:
            if acks:
                await self.queue.ack(acks)
            duplicates: list[bool] = await self.queue.publish(batch, self._dedup_window_ms)
            leased: list[Delivery] = []
        else:
            taken: list[StepWorker] = []

            def take(step: str) -> int | None:
                worker = self.workers.get(step)
                if worker is None or not worker.take_slot():
                    return None
                taken.append(worker)
                return worker.step.timeout_ms + LEASE_MARGIN_MS

            try:
                duplicates, leased = await leasing(batch, self._dedup_window_ms, take, acks)
            except BaseException:
                for worker in taken:
                    worker.give_back_slot()
                raise
            for delivery in leased:
                self.workers[delivery.step].run(delivery)
        handed = {(d.message_id, d.step) for d in leased}
        for publication, duplicate in zip(batch, duplicates, strict=True):
            if duplicate:
                continue
            for name in publication.steps:
                if (publication.message_id, name) not in handed:
                    self._wake(name)
        return duplicates

    async def _ack(self, ids: list[str]) -> list[None]:
        await self.queue.ack(ids)
        return [None] * len(ids)

    def apply(self, catalog: Catalog) -> None:
        """Serve this catalog: start workers for new steps, retire removed ones."""
        self.catalog = catalog
        wanted = {s.name: s for s in catalog.steps.values() if s.type in ("event", "cron")}
        for name, worker in list(self.workers.items()):
            if name not in wanted:
                worker.stop()
                del self.workers[name]
        for name, step in wanted.items():
            existing = self.workers.get(name)
            if existing is None:
                self.workers[name] = StepWorker(self, step)
                self.workers[name].start()
            else:
                existing.step = step
                existing.wake()

    def wake_all(self) -> None:
        for worker in self.workers.values():
            worker.wake()

    def emit(
        self,
        topic: str,
        data: bytes,
        *,
        traceparent: str,
        trace_id: str,
        emitted_by: str = "",
        group_id: str = "",
        idempotency_key: str = "",
        delay_ms: int = 0,
        tracestate: str = "",
        priority: int | None = None,
    ) -> asyncio.Future[EmitResult]:
        """Store ``data`` for every step subscribed to ``topic``: durable once the future
        resolves. What is wrong with the emit raises at once (no coroutine: a handler's
        emit is answered from the future's callback, with no task per call). Data over
        ``max_message_bytes`` is refused: it could not reach a runtime. ``priority`` (0
        to 9, higher first) applies to every subscriber; None leaves each one its
        config's ``priority``."""
        if priority is not None and (problem := priority_problem(priority)):
            raise RequestError(f"emit on {topic!r}: {problem}", code="BAD_PRIORITY")
        if len(data) > self.max_message_bytes:
            raise MessageTooLargeError(
                f"the data emitted on {topic!r} is {len(data)} bytes; the limit is "
                f"{self.max_message_bytes} bytes (max_message_bytes)"
            )
        steps = tuple(s.name for s in self.catalog.subscribers(topic))
        message = EmittedMessage(
            new_message_id(), topic, data, trace_id, emitted_by, time.time() * 1000, priority
        )
        if not steps:
            self.recent.append(message)
            done: asyncio.Future[EmitResult] = asyncio.get_running_loop().create_future()
            done.set_result(EmitResult(message.message_id, False, steps))
            return done
        self.depths.check(topic, steps)
        publication = Publication(
            message_id=message.message_id,
            topic=topic,
            data=data,
            traceparent=traceparent,
            tracestate=tracestate,
            steps=steps,
            group_id=group_id,
            idempotency_key=idempotency_key,
            available_ms=int(time.time() * 1000) + delay_ms if delay_ms else 0,
            delays_ms=self.catalog.delays.get(topic, ()),
            priorities=self._priorities(topic, steps, priority),
        )
        stored = self._writes.submit(publication)  # wakes the subscribers
        result: asyncio.Future[EmitResult] = asyncio.get_running_loop().create_future()
        stored.add_done_callback(partial(self._stored, message, steps, result))
        return result

    def _stored(
        self,
        message: EmittedMessage,
        steps: tuple[str, ...],
        result: asyncio.Future[EmitResult],
        stored: asyncio.Future[bool],
    ) -> None:
        if stored.cancelled():
            result.cancel()
            return
        error = stored.exception()
        if error is not None:
            if isinstance(error, StorageError):
                log.error(
                    "emit not stored",
                    topic=message.topic,
                    step=message.emitted_by,
                    trace_id=message.trace_id,
                    error=error.message,
                )
            if not result.done():
                result.set_exception(error)
            return
        duplicate = stored.result()
        if not duplicate:
            self.depths.added(steps)
            self.recent.append(message)
        if not result.done():
            result.set_result(EmitResult(message.message_id, duplicate, steps))

    def _priorities(
        self, topic: str, steps: tuple[str, ...], priority: int | None
    ) -> tuple[int, ...]:
        """Each subscriber's priority: the emit's, else its config's (empty: all 0)."""
        if priority is None:
            return self.catalog.priorities.get(topic, ())
        return (priority,) * len(steps) if priority else ()

    async def fire_cron(self, step: StepConfig, tick_ms: int) -> bool:
        """Queue one run of a cron step for this tick, unless it already fired."""
        fired = await self.queue.fire_cron(step.name, tick_ms, _cron_run(step, new_trace_id()))
        if fired:
            self._wake(step.name)
        return fired

    async def run_cron(self, step: StepConfig) -> tuple[str, str]:
        """Queue one run of a cron step now, off its schedule: (message id, trace id)."""
        trace_id = new_trace_id()
        publication = _cron_run(step, trace_id)
        await self._writes.submit(publication)
        self._wake(step.name)
        log.info("cron step run on demand", step=step.name, trace_id=trace_id)
        return publication.message_id, trace_id

    def _wake(self, step: str) -> None:
        worker = self.workers.get(step)
        if worker is not None:
            worker.wake()

    async def watch_depths(self) -> None:
        """Keep the queue depths true to the queue (run as a task while serving)."""
        while True:
            try:
                self.depths.load(await self.queue.counts())
            except Exception as exc:  # the counts kept in memory stand meanwhile
                log.warning("queue depths not read", error=repr(exc))
            await asyncio.sleep(DEPTH_REFRESH_S)

    def ack(self, delivery: Delivery) -> None:
        self.depths.done(delivery.step)
        if self._shared_commit:
            future: asyncio.Future[Any] = self._writes.submit(delivery.id)
        else:
            future = self._acks.submit(delivery.id)
        future.add_done_callback(partial(self._acked, delivery.id))

    def _acked(self, delivery_id: str, future: asyncio.Future[Any]) -> None:
        error = None if future.cancelled() else future.exception()
        if isinstance(error, StorageError):
            self.settlements.later("ack", partial(self.queue.ack, [delivery_id]), error)
        elif error is not None:
            log.error("ack failed", delivery_id=delivery_id, error=repr(error))

    # -- the dead-letter queue ---------------------------------------------------

    async def dead_letters(self, step: str | None = None, limit: int = 100) -> list[DeadLetter]:
        return await self.queue.dead_letters(step, limit)

    async def dead_letter(self, delivery_id: str) -> DeadLetter:
        letter = await self.queue.dead_letter(delivery_id)
        if letter is None:
            raise NotFoundError(f"no dead letter with id {delivery_id!r}")
        return letter

    async def replay(self, delivery_id: str) -> str:
        step = await self.queue.replay(delivery_id)
        if step is None:
            raise NotFoundError(f"no dead letter with id {delivery_id!r}")
        worker = self.workers.get(step)
        if worker is not None:
            worker.wake()
        log.info("dead letter replayed", delivery_id=delivery_id, step=step)
        return step

    async def delete_dead(self, delivery_id: str) -> None:
        if not await self.queue.delete_dead(delivery_id):
            raise NotFoundError(f"no dead letter with id {delivery_id!r}")

    async def idle(self) -> bool:
        """No delivery queued, delayed, leased or running."""
        if any(worker.in_flight for worker in self.workers.values()):
            return False
        return not await self.queue.has_pending()

    async def stats(self) -> dict[str, Any]:
        counts = await self.queue.counts()
        steps: dict[str, Any] = {}
        for name in sorted(set(counts) | set(self.workers)):
            worker = self.workers.get(name)
            entry = dict(counts.get(name, {"ready": 0, "delayed": 0, "leased": 0, "dead": 0}))
            if worker is not None:
                entry.update(
                    inFlight=worker.in_flight, handled=worker.handled, failed=worker.failed
                )
            steps[name] = entry
        busy = any(
            s.get("ready", 0) or s.get("delayed", 0) or s.get("leased", 0) or s.get("inFlight", 0)
            for s in steps.values()
        )
        return {"idle": not busy, "steps": steps}

    def stop_workers(self) -> None:
        """Lease nothing more; what runs already finishes."""
        for worker in self.workers.values():
            worker.stop()

    async def stop(self) -> None:
        """Stop the workers, wait for what they run, then write what is still batched."""
        self.stop_workers()
        await asyncio.gather(*(w.finished() for w in self.workers.values()))
        await self._writes.drain()
        await self._acks.drain()
        await self.settlements.drain()


class StepWorker:
    """Runs one step's deliveries, up to ``concurrency`` at a time."""

    def __init__(self, bus: EventBus, step: StepConfig) -> None:
        self.bus = bus
        self.step = step
        self.in_flight = 0
        self.handled = 0
        self.failed = 0
        self._wake = asyncio.Event()
        self._awaiting_room = False
        # Nothing of this step is ready in the queue: the last lease found less than it
        # asked for and nothing was queued since, so a new message may skip the queue.
        self._caught_up = False
        self._hands_off = hasattr(bus.queue, "publish_leasing")
        self._lease_failures = 0
        self._limiter: RateLimiter | None = None
        self._stopped = False
        self._stopping = asyncio.Event()  # wakes deliveries held for a token
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[bool]] = set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=f"worker:{self.step.name}")

    def wake(self) -> None:
        """Something may be ready in the queue for this step."""
        self._caught_up = False
        self._wake.set()

    @property
    def caught_up(self) -> bool:
        return self._caught_up

    def take_slot(self) -> bool:
        """Reserve a slot for a delivery leased as it is stored: only while nothing of
        this step waits in the queue, a slot is free, and its runtimes take any number
        (a bounded one, Ruby's, gets its deliveries through the queue)."""
        if (
            not self._caught_up
            or self._stopped
            or self.step.rate_limit is not None  # throttled: through the queue, by tokens
            or self.in_flight >= self.step.concurrency
            or self.bus.pool.room(self.step.name) < UNLIMITED
        ):
            return False
        self.in_flight += 1
        return True

    def give_back_slot(self) -> None:
        self.in_flight -= 1
        self._wake.set()

    def run(self, delivery: Delivery) -> None:
        """Run a leased delivery; its slot is counted in ``in_flight`` already."""
        task = asyncio.create_task(self._run(delivery))
        self._running.add(task)
        task.add_done_callback(self._finished)

    def _room_again(self) -> None:
        self._awaiting_room = False
        self._wake.set()

    def stop(self) -> None:
        self._stopped = True
        self._stopping.set()
        self._wake.set()

    async def finished(self) -> None:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _loop(self) -> None:
        queue = self.bus.queue
        next_due: int | None = None  # when the earliest delayed delivery becomes ready
        while not self._stopped:
            self._wake.clear()
            now = int(time.time() * 1000)
            free = self.step.concurrency - self.in_flight
            room = self.bus.pool.room(self.step.name)
            if room < free:
                # Runtimes with a bounded capacity (Ruby's thread pool) take no more than
                # they can run; lease only that much, and look again when one has room.
                free = room
                if not self._awaiting_room:
                    self._awaiting_room = True
                    self.bus.pool.when_room(self._room_again)
            token_due = None  # a step-wide rate limit: lease only what has a token
            limiter = self._rate_limiter(now)
            if limiter is not None and not limiter.keyed and limiter.available(now) < free:
                free = limiter.available(now)
                if free == 0:
                    token_due = now + int(limiter.until_token(now)) + 1
            # Lease in batches: wait for a quarter of the slots to free up (one query
            # per batch, not per delivery), unless nothing runs or a delay expired.
            quarter = self.step.concurrency // 4
            batch_from = 1 if self.in_flight == 0 else max(1, min(free, quarter))
            due = next_due is not None and next_due <= now
            if (free >= batch_from or (due and free > 0)) and self.bus.pool.serves(self.step.name):
                try:
                    batch = await queue.lease(
                        self.step.name, free, self.step.timeout_ms + LEASE_MARGIN_MS
                    )
                except Exception as exc:
                    delay_s = self._lease_failed(exc) / 1000
                    self._wake.clear()  # an emit (or stop) meanwhile: look again at once
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), delay_s)
                    continue
                if self._lease_failures:
                    log.info("leasing works again", step=self.step.name)
                    self._lease_failures = 0
                for delivery in batch:
                    if limiter is not None and not limiter.keyed:
                        limiter.take(delivery.data, now)
                    self.in_flight += 1
                    self.run(delivery)
                if len(batch) == free:
                    continue  # there may be more
                try:
                    next_due = await queue.next_due_ms(self.step.name, now)
                    self._caught_up = (  # only where new messages can skip the queue
                        self._hands_off
                        and not self._wake.is_set()
                        and (next_due is None or next_due > now)
                    )
                except Exception as exc:  # the store went away after the lease: try later
                    next_due = now + self._lease_failed(exc)
                    self._caught_up = False
                if queue.poll_ms is not None:  # other hosts add work too: look again
                    next_due = min(next_due or now + queue.poll_ms, now + queue.poll_ms)
            wake_at = min((t for t in (next_due, token_due) if t is not None), default=None)
            timeout = None if wake_at is None else max(0.0, (wake_at - now) / 1000)
            if not self._wake.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)

    def _rate_limiter(self, now_ms: float) -> RateLimiter | None:
        """The step's rate limiter (anew when its ``rateLimit`` changed)."""
        rate = self.step.rate_limit
        if rate is None:
            self._limiter = None
        elif self._limiter is None or self._limiter.rate != rate:
            self._limiter = RateLimiter(rate, now_ms)
        return self._limiter

    async def _hold_for_token(self, delivery: Delivery) -> bool:
        """A keyed rate limit: wait until the delivery's key has a token. False when the
        worker stopped first: the delivery went back to the queue, not run."""
        limiter = self._limiter
        if limiter is None or not limiter.keyed:
            return True
        while (wait_ms := limiter.take(delivery.data, time.time() * 1000)) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), wait_ms / 1000)
            if self._stopped:
                release = partial(self.bus.queue.release, delivery.id)
                await self.bus.settlements.run("release", release)
                return False
        return True

    def _lease_failed(self, exc: Exception) -> int:
        """Log the failure (once per outage); how long to wait before trying again."""
        self._lease_failures += 1
        delay: int = min(LEASE_RETRY_MS * 2 ** (self._lease_failures - 1), MAX_LEASE_RETRY_MS)
        if self._lease_failures == 1:
            log.error(
                "lease failed; trying again until it works",
                step=self.step.name,
                error=exc.message if isinstance(exc, StorageError) else repr(exc),
            )
        return delay

    def _finished(self, task: asyncio.Task[bool]) -> None:
        self._running.discard(task)
        self.in_flight -= 1
        crashed = not task.cancelled() and task.exception() is not None
        if crashed:
            log.error("delivery crashed", step=self.step.name, error=repr(task.exception()))
        # Caught up and done without touching the queue: nothing there waits for the slot.
        if task.cancelled() or crashed or task.result() or not self._caught_up:
            self.wake()

    async def _run(self, delivery: Delivery) -> bool:
        """Run one delivery to its end; whether the queue may hold something newly
        ready for this step (it failed, or the next of its group may go now)."""
        if not await self._hold_for_token(delivery):
            return True  # back in the queue
        step = self.step
        parent = parse_traceparent(delivery.traceparent)
        trace_id, parent_id = parent if parent else (new_trace_id(), "")
        span_id = new_span_id()
        started = time.perf_counter()
        start_ms = time.time() * 1000
        failure: Failure | TransportError | None = self._check_input(step, delivery)
        language = step.language
        if failure is None:
            invocation = Invocation(
                step,
                delivery.trigger,
                delivery.data,
                trace_id,
                span_id,
                attempt=delivery.attempt,
                topic=delivery.topic,
                message_id=delivery.message_id,
                tracestate=delivery.tracestate if parent else "",
            )
            try:
                # Interrupted before: a suspect of its runtime's death, so it runs alone.
                alone = delivery.interruptions > 0
                failure = (await self.bus.pool.invoke(invocation, alone=alone)).failure
            except TransportError as exc:
                failure = exc
        duration_ms = (time.perf_counter() - started) * 1000
        fields = {
            "step": step.name,
            "language": language,
            "topic": delivery.topic,
            "message_id": delivery.message_id,
            "attempt": delivery.attempt,
            "trace_id": trace_id,
            "duration_ms": round(duration_ms, 3),
        }
        if failure is None:
            self.bus.ack(delivery)
            self.handled += 1
            log.info(f"{delivery.trigger} handled", **fields)
        else:
            self.failed += 1
            await self._fail(step, delivery, failure, fields)
        spans.record(
            Span(
                trace_id=trace_id,
                span_id=span_id,
                parent_id=parent_id,
                name=f"{delivery.trigger} {delivery.topic}",
                step=step.name,
                language=language,
                kind=delivery.trigger,
                start_unix_ms=start_ms,
                duration_ms=duration_ms,
                status="ok" if failure is None else "error",
                attributes={"attempt": delivery.attempt, "messageId": delivery.message_id},
                error=_failure_json(step, failure),
            )
        )
        return failure is not None or bool(delivery.group_id)

    def _check_input(self, step: StepConfig, delivery: Delivery) -> Failure | None:
        if step.input_schema is None or delivery.trigger != "event":
            return None
        errors = step.input_schema.errors(orjson.loads(delivery.data))
        if not errors:
            return None
        what = f"the payload on {delivery.topic!r} does not match the input schema of {step.name}"
        return ValidationError(what, errors).as_failure(step.name)

    async def _fail(
        self,
        step: StepConfig,
        delivery: Delivery,
        problem: Failure | TransportError,
        fields: dict[str, Any],
    ) -> None:
        """Release, retry or bury the delivery: the one place that decides."""
        queue = self.bus.queue
        settle = self.bus.settlements.run
        if isinstance(problem, RuntimeUnavailableError):
            await settle("release", partial(queue.release, delivery.id))
            log.warning("delivery waiting for a runtime", **fields, error=problem.message)
            return
        if isinstance(problem, RuntimeLostError) and (
            not problem.alone or delivery.interruptions + 1 < MAX_INTERRUPTIONS
        ):
            await settle("release", partial(queue.release, delivery.id))
            log.warning("runtime lost; delivery released", **fields, error=problem.message)
            return
        # Any other transport failure (a timeout) is retried like a handler's failure.
        failure = (
            problem
            if isinstance(problem, Failure)
            else problem.as_failure(step.name, retryable=True)
        )
        error = failure.to_json()
        if isinstance(problem, RuntimeLostError):
            error["message"] = (
                f"the runtime went away {MAX_INTERRUPTIONS} times while running this "
                f"delivery, the last time with nothing else running; last: {failure.message}"
            )
        elif failure.retryable and delivery.attempt < step.max_attempts:
            delay = backoff_ms(step, delivery.attempt)
            await settle("retry", partial(queue.retry, delivery.id, delay, error))
            self.wake()  # so the loop learns when the retry is due
            log.warning(
                f"{delivery.trigger} failed; retrying",
                **fields,
                retry_in_ms=delay,
                max_attempts=step.max_attempts,
                error=error,
            )
            return
        await settle("bury", partial(queue.bury, delivery.id, error))
        self.bus.depths.done(delivery.step)
        log.error(
            f"{delivery.trigger} moved to the dead-letter queue",
            **fields,
            max_attempts=step.max_attempts,
            error=error,
        )


def _failure_json(step: StepConfig, problem: Failure | TransportError | None) -> Any:
    if problem is None:
        return None
    if isinstance(problem, TransportError):
        return problem.as_failure(step.name, retryable=True).to_json()
    return problem.to_json()
