import { createHash } from 'node:crypto';
import { PRELUDE_ROUTING } from './prelude-routing';
import { PRELUDE_STATE } from './prelude-state';

const KEYS_DOC = `-- KEYS[1] <prefix>:ops            hash    operator id -> operator record (JSON)
-- KEYS[2] <prefix>:calls          hash    call id -> call record (JSON)
-- KEYS[3] <prefix>:queues         hash    queue id -> queue config (JSON)
-- KEYS[4] <prefix>:timers         zset    "w|op" wrap-up end, "r|call" offer expiry, "c|call" relaxation/max wait -> due ms
-- then for the i-th queue of ARGV queueIds (i = 1..n), under the queue's hash tag {q:<id>}:
-- KEYS[4+3i-2] <prefix>:{q:<id>}:members   hash  operator id -> penalty
-- KEYS[4+3i-1] <prefix>:{q:<id>}:waiting   zset  call id -> (99 - priority) * 1e13 + arrivedAt
-- KEYS[4+3i]   <prefix>:{q:<id>}:meta      hash  rrLast, ahtMs`;

const RESULT_DOC = `-- Returns JSON { events, offers, seed } on success, { need = [queue ids] } when a queue's keys
-- were not passed (nothing was written; call again with them), { error = { code, message } } when
-- the command is refused (nothing was written).`;

const WRAPPER = (extra: string) => `
local ok, err = pcall(main)
if not ok then
  if type(err) == 'table' then
    if err.need then return cjson.encode({ need = err.need }) end
    if err.code then return cjson.encode({ error = err }) end
    if err.err then return redis.error_reply(err.err) end
  end
  return redis.error_reply(tostring(err))
end
flush()
return cjson.encode({ events = OUT, offers = OFFERS, seed = SEED${extra} })
`;

/** A command script: header, the shared preludes, `main` with the body, and the common reply. */
export function script(name: string, argv: string, body: string, extra = ''): string {
  return `-- switchboard ACD: ${name}
${KEYS_DOC}
-- ARGV[1] JSON { now, tokenBase, seed, offers, queueIds${argv} }
${RESULT_DOC}
${PRELUDE_STATE}
${PRELUDE_ROUTING}
local function main()
${body}
end
${WRAPPER(extra)}`;
}

const CONFIGURE = script(
  'configure — add or replace queues and operators (validated by the caller)',
  ', queues = [{ id, json }], operators = [{ id, skills, queues = [{ queue, penalty }] }]',
  `
  local needed = {}
  for _, q in ipairs(A.queues) do needed[#needed + 1] = q.id end
  for _, o in ipairs(A.operators) do
    opQueues(getOp(o.id), needed)
    for _, m in ipairs(o.queues) do needed[#needed + 1] = m.queue end
  end
  needQueues(needed)
  local changed = {}
  for _, q in ipairs(A.queues) do
    if redis.call('HEXISTS', QUEUES, q.id) == 1 then changed[#changed + 1] = q.id end
    redis.call('HSET', QUEUES, q.id, q.json)
    cfgCache[q.id] = decodeCfg(q.json)
  end
  for _, o in ipairs(A.operators) do
    local op = getOp(o.id)
    if op then
      for _, m in ipairs(op.queues) do redis.call('HDEL', qk(m.queue).members, o.id) end
    else
      op = { id = o.id, skills = {}, queues = {}, state = 'offline', since = NOW, idleSince = NOW, calls = 0, talkMs = 0 }
      opCache[o.id] = op
    end
    op.skills = o.skills
    op.queues = o.queues
    markOp(op)
    for _, m in ipairs(o.queues) do redis.call('HSET', qk(m.queue).members, o.id, m.penalty) end
  end
  for _, qid in ipairs(changed) do
    for _, cid in ipairs(redis.call('ZRANGE', qk(qid).waiting, 0, -1)) do armCallTimer(queueCfg(qid), callOf(cid)) end
  end`,
);

const ENQUEUE = script(
  'enqueue — a call enters a queue: offered to the best operator, queued, or overflowed',
  ', call = { id, queueId, priority, skills, arrivedAt?, instanceId? }',
  `
  local c = A.call
  queueCfg(c.queueId)
  needQueues(chainOf(c.queueId, {}))
  if getCall(c.id) then fail('ERR_DUPLICATE_CALL', 'call ' .. c.id .. ' is already in routing', { callId = c.id }) end
  local call = { id = c.id, queueId = c.queueId, priority = c.priority or 0, arrivedAt = math.min(c.arrivedAt or NOW, NOW), enqueuedAt = NOW, skills = c.skills or {}, state = 'waiting', instanceId = c.instanceId }
  enterQueue(call, c.queueId)`,
);

