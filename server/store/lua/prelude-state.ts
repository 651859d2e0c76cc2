import { CALL_TRANSITIONS, OPERATOR_TRANSITIONS } from '../../routing';

/** A two-level table of strings as a Lua table constructor (cheaper than decoding JSON per call). */
function luaTable(table: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>): string {
  const q = (x: string) => `['${x.replace(/[^A-Za-z0-9_-]/g, '')}']`;
  const rows = Object.entries(table).map(([from, row]) => {
    const cells = Object.entries(row).map(([action, to]) => `${q(action)} = '${String(to).replace(/[^A-Za-z0-9_-]/g, '')}'`);
    return `${q(from)} = { ${cells.join(', ')} }`;
  });
  return `{\n  ${rows.join(',\n  ')},\n}`;
}

/**
 * Lua shared by every script, part 1: arguments, key blocks, record caches, timers, skills.
 * Records read in a script are cached and written back once by flush(). Scripts validate before
 * they write, so an error leaves Redis as it was. The transition tables are the routing core's.
 */
export const PRELUDE_STATE = `
local OPS, CALLS, QUEUES, TIMERS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local A = cjson.decode(ARGV[1])
local NOW = A.now
local TOKEN_BASE = A.tokenBase
local OFFERS = A.offers or 0
local SEED = A.seed or 0
local NULL = cjson.null
local OUT = {}
local EXTRA = {}
local QK = {}
for i, qid in ipairs(A.queueIds or {}) do
  local b = 4 + (i - 1) * 3
  QK[qid] = { members = KEYS[b + 1], waiting = KEYS[b + 2], meta = KEYS[b + 3] }
end
local T = ${luaTable(OPERATOR_TRANSITIONS)}
local CT = ${luaTable(CALL_TRANSITIONS)}

local function fail(code, message, details)
  error({ code = code, message = message, details = details })
end

local function push(event) OUT[#OUT + 1] = event end

local function fmt(n) return string.format('%.0f', n) end

-- byte-wise string order (Lua's own < follows the server's locale)
local function strlt(a, b)
  local la, lb = #a, #b
  local n = la < lb and la or lb
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return la < lb
end

local function sortIds(list) table.sort(list, strlt) return list end

local function copy(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v end
  return out
end

local function nextRandom()
  SEED = (SEED * 9301 + 49297) % 233280
  return SEED / 233280
end

local cfgCache, opCache, callCache, dirtyOps, dirtyCalls = {}, {}, {}, {}, {}

local function decodeCfg(raw)
  local c = cjson.decode(raw)
  if c.noAnswerPause == NULL then c.noAnswerPause = nil end
  return c
end

local function cfgOf(qid)
  local c = cfgCache[qid]
  if c == nil then
    local raw = redis.call('HGET', QUEUES, qid)
    if raw then c = decodeCfg(raw) else c = false end
    cfgCache[qid] = c
  end
  return c or nil
end

local function queueCfg(qid)
  local c = cfgOf(qid)
  if not c then fail('ERR_UNKNOWN_QUEUE', 'unknown queue ' .. qid, { queueId = qid }) end
  return c
end

local function getOp(id)
  local op = opCache[id]
  if op == nil then
    local raw = redis.call('HGET', OPS, id)
    if raw then op = cjson.decode(raw) else op = false end
    opCache[id] = op
  end
  return op or nil
end

local function opOf(id)
  local op = getOp(id)
  if not op then fail('ERR_UNKNOWN_OPERATOR', 'unknown operator ' .. id, { operatorId = id }) end
  return op
end

local function markOp(op) dirtyOps[op.id] = true end

local function getCall(id)
  local call = callCache[id]
  if call == nil then
    local raw = redis.call('HGET', CALLS, id)
    if raw then call = cjson.decode(raw) else call = false end
    callCache[id] = call
  end
  return call or nil
end

local function callOf(id)
  local call = getCall(id)
  if not call then fail('ERR_UNKNOWN_CALL', 'unknown call ' .. id, { callId = id }) end
  return call
end

local function markCall(call) callCache[call.id] = call dirtyCalls[call.id] = true end
local function deleteCall(id) callCache[id] = false dirtyCalls[id] = true end

local function flush()
  for id in pairs(dirtyOps) do redis.call('HSET', OPS, id, cjson.encode(opCache[id])) end
  for id in pairs(dirtyCalls) do
    local call = callCache[id]
    if call then redis.call('HSET', CALLS, id, cjson.encode(call)) else redis.call('HDEL', CALLS, id) end
  end
end

-- queue key blocks: a script names the queues it needs before it writes anything
local function missingQueues(list)
  local missing, seen = {}, {}
  for _, q in ipairs(list) do
    if not QK[q] and not seen[q] then seen[q] = true missing[#missing + 1] = q end
  end
  return missing
end

local function needQueues(list)
  local missing = missingQueues(list)
  if #missing > 0 then error({ need = missing }) end
end

local function qk(qid)
  local k = QK[qid]
  if not k then error({ need = { qid } }) end
  return k
end

local function chainOf(qid, acc)
  local guard = 0
  while qid and guard < 1000 do
    acc[#acc + 1] = qid
    local c = cfgOf(qid)
    if not c or type(c.overflow) ~= 'table' then break end
    qid = c.overflow.queue
    guard = guard + 1
  end
  return acc
end

local function opQueues(op, acc)
  if op then for _, m in ipairs(op.queues) do acc[#acc + 1] = m.queue end end
  return acc
end

local function timerSet(key, at) redis.call('ZADD', TIMERS, fmt(at), key) end
local function timerDel(key) redis.call('ZREM', TIMERS, key) end

-- skills
local function effectiveReq(cfg, call)
  local base = {}
  for _, s in ipairs(cfg.skills) do base[s.name] = s.level end
  for name, level in pairs(call.skills) do
    if (base[name] or 0) < level then base[name] = level end
  end
  local waited = NOW - call.enqueuedAt
  local drop = 0
  for _, step in ipairs(cfg.relaxation) do
    if waited >= step.afterMs then drop = step.drop end
  end
  local out = {}
  for name, level in pairs(base) do
    if level - drop > 0 then out[name] = level - drop end
  end
  return out
end

local function meets(skills, req)
  for name, level in pairs(req) do
    if (skills[name] or 0) < level then return false end
  end
  return true
end

local function nextRelaxAt(cfg, call)
  for _, step in ipairs(cfg.relaxation) do
    local at = call.enqueuedAt + step.afterMs
    if at > NOW then return at end
  end
  return nil
end

local function armCallTimer(cfg, call)
  local due = nextRelaxAt(cfg, call)
  if cfg.maxWaitMs ~= nil then
    local deadline = call.enqueuedAt + cfg.maxWaitMs
    if due == nil or deadline < due then due = deadline end
  end
  if due == nil then timerDel('c|' .. call.id) else timerSet('c|' .. call.id, due) end
end

-- state machines
local function opNext(op, action)
  local to = T[op.state][action]
  if not to then
    fail('ERR_ILLEGAL_TRANSITION', 'operator ' .. op.id .. ': cannot ' .. action .. ' while ' .. op.state,
      { operatorId = op.id, state = op.state, action = action })
  end
  return to
end

local function callNext(call, action)
  local to = CT[call.state][action]
  if not to then
    fail('ERR_ILLEGAL_TRANSITION', 'call ' .. call.id .. ': cannot ' .. action .. ' while ' .. call.state,
      { callId = call.id, state = call.state, action = action })
  end
  return to
end

local function setState(op, action, reason)
  local from = op.state
  local to = opNext(op, action)
  op.state = to
  op.since = NOW
  if to == 'paused' and reason ~= nil then op.reason = reason else op.reason = nil end
  if to ~= 'reserved' and to ~= 'ringing' and to ~= 'on-call' then
    op.callId = nil
    op.token = nil
  end
  if to ~= 'wrap-up' then
    op.wrapUpEndsAt = nil
    if from == 'wrap-up' then timerDel('w|' .. op.id) end
  end
  local event = { type = 'operator-state', at = NOW, operatorId = op.id, from = from, to = to }
  if to == 'paused' and reason ~= nil then event.reason = reason end
  push(event)
  markOp(op)
end
`;
