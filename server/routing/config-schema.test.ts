import { parseNewCall, parseRoutingConfig } from './config-schema';
import { AppError } from './errors';

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

const q = (id: string, extra: Record<string, unknown> = {}) => ({ id, strategy: 'longest-idle', ...extra });

describe('routing config validation', () => {
  it('fills defaults', () => {
    const cfg = parseRoutingConfig({ queues: [q('sales')], operators: [{ id: 'ann', queues: [{ queue: 'sales' }] }] });
    expect(cfg.queues[0]).toEqual({
      id: 'sales',
      strategy: 'longest-idle',
      ringTimeoutMs: 15000,
      wrapUpMs: 0,
      overflow: 'busy',
      noAnswerPause: 'no-answer',
      skills: [],
      relaxation: [],
      serviceLevelMs: 20000,
      serviceLevelTarget: 0.8,
      defaultHandleMs: 180000,
    });
    expect(cfg.operators[0]).toEqual({ id: 'ann', skills: {}, queues: [{ queue: 'sales', penalty: 0 }] });
  });

  const cases: Array<[string, unknown, string]> = [
    ['unknown strategy', { queues: [q('a', { strategy: 'fastest' })] }, 'queues[0].strategy'],
    ['negative ring timeout', { queues: [q('a', { ringTimeoutMs: -5 })] }, 'queues[0].ringTimeoutMs'],
    ['negative wrap-up', { queues: [q('a', { wrapUpMs: -1 })] }, 'queues[0].wrapUpMs'],
    ['zero max wait', { queues: [q('a', { maxWaitMs: 0 })] }, 'queues[0].maxWaitMs'],
    ['negative max length', { queues: [q('a', { maxLength: -1 })] }, 'queues[0].maxLength'],
    ['queue skill level 11', { queues: [q('a', { skills: [{ name: 'fr', level: 11 }] })] }, 'queues[0].skills[0].level'],
    ['queue skill level 0', { queues: [q('a', { skills: [{ name: 'fr', level: 0 }] })] }, 'queues[0].skills[0].level'],
    ['operator skill level 12', { queues: [q('a')], operators: [{ id: 'o', skills: { fr: 12 } }] }, 'operators[0].skills.fr'],
    ['unknown field', { queues: [q('a', { colour: 'red' })] }, 'queues[0]'],
    ['bad id', { queues: [q('a b')] }, 'queues[0].id'],
    ['duplicate queue', { queues: [q('a'), q('a')] }, 'queues[1].id'],
    ['overflow to unknown queue', { queues: [q('a', { overflow: { queue: 'zz' } })] }, 'queues[0].overflow.queue'],
    ['overflow to itself', { queues: [q('a', { overflow: { queue: 'a' } })] }, 'queues[0].overflow.queue'],
    ['overflow loop a→b→a', { queues: [q('a', { overflow: { queue: 'b' } }), q('b', { overflow: { queue: 'a' } })] }, 'queues[0].overflow.queue'],
    ['member of unknown queue', { queues: [q('a')], operators: [{ id: 'o', queues: [{ queue: 'b' }] }] }, 'operators[0].queues[0].queue'],
    ['negative penalty', { queues: [q('a')], operators: [{ id: 'o', queues: [{ queue: 'a', penalty: -1 }] }] }, 'operators[0].queues[0].penalty'],
    ['relaxation not increasing', { queues: [q('a', { relaxation: [{ afterMs: 10, drop: 1 }, { afterMs: 5, drop: 2 }] })] }, 'queues[0].relaxation[1].afterMs'],
    ['relaxation drop decreasing', { queues: [q('a', { relaxation: [{ afterMs: 10, drop: 3 }, { afterMs: 20, drop: 2 }] })] }, 'queues[0].relaxation[1].drop'],
    ['duplicate skill', { queues: [q('a', { skills: [{ name: 'x', level: 1 }, { name: 'x', level: 2 }] })] }, 'queues[0].skills[1].name'],
  ];

  it.each(cases)('rejects %s, naming %s', (_name, input, field) => {
    const err = errorOf(() => parseRoutingConfig(input));
    expect(err.code).toBe('ERR_INVALID_CONFIG');
    expect(err.message).toContain(`${field}:`);
    expect(err.details.fields).toContain(field);
  });

  it('names the loop', () => {
    const err = errorOf(() => parseRoutingConfig({ queues: [q('a', { overflow: { queue: 'b' } }), q('b', { overflow: { queue: 'c' } }), q('c', { overflow: { queue: 'a' } })] }));
    expect(err.message).toContain('overflow loop a → b → c → a');
  });

  it('accepts an overflow chain without a loop', () => {
    expect(() => parseRoutingConfig({ queues: [q('a', { overflow: { queue: 'b' } }), q('b', { overflow: { queue: 'c' } }), q('c')] })).not.toThrow();
  });

  it('validates calls', () => {
    expect(parseNewCall({ id: 'c1', queueId: 'a' })).toEqual({ id: 'c1', queueId: 'a', priority: 0, skills: {} });
    const err = errorOf(() => parseNewCall({ id: 'c1', queueId: 'a', priority: 100 }));
    expect(err.code).toBe('ERR_INVALID_INPUT');
    expect(err.message).toContain('priority:');
  });
});
