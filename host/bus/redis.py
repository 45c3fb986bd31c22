"""QueueBackend on Redis, for several hosts sharing one queue.

Each subscribing step has a Redis stream per priority level with one consumer group
(``stephost``); each host is a consumer in it. A delivery is a hash (``d:<id>``) and
its stream entry carries only the id. Priority 0 is the step's stream ``s:<step>``; a
higher level has its own (``sp:<step>:<level>``), made the first time a message of that
level is published and listed in ``levels:<step>``. A lease reads the levels from the
highest down, so the order within a level stays the stream's (FIFO), and every level
keeps what a stream gives: pending entries, XAUTOCLAIM, XACK.

    publish  -> a hash per (message, step), then an entry on the step's stream, or a
                place in ``delayed:<step>`` (a sorted set by due time), or behind the
                group's head in ``g:<step>:<group>`` (a list: one group in flight)
    lease    -> due delays moved to their stream; entries whose lease expired taken
                over (XAUTOCLAIM: their host died; at most once a second per step);
                then new ones read (XREADGROUP), level by level from the highest; the
                earliest delay read for next_due_ms
    ack      -> XACK + XDEL, the hash deleted; the group's next one enqueued
    retry    -> XACK + XDEL, back into ``delayed:<step>`` (retry and release act on
                leased deliveries only: a late call from a host whose lease expired
                and was taken over changes nothing)
    bury     -> XACK + XDEL, kept in ``dead:<step>`` (sorted by id) for the DLQ

Every operation that changes the queue is one Lua script, so it is atomic across
hosts; a publish batch is one script, so one write to the append-only file. Keys are
built inside the scripts, so this needs one Redis (or a primary with replicas), not
Redis Cluster.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Sequence
from typing import Any, cast

import orjson

from ..redis import KEY_PREFIX, Client, unavailable
from .base import DeadLetter, Delivery, Publication

# How often a host looks for expired leases of a step (those of a host that died).
CLAIM_EVERY_MS = 1000
# How long a cron tick's lock is held: longer than any clock skew between hosts.
CRON_LOCK_MS = 3600 * 1000

# Shared by every script. Keys: P .. 'd:' id (a delivery), 's:' step (its stream of
# priority 0), 'sp:' #step ':' step ':' level (of a higher level), 'levels:' step (the
# higher levels with a stream), 'delayed:' step, 'g:' #step ':' step ':' group, 'n:' step
# (counts of ready and leased), 'dead:' step, 'dead', 'steps', 'live' (deliveries not
# dead), 'seq'.
_PRELUDE = """
local P = ARGV[1]
local GROUP = 'stephost'

local function stream(step, level)
  level = tonumber(level) or 0
  if level == 0 then return P .. 's:' .. step end
  return P .. 'sp:' .. #step .. ':' .. step .. ':' .. level
end
local function group_key(step, grp) return P .. 'g:' .. #step .. ':' .. step .. ':' .. grp end