const OPERATOR = script(
  'operator — login, set-available, pause, logout, end-wrap-up, extend-wrap-up; a freed operator claims the best call',
  ', kind, operatorId, pausedReason?, reason?, force?, ms?',
  `
  local op = opOf(A.operatorId)
  local kind = A.kind
  if kind == 'login' then
    local action = 'login'
    if A.pausedReason ~= nil then action = 'login-paused' end
    opNext(op, action)
    needQueues(opQueues(op, {}))
    op.calls = 0
    op.talkMs = 0
    op.idleSince = NOW
    setState(op, action, A.pausedReason)
    claimForOperator(op)
  elseif kind == 'set-available' then
    opNext(op, 'resume')
    needQueues(opQueues(op, {}))
    setState(op, 'resume')
    claimForOperator(op)
  elseif kind == 'pause' then
    local from = op.state
    setState(op, 'pause', A.reason)
    if from == 'wrap-up' then op.idleSince = NOW end
  elseif kind == 'logout' then
    local action = 'logout'
    if A.force then action = 'force-logout' end
    opNext(op, action)
    if op.state == 'reserved' or op.state == 'ringing' then
      local call = callOf(op.callId)
      local needed = { call.queueId }
      for _, id in ipairs(call.operatorIds) do opQueues(getOp(id), needed) end
      needQueues(needed)
      local qid = call.queueId
      if withdraw(call, op, 'operator-logout', nil) then claimForCall(call, qid) end
      return
    end
    if op.state == 'on-call' then
      local call = callOf(op.callId)
      needQueues({ call.queueId })
      complete(call, call.queueId, true)
    end
    setState(op, action)
  elseif kind == 'end-wrap-up' then
    opNext(op, 'end-wrap-up')
    needQueues(opQueues(op, {}))
    endWrapUp(op)
  elseif kind == 'extend-wrap-up' then
    if op.state ~= 'wrap-up' then
      fail('ERR_ILLEGAL_TRANSITION', 'operator ' .. op.id .. ': cannot extend-wrap-up while ' .. op.state,
        { operatorId = op.id, state = op.state, action = 'extend-wrap-up' })
    end
    op.wrapUpEndsAt = op.wrapUpEndsAt + A.ms
    timerSet('w|' .. op.id, op.wrapUpEndsAt)
    markOp(op)
    push({ type = 'wrap-up-extended', at = NOW, operatorId = op.id, endsAt = op.wrapUpEndsAt })
  end`,
);

const OFFER_PARTIES = `
  local call = callOf(A.callId)
  local op = opOf(A.operatorId)
  local listed = false
  for _, id in ipairs(call.operatorIds or {}) do if id == op.id then listed = true end end
  if call.state ~= 'offered' or call.token ~= A.token or not listed or op.token ~= A.token then
    fail('ERR_STALE_OFFER', 'offer ' .. A.token .. ' of call ' .. A.callId .. ' to ' .. A.operatorId .. ' is no longer current',
      { callId = A.callId, operatorId = A.operatorId, token = A.token })
  end`;

const OFFER = script(
  'offer — the calls layer reports ringing, answered or no-answer for an offer (checked by token)',
  ', kind, callId, operatorId, token, cause (no-answer only: busy, declined, failed, unreachable)',
  `${OFFER_PARTIES}
  if A.kind == 'ringing' then
    if op.state == 'ringing' then return end
    setState(op, 'ring')
    op.callId = call.id
    op.token = call.token
    push({ type = 'offer-ringing', at = NOW, callId = call.id, operatorId = op.id, token = A.token })
  elseif A.kind == 'answered' then
    opNext(op, 'answer')
    local others = {}
    for _, id in ipairs(call.operatorIds) do if id ~= op.id then others[#others + 1] = id end end
    sortIds(others)
    local needed = {}
    for _, id in ipairs(others) do opQueues(getOp(id), needed) end
    needQueues(needed)
    for _, id in ipairs(others) do
      push({ type = 'offer-withdrawn', at = NOW, callId = call.id, queueId = call.queueId, operatorId = id, token = A.token, reason = 'answered-elsewhere' })
      setState(opOf(id), 'release')
    end
    setState(op, 'answer')
    op.callId = call.id
    op.token = A.token
    call.state = callNext(call, 'answer')
    call.operatorIds = { op.id }
    call.operatorId = op.id
    call.answeredAt = NOW
    call.expiresAt = nil
    markCall(call)
    timerDel('r|' .. call.id)
    push({ type = 'call-answered', at = NOW, callId = call.id, queueId = call.queueId, operatorId = op.id, waitedMs = NOW - call.enqueuedAt })
    claimForReleased(others)
  elseif A.kind == 'no-answer' then
    needQueues(opQueues(op, { call.queueId }))
    local qid = call.queueId
    local cfg = queueCfg(qid)
    -- A.cause: busy/declined pause with that reason where the queue pauses; failed never pauses;
    -- unreachable always pauses (a dead device would be rung again)
    local pause = cfg.noAnswerPause
    if A.cause == 'failed' then pause = nil
    elseif A.cause == 'unreachable' then pause = 'device-unreachable'
    elseif pause ~= nil and (A.cause == 'busy' or A.cause == 'declined') then pause = A.cause end
    if withdraw(call, op, 'no-answer', pause) then claimForCall(call, qid) end
    claimForOperator(op)
  end`,
);

