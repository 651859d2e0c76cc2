import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { codecPolicyFor } from './schema';

const base = {
  queues: [{ id: 'support', strategy: 'longest-idle' }, { id: 'remote-desk', strategy: 'longest-idle' }],
  operators: [
    { id: 'alice', name: 'Alice', sip: { username: 'alice', password: 'pw' } },
    { id: 'bob', name: 'Bob', sip: { username: 'bob', password: 'pw' } },
  ],
};
const file = (codecs: unknown) => ({ path: 'codecs.yaml', text: JSON.stringify({ ...base, codecs }) });

function problemsOf(codecs: unknown): string[] {
  try {
    loadConfig({}, [file(codecs)]);
  } catch (err) {
    if (err instanceof ConfigError) return err.details.problems as string[];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config: codecs (codec policy of operators\' legs)', () => {
  it('avoids transcoding by default', () => {
    const { codecs } = loadConfig({}, []);
    expect(codecs).toEqual({ default: 'avoid-transcoding', queues: {}, operatorGroups: [] });
    expect(codecPolicyFor(codecs, 'support', 'alice')).toBe('avoid-transcoding');
  });

  it('picks the operator group, then the queue, then the default', () => {
    const { codecs } = loadConfig({}, [file({ queues: { 'remote-desk': 'opus' }, operatorGroups: [{ name: 'remote', policy: 'opus', operators: ['bob'] }] })]);
    expect.assertions(4);
    for (const [queue, operator, policy] of [
      ['support', 'alice', 'avoid-transcoding'], ['remote-desk', 'alice', 'opus'], ['support', 'bob', 'opus'], ['remote-desk', 'bob', 'opus'],
    ] as const) expect(codecPolicyFor(codecs, queue, operator)).toBe(policy);
  });

  it('lets a group avoid transcoding in an Opus queue', () => {
    const { codecs } = loadConfig({}, [file({ default: 'opus', operatorGroups: [{ name: 'office', policy: 'avoid-transcoding', operators: ['alice'] }] })]);
    expect(codecPolicyFor(codecs, 'support', 'alice')).toBe('avoid-transcoding');
    expect(codecPolicyFor(codecs, 'support', 'bob')).toBe('opus');
  });

  it.each([
    ['an unknown policy', { default: 'g729' }, 'codecs.default'],
    ['an unknown queue', { queues: { sales: 'opus' } }, 'codecs.queues.sales: unknown queue "sales"'],
    ['an unknown operator', { operatorGroups: [{ name: 'remote', policy: 'opus', operators: ['carol'] }] }, 'unknown operator "carol"'],
    ['an operator in two groups', {
      operatorGroups: [{ name: 'a', policy: 'opus', operators: ['bob'] }, { name: 'b', policy: 'avoid-transcoding', operators: ['bob'] }],
    }, 'codecs.operatorGroups[1].operators[0]: operator "bob" is already in group "a"'],
    ['an empty group', { operatorGroups: [{ name: 'remote', policy: 'opus', operators: [] }] }, 'codecs.operatorGroups[0].operators'],
    ['an unknown field', { transcode: true }, 'codecs'],
  ])('refuses %s naming the field', (_name, codecs, expected) => {
    expect(problemsOf(codecs).join('\n')).toContain(expected);
  });
});
