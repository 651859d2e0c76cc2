import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { DEFAULT_PAUSE_REASONS, DEFAULT_WRAP_UP_EXTEND_SECONDS, DEFAULT_WRAP_UP_MAX_TOTAL_SECONDS } from './schema';

const file = (content: unknown) => ({ path: 'desk.yaml', text: JSON.stringify(content) });

function problemsOf(content: unknown): string[] {
  try {
    loadConfig({}, [file(content)]);
  } catch (err) {
    if (err instanceof ConfigError) return err.details.problems as string[];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config: desk (pause reasons, wrap-up extension)', () => {
  it('has named defaults', () => {
    const { desk } = loadConfig({}, []);
    expect(desk.pauseReasons).toEqual(DEFAULT_PAUSE_REASONS);
    expect(desk.pauseReasons.map((r) => r.id)).toEqual(['break', 'lunch', 'training', 'after-call-admin']);
    expect(desk.wrapUp).toEqual({ extendSeconds: DEFAULT_WRAP_UP_EXTEND_SECONDS, maxTotalSeconds: DEFAULT_WRAP_UP_MAX_TOTAL_SECONDS });
  });

  it('takes configured reasons and wrap-up limits', () => {
    const { desk } = loadConfig({}, [file({ desk: { pauseReasons: [{ id: 'coaching', label: ' Coaching ' }], wrapUp: { extendSeconds: 10 } } })]);
    expect(desk.pauseReasons).toEqual([{ id: 'coaching', label: 'Coaching' }]);
    expect(desk.wrapUp).toEqual({ extendSeconds: 10, maxTotalSeconds: DEFAULT_WRAP_UP_MAX_TOTAL_SECONDS });
  });

  it.each([
    ['an empty list', { pauseReasons: [] }, 'desk.pauseReasons'],
    ['a duplicate id', { pauseReasons: [{ id: 'lunch', label: 'Lunch' }, { id: 'lunch', label: 'Lunch 2' }] }, 'desk.pauseReasons[1].id: pause reason "lunch" listed twice'],
    ['the reserved id login', { pauseReasons: [{ id: 'login', label: 'Login' }] }, 'desk.pauseReasons[0].id'],
    ['an id with spaces', { pauseReasons: [{ id: 'long lunch', label: 'Long lunch' }] }, 'desk.pauseReasons[0].id'],
    ['a missing label', { pauseReasons: [{ id: 'lunch' }] }, 'desk.pauseReasons[0].label'],
    ['an unknown field', { pauseReasons: [{ id: 'lunch', label: 'Lunch', colour: 'red' }] }, 'desk.pauseReasons[0]'],
    ['a zero extension', { wrapUp: { extendSeconds: 0 } }, 'desk.wrapUp.extendSeconds'],
    ['a fractional maximum', { wrapUp: { maxTotalSeconds: 1.5 } }, 'desk.wrapUp.maxTotalSeconds'],
  ])('refuses %s naming the field', (_name, desk, field) => {
    const problems = problemsOf({ desk });
    expect(problems.some((p) => p.startsWith(field))).toBe(true);
  });
});