const HANGUP = script(
  'hangup — either side hung up (abandon: only before an answer); completes or abandons the call',
  ', kind, callId',
  `
  local call = callOf(A.callId)
  local qid = call.queueId
  queueCfg(qid)
  if call.state == 'on-call' then
    if A.kind == 'abandon' then callNext(call, 'abandon') end
    needQueues(opQueues(getOp(call.operatorId), { qid }))
    complete(call, qid, false)
    return
  end
  callNext(call, 'abandon')
  local released = {}
  if call.state == 'offered' then released = sortIds(copy(call.operatorIds)) end
  local needed = { qid }
  for _, id in ipairs(released) do opQueues(getOp(id), needed) end
  needQueues(needed)
  for _, id in ipairs(released) do
    push({ type = 'offer-withdrawn', at = NOW, callId = call.id, queueId = qid, operatorId = id, token = call.token, reason = 'abandoned' })
    setState(opOf(id), 'release')
  end
  removeWaiting(qid, call.id)
  timerDel('c|' .. call.id)
  timerDel('r|' .. call.id)
  deleteCall(call.id)
  push({ type = 'call-abandoned', at = NOW, callId = call.id, queueId = qid, waitedMs = NOW - call.enqueuedAt })
  claimForReleased(released)`,
);

const TICK = script(
  'tick — runs due timers in (due, key) order: wrap-up ends, offer expiries, relaxation, maximum wait',
  ', limit',
  `
  local function timerNeeds(kind, id)
    if kind == 'w' then return opQueues(getOp(id), {}) end
    local call = getCall(id)
    if not call then return {} end
    if kind == 'r' and call.state == 'offered' then
      local needed = { call.queueId }
      for _, opId in ipairs(call.operatorIds) do opQueues(getOp(opId), needed) end
      return needed
    end
    if kind == 'c' and call.state == 'waiting' then return chainOf(call.queueId, {}) end
    return {}
  end

  local function fire(kind, id)
    if kind == 'w' then
      local op = getOp(id)
      if op and op.state == 'wrap-up' and op.wrapUpEndsAt <= NOW then endWrapUp(op) end
    elseif kind == 'r' then
      local call = getCall(id)
      if not call or call.state ~= 'offered' or call.expiresAt > NOW then return end
      local qid = call.queueId
      local cfg = queueCfg(qid)
      local ids = sortIds(copy(call.operatorIds))
      local returned = false
      for _, opId in ipairs(ids) do
        local op = opOf(opId)
        if op.state == 'ringing' then returned = withdraw(call, op, 'no-answer', cfg.noAnswerPause)
        else returned = withdraw(call, op, 'expired', nil) end
      end
      if returned then claimForCall(call, qid) end
      claimForReleased(ids)
    elseif kind == 'c' then
      local call = getCall(id)
      if not call or call.state ~= 'waiting' then return end
      local qid = call.queueId
      local cfg = queueCfg(qid)
      if cfg.maxWaitMs ~= nil and NOW - call.enqueuedAt >= cfg.maxWaitMs then
        removeWaiting(qid, call.id)
        overflow(call, qid, 'max-wait', enterQueue)
        return
      end
      claimForCall(call, qid)
      if call.state == 'waiting' then armCallTimer(cfg, call) end
    end
  end

  local processed = 0
  local limit = A.limit or 200
  while true do
    if processed >= limit then EXTRA.more = true return end
    local head = redis.call('ZRANGE', TIMERS, 0, 0, 'WITHSCORES')
    if #head == 0 or tonumber(head[2]) > NOW then return end
    local key = head[1]
    local kind, id = string.sub(key, 1, 1), string.sub(key, 3)
    local missing = missingQueues(timerNeeds(kind, id))
    if #missing > 0 then EXTRA.need = missing return end
    redis.call('ZREM', TIMERS, key)
    fire(kind, id)
    processed = processed + 1
  end`,
  ', need = EXTRA.need, more = EXTRA.more',
);

