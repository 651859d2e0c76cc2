/**
 * Lua shared by every script, part 2: the routing moves, line for line the same as the engine in
 * server/routing (engine-core.ts, strategies.ts); the conformance suite holds them together.
 */
export const PRELUDE_ROUTING = `
local function score(call) return (99 - call.priority) * 1e13 + call.arrivedAt end

local function insertWaiting(qid, call)
  local key = qk(qid).waiting
  redis.call('ZADD', key, fmt(score(call)), call.id)
  return redis.call('ZRANK', key, call.id) + 1
end

local function removeWaiting(qid, id) redis.call('ZREM', qk(qid).waiting, id) end

local function callLess(a, b)
  if a.priority ~= b.priority then return a.priority > b.priority end
  if a.arrivedAt ~= b.arrivedAt then return a.arrivedAt < b.arrivedAt end
  return strlt(a.id, b.id)
end

local function selectOps(cfg, qid, call)
  local req = effectiveReq(cfg, call)
  local k = qk(qid)
  local flat = redis.call('HGETALL', k.members)
  local rrLast = redis.call('HGET', k.meta, 'rrLast')
  local s = cfg.strategy
  local cands, unavailable, lacking = {}, 0, 0
  for i = 1, #flat, 2 do
    local id, penalty = flat[i], tonumber(flat[i + 1])
    local op = getOp(id)
    if not op or op.state ~= 'available' then
      unavailable = unavailable + 1
    elseif not meets(op.skills, req) then
      lacking = lacking + 1
    else
      local key, tie = 0, 0
      if s == 'longest-idle' then key = op.idleSince
      elseif s == 'fewest-calls' then key = op.calls tie = op.idleSince
      elseif s == 'least-talk-time' then key = op.talkMs tie = op.idleSince
      elseif s == 'round-robin' then
        if rrLast and not strlt(rrLast, id) then key = 1 end
      end
      cands[#cands + 1] = { id = id, penalty = penalty, key = key, tie = tie }
    end
  end
  if #cands == 0 then return nil end
  table.sort(cands, function(a, b)
    if a.penalty ~= b.penalty then return a.penalty < b.penalty end
    if a.key ~= b.key then return a.key < b.key end
    if a.tie ~= b.tie then return a.tie < b.tie end
    return strlt(a.id, b.id)
  end)
  local tier = cands[1].penalty
  local tierSize = 0
  while tierSize < #cands and cands[tierSize + 1].penalty == tier do tierSize = tierSize + 1 end
  local picked = {}
  if s == 'ring-all' then
    for i = 1, tierSize do picked[i] = cands[i].id end
  elseif s == 'random' then
    picked[1] = cands[math.floor(nextRandom() * tierSize) + 1].id
  else
    picked[1] = cands[1].id
  end
  local eligible = {}
  for i = 1, math.min(10, #cands) do
    eligible[i] = { operatorId = cands[i].id, penalty = cands[i].penalty, key = cands[i].key }
  end
  return {
    kind = 'operator-for-call', rule = s, queueId = cfg.id, callId = call.id, picked = picked, tier = tier,
    requirements = req, eligible = eligible, eligibleCount = #cands, unavailableCount = unavailable,
    lackingSkillsCount = lacking,
    summary = s .. ' picked ' .. table.concat(picked, ',') .. ' of ' .. #cands .. ' eligible in tier ' .. tier,
  }
end

local function offer(call, qid, picked, explanation)
  local cfg = queueCfg(qid)
  call.state = callNext(call, 'offer')
  OFFERS = OFFERS + 1
  local token = TOKEN_BASE .. '.' .. OFFERS
  call.token = token
  call.operatorIds = copy(picked)
  call.offeredAt = NOW
  call.expiresAt = NOW + cfg.ringTimeoutMs
  removeWaiting(qid, call.id)
  timerDel('c|' .. call.id)
  timerSet('r|' .. call.id, call.expiresAt)
  redis.call('HSET', qk(qid).meta, 'rrLast', picked[1])
  markCall(call)
  push({ type = 'call-offered', at = NOW, callId = call.id, queueId = qid, operatorIds = copy(picked), token = token,
    expiresAt = call.expiresAt, explanation = explanation })
  for _, id in ipairs(picked) do
    local op = opOf(id)
    setState(op, 'reserve')
    op.callId = call.id
    op.token = token
  end
end

local function claimForCall(call, qid)
  local choice = selectOps(queueCfg(qid), qid, call)
  if choice then offer(call, qid, choice.picked, choice) end
end

local function claimForOperator(op)
  if op.state ~= 'available' then return end
  local ids = {}
  for _, m in ipairs(op.queues) do ids[#ids + 1] = m.queue end
  sortIds(ids)
  local cands, best = {}, nil
  for _, qid in ipairs(ids) do
    local cfg = cfgOf(qid)
    if cfg then
      for _, cid in ipairs(redis.call('ZRANGE', qk(qid).waiting, 0, -1)) do
        local call = callOf(cid)
        if meets(op.skills, effectiveReq(cfg, call)) then
          cands[#cands + 1] = { callId = cid, queueId = qid, priority = call.priority, arrivedAt = call.arrivedAt }
          if not best or callLess(call, best) then best = call end
          break
        end
      end
    end
  end
  if not best then return end
  local bestCfg = queueCfg(best.queueId)
  if bestCfg.strategy == 'ring-all' then
    local choice = selectOps(bestCfg, best.queueId, best)
    if choice then return offer(best, best.queueId, choice.picked, choice) end
  end
  table.sort(cands, function(a, b)
    return callLess({ priority = a.priority, arrivedAt = a.arrivedAt, id = a.callId }, { priority = b.priority, arrivedAt = b.arrivedAt, id = b.callId })
  end)
  offer(best, best.queueId, { op.id }, {
    kind = 'call-for-operator', rule = 'priority-then-longest-wait', operatorId = op.id, callId = best.id,
    queueId = best.queueId, candidates = cands,
    summary = 'priority-then-longest-wait picked ' .. best.id .. ' in ' .. best.queueId .. ' of ' .. #cands .. ' queue heads',
  })
end

local function claimForReleased(ids)
  for _, id in ipairs(sortIds(copy(ids))) do
    local op = getOp(id)
    if op then claimForOperator(op) end
  end
end

local function overflow(call, qid, reason, enterQueue)
  local cfg = queueCfg(qid)
  local busy = type(cfg.overflow) ~= 'table'
  callNext({ id = call.id, state = 'waiting' }, busy and 'reject' or 'overflow')
  timerDel('c|' .. call.id)
  if busy then
    deleteCall(call.id)
    push({ type = 'call-rejected', at = NOW, callId = call.id, queueId = qid, reason = reason })
    return
  end
  local to = cfg.overflow.queue
  push({ type = 'call-overflowed', at = NOW, callId = call.id, fromQueueId = qid, toQueueId = to, reason = reason })
  enterQueue(call, to)
end

local function enterQueue(call, qid)
  local cfg = queueCfg(qid)
  call.queueId = qid
  call.enqueuedAt = NOW
  local choice = selectOps(cfg, qid, call)
  if not choice and cfg.maxLength ~= nil and redis.call('ZCARD', qk(qid).waiting) >= cfg.maxLength then
    overflow(call, qid, 'max-length', enterQueue)
    return
  end
  markCall(call)
  local position = insertWaiting(qid, call)
  push({ type = 'call-queued', at = NOW, callId = call.id, queueId = qid, priority = call.priority, position = position })
  if choice then offer(call, qid, choice.picked, choice) else armCallTimer(cfg, call) end
end

local function returnToQueue(call, qid)
  call.state = callNext(call, 'return')
  call.token = nil
  call.operatorIds = nil
  call.offeredAt = nil
  call.expiresAt = nil
  timerDel('r|' .. call.id)
  markCall(call)
  local position = insertWaiting(qid, call)
  push({ type = 'call-returned', at = NOW, callId = call.id, queueId = qid, position = position })
  armCallTimer(queueCfg(qid), call)
end

-- takes one operator off an offer; true when the call went back to its queue
local function withdraw(call, op, reason, pause)
  local qid = call.queueId
  queueCfg(qid)
  push({ type = 'offer-withdrawn', at = NOW, callId = call.id, queueId = qid, operatorId = op.id, token = call.token, reason = reason })
  if pause ~= nil then setState(op, 'no-answer', pause)
  elseif reason == 'operator-logout' then setState(op, 'force-logout')
  else setState(op, 'release') end
  if reason == 'no-answer' and pause == nil then op.idleSince = NOW end
  local left = {}
  for _, id in ipairs(call.operatorIds or {}) do
    if id ~= op.id then left[#left + 1] = id end
  end
  call.operatorIds = left
  markCall(call)
  if #left > 0 then return false end
  returnToQueue(call, qid)
  return true
end

local function complete(call, qid, forced)
  local op = opOf(call.operatorId)
  local cfg = queueCfg(qid)
  local talkMs = NOW - call.answeredAt
  local wrapUpMs = cfg.wrapUpMs
  if forced then wrapUpMs = 0 end
  op.calls = op.calls + 1
  op.talkMs = op.talkMs + talkMs
  markOp(op)
  local sample = talkMs + wrapUpMs
  local meta = qk(qid).meta
  local aht = redis.call('HGET', meta, 'ahtMs')
  if aht then
    aht = tonumber(aht)
    aht = math.floor(aht + (sample - aht) * 0.2 + 0.5)
  else
    aht = sample
  end
  redis.call('HSET', meta, 'ahtMs', fmt(aht))
  deleteCall(call.id)
  local event = { type = 'call-completed', at = NOW, callId = call.id, queueId = qid, operatorId = op.id, talkMs = talkMs, wrapUpMs = wrapUpMs }
  if forced then event.forced = true end
  push(event)
  if forced then return end
  if wrapUpMs > 0 then
    setState(op, 'hangup')
    op.wrapUpEndsAt = NOW + wrapUpMs
    timerSet('w|' .. op.id, op.wrapUpEndsAt)
  else
    setState(op, 'hangup-no-wrap-up')
    op.idleSince = NOW
    claimForOperator(op)
  end
end

local function endWrapUp(op)
  setState(op, 'end-wrap-up')
  op.idleSince = NOW
  claimForOperator(op)
end
`;