-- The step's priority levels that have a stream, highest first.
local function levels(step)
  local out = redis.call('ZREVRANGE', P .. 'levels:' .. step, 0, -1)
  out[#out + 1] = '0'
  return out
end

local function to_stream(id, step)
  local level = redis.call('HGET', P .. 'd:' .. id, 'priority')
  local entry = redis.call('XADD', stream(step, level), '*', 'd', id)
  redis.call('HSET', P .. 'd:' .. id, 'status', 'ready', 'entry', entry)
  redis.call('HINCRBY', P .. 'n:' .. step, 'ready', 1)
end

-- Ready now, or when due.
local function push(id, step, available, now)
  if available > now then
    redis.call('ZADD', P .. 'delayed:' .. step, available, id)
    redis.call('HSET', P .. 'd:' .. id, 'status', 'delayed')
  else
    to_stream(id, step)
  end
end

-- Behind the other deliveries of its group, if any; else pushed.
local function enqueue(id, step, grp, available, now)
  if grp ~= '' and redis.call('RPUSH', group_key(step, grp), id) > 1 then
    redis.call('HSET', P .. 'd:' .. id, 'status', 'waiting')
    redis.call('HINCRBY', P .. 'n:' .. step, 'ready', 1)
    return
  end
  push(id, step, available, now)
end

local function new_step(step, level)
  if redis.call('SADD', P .. 'steps', step) == 1 then
    pcall(redis.call, 'XGROUP', 'CREATE', stream(step), GROUP, '0', 'MKSTREAM')
  end
  if level ~= 0 and redis.call('ZADD', P .. 'levels:' .. step, level, level) == 1 then
    pcall(redis.call, 'XGROUP', 'CREATE', stream(step, level), GROUP, '0', 'MKSTREAM')
  end
end

-- A delivery of a group is done (acked or dead): the next one of the group is up.
local function group_done(id, step, grp, now)
  if grp == '' then return end
  local key = group_key(step, grp)
  redis.call('LREM', key, 1, id)
  local nxt = redis.call('LINDEX', key, 0)
  if nxt and redis.call('HGET', P .. 'd:' .. nxt, 'status') == 'waiting' then
    redis.call('HINCRBY', P .. 'n:' .. step, 'ready', -1)
    push(nxt, step, tonumber(redis.call('HGET', P .. 'd:' .. nxt, 'available')), now)
  end
end

-- A leased delivery leaves its stream; its step and group, or nil when not leased.
local function unlease(id)
  local f = redis.call('HMGET', P .. 'd:' .. id, 'status', 'step', 'entry', 'group_id',
    'priority')
  if f[1] ~= 'leased' then return nil end
  redis.call('XACK', stream(f[2], f[5]), GROUP, f[3])
  redis.call('XDEL', stream(f[2], f[5]), f[3])
  redis.call('HINCRBY', P .. 'n:' .. f[2], 'leased', -1)
  return f[2], f[4]
end

-- A delivery that is not dead leaves wherever it waits (ack and bury take any);
-- its step and group, or nil when there is no such delivery.
local function detach(id)
  local f = redis.call('HMGET', P .. 'd:' .. id, 'status', 'step', 'entry', 'group_id',
    'priority')
  if f[1] == 'leased' then return unlease(id) end
  if f[1] == 'ready' then
    redis.call('XDEL', stream(f[2], f[5]), f[3])
    redis.call('HINCRBY', P .. 'n:' .. f[2], 'ready', -1)
  elseif f[1] == 'waiting' then
    redis.call('HINCRBY', P .. 'n:' .. f[2], 'ready', -1)
  elseif f[1] == 'delayed' then
    redis.call('ZREM', P .. 'delayed:' .. f[2], id)
  else
    return nil
  end
  return f[2], f[4]
end
"""

# ARGV: prefix, now, window_ms, count, then per publication: message_id, topic, trigger,
# data, traceparent, tracestate, group_id, idempotency_key, available_ms, nsteps,
# then (step, delay_ms, priority) per step. Returns 1 per duplicate publication, else 0.
_PUBLISH = """
local now, window, count = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local i, out = 5, {}
for n = 1, count do
  local mid, topic, trigger, data = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local tp, ts, grp, key = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
  local available, nsteps = tonumber(ARGV[i + 8]), tonumber(ARGV[i + 9])
  i = i + 10
  local duplicate = false
  if key ~= '' and window > 0 then
    local dedup = P .. 'dedup:' .. #topic .. ':' .. topic .. ':' .. key
    duplicate = not redis.call('SET', dedup, '1', 'NX', 'PX', window)
  end
  if duplicate then
    out[n] = 1
  else
    out[n] = 0
    if available == 0 then available = now end
    for s = 1, nsteps do
      local at = i + 3 * (s - 1)
      local step, delay, level = ARGV[at], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
      new_step(step, level)
      local id = redis.call('INCR', P .. 'seq')
      redis.call('HSET', P .. 'd:' .. id, 'message_id', mid, 'step', step, 'topic', topic,
        'trigger', trigger, 'data', data, 'traceparent', tp, 'tracestate', ts,
        'group_id', grp, 'attempts', 0, 'interruptions', 0, 'created_ms', now,
        'available', available + delay, 'priority', level)
      redis.call('INCR', P .. 'live')
      enqueue(tostring(id), step, grp, available + delay, now)
    end
  end
  i = i + 3 * nsteps
end
return out
"""

_FIELDS = (
    "message_id",
    "topic",
    "trigger",
    "data",
    "traceparent",
    "group_id",
    "attempts",
    "interruptions",
    "created_ms",
    "tracestate",
    "priority",
)

# ARGV: prefix, step, limit, lease_ms, now, consumer, claim ('1': take over expired
# leases too). Returns when the earliest delayed delivery is due ('' when none), then
# per delivery its id and the fields of _FIELDS in that order.
_LEASE = """
local step, limit, lease_ms, now, consumer =
  ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6]