const RECOVER = script(
  'recover-instance — the calls of a dead instance leave routing; their operators are paused (recovered)',
  ', instanceId, onlyIfExpired, reason; KEYS[#KEYS] (after the queue keys) <prefix>:instances zset id -> heartbeat end ms',
  `
  local INSTANCES = KEYS[4 + 3 * #(A.queueIds or {}) + 1]
  local id = A.instanceId
  if A.onlyIfExpired then
    local aliveUntil = redis.call('ZSCORE', INSTANCES, id)
    if not aliveUntil or tonumber(aliveUntil) >= NOW then return end
  end
  local lost, qids = {}, {}
  for _, raw in ipairs(redis.call('HVALS', CALLS)) do
    local c = cjson.decode(raw)
    if c.instanceId == id then lost[#lost + 1] = c.id qids[#qids + 1] = c.queueId end
  end
  needQueues(qids)
  if A.onlyIfExpired then redis.call('ZREM', INSTANCES, id) end
  sortIds(lost)
  for _, cid in ipairs(lost) do
    local call = callOf(cid)
    local qid = call.queueId
    queueCfg(qid)
    if call.state == 'on-call' then
      local op = opOf(call.operatorId)
      complete(call, qid, true)
      setState(op, 'recover', A.reason)
    else
      local held = {}
      if call.state == 'offered' then held = sortIds(copy(call.operatorIds)) end
      for _, opId in ipairs(held) do
        push({ type = 'offer-withdrawn', at = NOW, callId = call.id, queueId = qid, operatorId = opId, token = call.token, reason = 'abandoned' })
        setState(opOf(opId), 'recover', A.reason)
      end
      removeWaiting(qid, call.id)
      timerDel('c|' .. call.id)
      timerDel('r|' .. call.id)
      deleteCall(call.id)
      push({ type = 'call-abandoned', at = NOW, callId = call.id, queueId = qid, waitedMs = NOW - call.enqueuedAt })
    end
  end
  push({ type = 'instance-recovered', at = NOW, instanceId = id, calls = #lost })`,
);

/** Read-only: the raw records of the given queues (all queues when ARGV scope is not set). */
const READ = `-- switchboard ACD: read — raw records for views, in one consistent step
${KEYS_DOC}
-- ARGV[1] JSON { queueIds, scoped }: scoped = only these queues, their members and their calls
-- Returns JSON { queues = [{ id, config, members, waiting, meta }], operators, calls, timers } or { need }
local A = cjson.decode(ARGV[1])
local OPS, CALLS, QUEUES, TIMERS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local QK, listed = {}, {}
for i, qid in ipairs(A.queueIds) do
  local b = 4 + (i - 1) * 3
  QK[#QK + 1] = { id = qid, members = KEYS[b + 1], waiting = KEYS[b + 2], meta = KEYS[b + 3] }
  listed[qid] = true
end
if not A.scoped then
  local missing = {}
  for _, qid in ipairs(redis.call('HKEYS', QUEUES)) do
    if not listed[qid] then missing[#missing + 1] = qid end
  end
  if #missing > 0 then return cjson.encode({ need = missing }) end
end
local out = { queues = {}, operators = {}, calls = {}, timers = redis.call('ZRANGE', TIMERS, 0, -1, 'WITHSCORES') }
local wanted = {}
for _, k in ipairs(QK) do
  local config = redis.call('HGET', QUEUES, k.id)
  if config then
    local members = redis.call('HGETALL', k.members)
    for i = 1, #members, 2 do wanted[members[i]] = true end
    out.queues[#out.queues + 1] = { id = k.id, config = config, members = members,
      waiting = redis.call('ZRANGE', k.waiting, 0, -1), meta = redis.call('HGETALL', k.meta) }
  end
end
if A.scoped then
  for id in pairs(wanted) do
    local raw = redis.call('HGET', OPS, id)
    if raw then out.operators[#out.operators + 1] = raw end
  end
  for _, raw in ipairs(redis.call('HVALS', CALLS)) do
    local call = cjson.decode(raw)
    if listed[call.queueId] then out.calls[#out.calls + 1] = raw end
  end
else
  out.operators = redis.call('HVALS', OPS)
  out.calls = redis.call('HVALS', CALLS)
end
return cjson.encode(out)
`;

export interface LuaScript {
  name: string;
  source: string;
  sha: string;
}

export function define(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = {
  configure: define('configure', CONFIGURE),
  enqueue: define('enqueue', ENQUEUE),
  operator: define('operator', OPERATOR),
  offer: define('offer', OFFER),
  hangup: define('hangup', HANGUP),
  tick: define('tick', TICK),
  recover: define('recover', RECOVER),
  read: define('read', READ),
} as const;
