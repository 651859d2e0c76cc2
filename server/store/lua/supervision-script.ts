/**
 * The supervisor's commands on a waiting call, line for line the moves of
 * server/routing/supervision.ts: move it to another queue, give it to a named operator, change its
 * priority. Every check comes before the first write.
 */
import { define, script } from './scripts';

const SUPERVISE = script(
  'supervise — move-call, assign-call, set-priority on a waiting call',
  ', kind, callId, queueId?, operatorId?, priority?',
  `
  local call = callOf(A.callId)
  local qid = call.queueId
  queueCfg(qid)
  local action = 'move'
  if A.kind == 'assign-call' then action = 'assign' elseif A.kind == 'set-priority' then action = 'set-priority' end
  if call.state ~= 'waiting' then
    fail('ERR_ILLEGAL_TRANSITION', 'call ' .. call.id .. ': cannot ' .. action .. ' while ' .. call.state,
      { callId = call.id, state = call.state, action = action })
  end
  if A.kind == 'move-call' then
    local to = A.queueId
    local cfg = queueCfg(to)
    if to == qid then
      fail('ERR_ILLEGAL_TRANSITION', 'call ' .. call.id .. ' already waits in ' .. to, { callId = call.id, queueId = to, action = 'move' })
    end
    needQueues({ qid, to })
    if cfg.maxLength ~= nil and redis.call('ZCARD', qk(to).waiting) >= cfg.maxLength then
      fail('ERR_QUEUE_FULL', 'queue ' .. to .. ' is full', { callId = call.id, queueId = to })
    end
    removeWaiting(qid, call.id)
    timerDel('c|' .. call.id)
    push({ type = 'call-moved', at = NOW, callId = call.id, fromQueueId = qid, toQueueId = to })
    enterQueue(call, to)
  elseif A.kind == 'assign-call' then
    local op = opOf(A.operatorId)
    if op.state ~= 'available' then
      fail('ERR_ILLEGAL_TRANSITION', 'operator ' .. op.id .. ': cannot take call ' .. call.id .. ' while ' .. op.state,
        { operatorId = op.id, state = op.state, action = 'assign' })
    end
    needQueues({ qid })
    offer(call, qid, { op.id }, {
      kind = 'assigned', rule = 'named-operator', operatorId = op.id, callId = call.id, queueId = qid,
      summary = 'assigned ' .. call.id .. ' in ' .. qid .. ' to ' .. op.id,
    })
  else
    needQueues({ qid })
    local from = call.priority
    removeWaiting(qid, call.id)
    call.priority = A.priority
    markCall(call)
    local position = insertWaiting(qid, call)
    push({ type = 'call-priority-changed', at = NOW, callId = call.id, queueId = qid, from = from, priority = A.priority, position = position })
  end`,
);

export const SUPERVISE_SCRIPT = define('supervise', SUPERVISE);