if redis.call('SISMEMBER', P .. 'steps', step) == 0 then return {''} end
local delayed = P .. 'delayed:' .. step
for _, id in ipairs(redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', delayed, id)
  if redis.call('HGET', P .. 'd:' .. id, 'status') == 'delayed' then to_stream(id, step) end
end
local out, taken = {''}, 0
local function take(key, entry, id, claimed)
  local h = P .. 'd:' .. id
  local status = redis.call('HGET', h, 'status')
  if claimed then
    if status ~= 'leased' then return end
    redis.call('HINCRBY', h, 'interruptions', 1)
  else
    if status ~= 'ready' then
      redis.call('XACK', key, GROUP, entry)
      redis.call('XDEL', key, entry)
      return
    end
    redis.call('HINCRBY', h, 'attempts', 1)
    redis.call('HSET', h, 'status', 'leased', 'entry', entry)
    redis.call('HINCRBY', P .. 'n:' .. step, 'ready', -1)
    redis.call('HINCRBY', P .. 'n:' .. step, 'leased', 1)
  end
  taken = taken + 1
  out[#out + 1] = id
  local f = redis.call('HMGET', h, 'message_id', 'topic', 'trigger', 'data', 'traceparent',
    'group_id', 'attempts', 'interruptions', 'created_ms', 'tracestate', 'priority')
  for n = 1, 11 do out[#out + 1] = f[n] end
end
local all = levels(step)
if ARGV[7] == '1' then
  for _, level in ipairs(all) do
    if taken >= limit then break end
    local key = stream(step, level)
    local claimed = redis.call('XAUTOCLAIM', key, GROUP, consumer, lease_ms, '0-0',
      'COUNT', limit - taken)
    for _, e in ipairs(claimed[2]) do
      if e[2] then take(key, e[1], e[2][2], true) end
    end
  end
end
for _, level in ipairs(all) do
  if taken >= limit then break end
  local key = stream(step, level)
  local read = redis.call('XREADGROUP', 'GROUP', GROUP, consumer, 'COUNT', limit - taken,
    'STREAMS', key, '>')
  if read then
    for _, e in ipairs(read[1][2]) do take(key, e[1], e[2][2], false) end
  end
end
local due = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
if due[2] then out[1] = due[2] end
return out
"""

# ARGV: prefix, now, ids...
_ACK = """
local now = tonumber(ARGV[2])
for i = 3, #ARGV do
  local id = ARGV[i]
  local step, grp = detach(id)
  if step then
    redis.call('DEL', P .. 'd:' .. id)
    redis.call('DECR', P .. 'live')
    group_done(id, step, grp, now)
  end
end
"""

# ARGV: prefix, now, id, delay_ms, error
_RETRY = """
local now, id = tonumber(ARGV[2]), ARGV[3]
local step = unlease(id)
if not step then return end
redis.call('HSET', P .. 'd:' .. id, 'error', ARGV[5])
push(id, step, now + tonumber(ARGV[4]), now)
"""

# ARGV: prefix, now, id
_RELEASE = """
local now, id = tonumber(ARGV[2]), ARGV[3]
local step = unlease(id)
if not step then return end
redis.call('HINCRBY', P .. 'd:' .. id, 'attempts', -1)
redis.call('HINCRBY', P .. 'd:' .. id, 'interruptions', 1)
to_stream(id, step)
"""

# ARGV: prefix, now, id, error
_BURY = """
local now, id = tonumber(ARGV[2]), ARGV[3]
local step, grp = detach(id)
if not step then return end
redis.call('HSET', P .. 'd:' .. id, 'status', 'dead', 'error', ARGV[4], 'dead_ms', now)
redis.call('ZADD', P .. 'dead:' .. step, tonumber(id), id)
redis.call('ZADD', P .. 'dead', tonumber(id), id)
redis.call('DECR', P .. 'live')
group_done(id, step, grp, now)
"""

# ARGV: prefix, consumer. The leases this consumer held in a previous run (the same
# host, restarted) return to ready at once, the attempt not counted.
_RECLAIM = """
local consumer, count = ARGV[2], 0
for _, step in ipairs(redis.call('SMEMBERS', P .. 'steps')) do
  for _, level in ipairs(levels(step)) do
    local key = stream(step, level)
    local pending = redis.call('XPENDING', key, GROUP, '-', '+', 100000, consumer)
    for _, p in ipairs(pending) do
      local entry = redis.call('XRANGE', key, p[1], p[1])
      if entry[1] then
        local id = entry[1][2][2]
        if unlease(id) then
          redis.call('HINCRBY', P .. 'd:' .. id, 'attempts', -1)
          redis.call('HINCRBY', P .. 'd:' .. id, 'interruptions', 1)
          to_stream(id, step)
          count = count + 1
        end
      else
        redis.call('XACK', key, GROUP, p[1])
      end
    end
  end
end
return count
"""

# ARGV: prefix, now, id. Returns the step, or nil.
_REPLAY = """
local now, id = tonumber(ARGV[2]), ARGV[3]
local h = P .. 'd:' .. id
local f = redis.call('HMGET', h, 'status', 'step', 'group_id')
if f[1] ~= 'dead' then return nil end
redis.call('HSET', h, 'attempts', 0, 'interruptions', 0, 'available', now)
redis.call('HDEL', h, 'dead_ms')
redis.call('ZREM', P .. 'dead:' .. f[2], id)
redis.call('ZREM', P .. 'dead', id)
redis.call('INCR', P .. 'live')
enqueue(id, f[2], f[3], now, now)
return f[2]
"""

# ARGV: prefix, id. Returns 1 when a dead letter was deleted.
_DELETE_DEAD = """
local id = ARGV[2]
local h = P .. 'd:' .. id
local f = redis.call('HMGET', h, 'status', 'step')
if f[1] ~= 'dead' then return 0 end
redis.call('DEL', h)
redis.call('ZREM', P .. 'dead:' .. f[2], id)
redis.call('ZREM', P .. 'dead', id)
return 1
"""

# ARGV: prefix, now. Returns per step with anything: step, ready, delayed, leased, dead.
_COUNTS = """
local now, out = tonumber(ARGV[2]), {}
for _, step in ipairs(redis.call('SMEMBERS', P .. 'steps')) do
  local n = redis.call('HMGET', P .. 'n:' .. step, 'ready', 'leased')
  local delayed = redis.call('ZCOUNT', P .. 'delayed:' .. step, '(' .. now, '+inf')
  local due = redis.call('ZCOUNT', P .. 'delayed:' .. step, '-inf', now)
  local ready = tonumber(n[1] or 0) + due
  local leased = tonumber(n[2] or 0)
  local dead = redis.call('ZCARD', P .. 'dead:' .. step)
  if ready + delayed + leased + dead > 0 then
    for _, v in ipairs({step, ready, delayed, leased, dead}) do out[#out + 1] = v end
  end
end
return out
"""

# ARGV: prefix, step, tick_ms, lock_ms, then the publication as _PUBLISH reads one
# (from message_id on, with one step). Returns 1 when the tick fired here.
_FIRE_CRON = """
local step, tick = ARGV[2], tonumber(ARGV[3])
local lock = P .. 'cron:' .. #step .. ':' .. step .. ':' .. ARGV[3]
if not redis.call('SET', lock, '1', 'NX', 'PX', ARGV[4]) then return 0 end
local last = P .. 'cron-last:' .. step
if tonumber(redis.call('GET', last) or -1) >= tick then return 0 end
redis.call('SET', last, ARGV[3])
local now = tonumber(ARGV[5])
new_step(step, 0)
local id = redis.call('INCR', P .. 'seq')
redis.call('HSET', P .. 'd:' .. id, 'message_id', ARGV[6], 'step', step, 'topic', ARGV[7],
  'trigger', 'cron', 'data', ARGV[8], 'traceparent', ARGV[9], 'tracestate', ARGV[10],
  'group_id', '', 'attempts', 0, 'interruptions', 0, 'created_ms', now, 'available', now)
redis.call('INCR', P .. 'live')
to_stream(tostring(id), step)
return 1
"""

_DEAD_FIELDS = ("status", "message_id", "step", "topic", "data", "traceparent", "attempts")
_DEAD_FIELDS_MORE = ("error", "created_ms", "dead_ms")


def _now_ms() -> int:
    return int(time.time() * 1000)


def default_consumer(port: int, worker: int = 0) -> str:
    """A host's name in the consumer groups: the same across its restarts on a fixed
    port (so a restarted host takes back at once what it held when it died), distinct
    between hosts (and between the workers of one; see host.workers); with port 0 (any
    free port), the process id distinguishes it."""
    name = f"{socket.gethostname()}:{port or f'pid{os.getpid()}'}"
    return f"{name}:w{worker}" if worker else name


def _text(value: bytes | None) -> str:
    return "" if value is None else value.decode()


class RedisQueue:
    # Other hosts publish, and die holding leases that then expire: an idle worker
    # looks again this often (see QueueBackend.poll_ms).
    poll_ms: int | None = 1000

    def __init__(self, client: Client, consumer: str, prefix: str = KEY_PREFIX) -> None:
        self._redis = client
        self._consumer = consumer
        self._prefix = prefix
        self._claimed: dict[str, int] = {}  # per step, when expired leases were last taken
        self._due: dict[str, int | None] = {}  # per step, the earliest delay, as leased

        def script(body: str) -> Any:
            return client.register_script(_PRELUDE + body)

        self._publish = script(_PUBLISH)
        self._lease = script(_LEASE)
        self._ack = script(_ACK)
        self._retry = script(_RETRY)
        self._release = script(_RELEASE)
        self._bury = script(_BURY)
        self._reclaim = script(_RECLAIM)
        self._replay = script(_REPLAY)
        self._delete_dead = script(_DELETE_DEAD)
        self._counts = script(_COUNTS)
        self._fire_cron = script(_FIRE_CRON)

    def _key(self, name: str) -> str:
        return self._prefix + name

    @unavailable("storing emitted messages")
    async def publish(self, batch: Sequence[Publication], dedup_window_ms: int) -> list[bool]:
        args: list[Any] = [self._prefix, _now_ms(), dedup_window_ms, len(batch)]
        for pub in batch:
            args += [
                pub.message_id,
                pub.topic,
                pub.trigger,
                pub.data,
                pub.traceparent,
                pub.tracestate,
                pub.group_id,
                pub.idempotency_key,
                pub.available_ms,
                len(pub.steps),
            ]
            delays = pub.delays_ms or (0,) * len(pub.steps)
            priorities = pub.priorities or (0,) * len(pub.steps)
            for step, delay, priority in zip(pub.steps, delays, priorities, strict=True):
                args += [step, delay, priority]
        result = await self._publish(args=args)
        return [bool(flag) for flag in result]

    @unavailable("leasing deliveries")
    async def lease(self, step: str, limit: int, lease_ms: int) -> list[Delivery]:
        if limit <= 0:
            return []
        now = _now_ms()
        # Taking over expired leases scans the pending entries: once a second is enough.
        claim = now - self._claimed.get(step, 0) >= min(CLAIM_EVERY_MS, lease_ms)
        if claim:
            self._claimed[step] = now
        args = [self._prefix, step, limit, lease_ms, now, self._consumer, int(claim)]
        due, *flat = await self._lease(args=args)
        self._due[step] = int(float(due)) if due else None
        width = 1 + len(_FIELDS)
        deliveries = [
            Delivery(
                id=_text(row[0]),
                message_id=_text(row[1]),
                step=step,
                topic=_text(row[2]),
                trigger=_text(row[3]),
                data=bytes(row[4]),
                traceparent=_text(row[5]),
                group_id=_text(row[6]),
                attempt=int(row[7]),
                interruptions=int(row[8]),
                created_ms=int(row[9]),
                tracestate=_text(row[10]),
                priority=int(row[11] or 0),
            )
            for row in (flat[i : i + width] for i in range(0, len(flat), width))
        ]
        deliveries.sort(key=lambda d: (-d.priority, int(d.id)))
        return deliveries

    @unavailable("acknowledging deliveries")
    async def ack(self, ids: Sequence[str]) -> None:
        await self._ack(args=[self._prefix, _now_ms(), *ids])

    @unavailable("scheduling a retry")
    async def retry(self, delivery_id: str, delay_ms: int, error: dict[str, Any]) -> None:
        args = [self._prefix, _now_ms(), delivery_id, delay_ms, orjson.dumps(error)]
        await self._retry(args=args)

    @unavailable("releasing a delivery")
    async def release(self, delivery_id: str) -> None:
        await self._release(args=[self._prefix, _now_ms(), delivery_id])

    @unavailable("moving a delivery to the dead-letter queue")
    async def bury(self, delivery_id: str, error: dict[str, Any]) -> None:
        await self._bury(args=[self._prefix, _now_ms(), delivery_id, orjson.dumps(error)])

    @unavailable("returning leases to the queue")
    async def reclaim(self) -> int:
        """The leases this host (its consumer name) held when it last stopped; the
        leases of other hosts that died are taken over by ``lease`` once they expire."""
        return int(await self._reclaim(args=[self._prefix, self._consumer]))

    @unavailable("reading when a delayed delivery is due")
    async def next_due_ms(self, step: str, after_ms: int) -> int | None:
        if step in self._due:  # the lease just before read it, in the same script
            cached = self._due.pop(step)
            if cached is None or cached > after_ms:
                return cached
        due = cast(
            list[tuple[bytes, float]],
            await self._redis.zrangebyscore(
                self._key(f"delayed:{step}"), f"({after_ms}", "+inf", 0, 1, withscores=True
            ),
        )
        return int(due[0][1]) if due else None

    @unavailable("reading the dead-letter queue")
    async def dead_letters(self, step: str | None = None, limit: int = 100) -> list[DeadLetter]:
        key = self._key(f"dead:{step}" if step else "dead")
        ids = cast(list[bytes], await self._redis.zrange(key, 0, limit - 1))
        letters = [await self.dead_letter(i.decode()) for i in ids]
        return [letter for letter in letters if letter is not None]

    @unavailable("reading a dead letter")
    async def dead_letter(self, delivery_id: str) -> DeadLetter | None:
        fields = (*_DEAD_FIELDS, *_DEAD_FIELDS_MORE)
        values = cast(
            list[bytes | None],
            await self._redis.hmget(self._key(f"d:{delivery_id}"), list(fields)),
        )
        row = dict(zip(fields, values, strict=True))
        if row["status"] != b"dead":
            return None
        return DeadLetter(
            id=delivery_id,
            message_id=_text(row["message_id"]),
            step=_text(row["step"]),
            topic=_text(row["topic"]),
            data=bytes(row["data"] or b""),
            traceparent=_text(row["traceparent"]),
            attempts=int(row["attempts"] or 0),
            error=orjson.loads(row["error"]) if row["error"] else {},
            created_ms=int(row["created_ms"] or 0),
            dead_ms=int(row["dead_ms"] or 0),
        )

    @unavailable("replaying a dead letter")
    async def replay(self, delivery_id: str) -> str | None:
        step = await self._replay(args=[self._prefix, _now_ms(), delivery_id])
        return None if step is None else _text(step)

    @unavailable("deleting a dead letter")
    async def delete_dead(self, delivery_id: str) -> bool:
        return bool(await self._delete_dead(args=[self._prefix, delivery_id]))

    @unavailable("reading the queue")
    async def has_pending(self) -> bool:
        live = await self._redis.get(self._key("live"))
        return int(cast(bytes | None, live) or 0) > 0

    @unavailable("counting the queue")
    async def counts(self) -> dict[str, dict[str, int]]:
        flat = await self._counts(args=[self._prefix, _now_ms()])
        out: dict[str, dict[str, int]] = {}
        for i in range(0, len(flat), 5):
            step, ready, delayed, leased, dead = flat[i : i + 5]
            out[_text(step)] = {
                "ready": int(ready),
                "delayed": int(delayed),
                "leased": int(leased),
                "dead": int(dead),
            }
        return out

    @unavailable("recording a cron tick")
    async def fire_cron(self, step: str, tick_ms: int, publication: Publication) -> bool:
        args = [
            self._prefix,
            step,
            tick_ms,
            CRON_LOCK_MS,
            _now_ms(),
            publication.message_id,
            publication.topic,
            publication.data,
            publication.traceparent,
            publication.tracestate,
        ]
        return bool(await self._fire_cron(args=args))

    @unavailable("reading the last cron tick")
    async def last_cron_tick(self, step: str) -> int | None:
        value = cast(bytes | None, await self._redis.get(self._key(f"cron-last:{step}")))
        return None if value is None else int(value)

    async def close(self) -> None:
        """The client is the host's to close (the state store shares it)."""
