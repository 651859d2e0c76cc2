/**
 * Applies one REGISTER to an AOR atomically.
 * KEYS[1]  the AOR's bindings HASH (contact → JSON binding)
 * ARGV[1]  now (ms)          ARGV[2] Call-ID        ARGV[3] CSeq
 * ARGV[4]  "1" to remove all ARGV[5] JSON array of bindings to upsert
 * ARGV[6]  JSON array of contacts to remove
 * Returns  JSON array of the AOR's live bindings after the change.
 */
export const UPDATE_AOR = `
local now = tonumber(ARGV[1])
local callId = ARGV[2]
local cseq = tonumber(ARGV[3])
local function inOrder(raw)
  if not raw then return true end
  local b = cjson.decode(raw)
  return not (b.callId == callId and b.cseq >= cseq)
end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local b = cjson.decode(all[i + 1])
  if b.expiresAt <= now then redis.call('HDEL', KEYS[1], all[i]) end
end
if ARGV[4] == '1' then
  local rest = redis.call('HGETALL', KEYS[1])
  for i = 1, #rest, 2 do
    if inOrder(rest[i + 1]) then redis.call('HDEL', KEYS[1], rest[i]) end
  end
end
for _, contact in ipairs(cjson.decode(ARGV[6])) do
  if inOrder(redis.call('HGET', KEYS[1], contact)) then redis.call('HDEL', KEYS[1], contact) end
end
for _, b in ipairs(cjson.decode(ARGV[5])) do
  if inOrder(redis.call('HGET', KEYS[1], b.contact)) then redis.call('HSET', KEYS[1], b.contact, cjson.encode(b)) end
end
local live = redis.call('HVALS', KEYS[1])
local maxExp = 0
for _, raw in ipairs(live) do
  local e = cjson.decode(raw).expiresAt
  if e > maxExp then maxExp = e end
end
if maxExp > now then redis.call('PEXPIRE', KEYS[1], maxExp - now) end
return cjson.encode(live)
`;

/**
 * Removes one binding if it is still reached over the given flow.
 * KEYS[1]  the AOR's bindings HASH
 * ARGV[1]  contact           ARGV[2] flow key (protocol/address:port)
 * Returns  1 if removed, else 0.
 */
export const REMOVE_IF_FLOW = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local f = cjson.decode(raw).flow
if (f.protocol .. '/' .. f.address .. ':' .. f.port) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;

/**
 * Removes one binding if the given instance still holds its flow.
 * KEYS[1]  the AOR's bindings HASH
 * ARGV[1]  contact           ARGV[2] instance id
 * Returns  1 if removed, else 0.
 */
export const REMOVE_IF_INSTANCE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
if cjson.decode(raw).instanceId ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;
