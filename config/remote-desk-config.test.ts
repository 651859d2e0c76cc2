import { createHmac } from 'node:crypto';
import { iceServersFor } from '../server/http/ice-servers';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { DEFAULT_TURN_TTL_SECONDS, MAX_SCRIPT_CHARS } from './schema';

const file = (content: unknown) => ({ path: 'desk.yaml', text: JSON.stringify(content) });
const QUEUES = { queues: [{ id: 'support', strategy: 'longest-idle' }] };

function problemsOf(content: unknown): string[] {
  try {
    loadConfig({}, [file(content)]);
  } catch (err) {
    if (err instanceof ConfigError) return err.details.problems as string[];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config: call scripts (desk.scripts)', () => {
  it('takes one Markdown script per configured queue', () => {
    const { desk } = loadConfig({}, [file({ ...QUEUES, desk: { scripts: [{ queue: 'support', markdown: '# Hello {caller}\n' }] } })]);
    expect(desk.scripts).toEqual([{ queue: 'support', markdown: '# Hello {caller}' }]);
    expect(loadConfig({}, []).desk.scripts).toEqual([]);
  });

  it.each([
    [{ scripts: [{ queue: 'sales', markdown: 'x' }] }, 'desk.scripts[0].queue: unknown queue "sales"'],
    [{ scripts: [{ queue: 'support', markdown: 'a' }, { queue: 'support', markdown: 'b' }] }, 'desk.scripts[1].queue: queue "support" has two scripts'],
    [{ scripts: [{ queue: 'support', markdown: '  ' }] }, 'desk.scripts[0].markdown: expected the script text (Markdown)'],
    [{ scripts: [{ queue: 'support', markdown: 'x'.repeat(MAX_SCRIPT_CHARS + 1) }] }, 'desk.scripts[0].markdown'],
  ])('%j is refused, naming the field', (desk, problem) => {
    expect(problemsOf({ ...QUEUES, desk }).join('\n')).toContain(problem);
  });
});

describe('config: remote work (http.tls, webrtc.iceServers)', () => {
  it('takes HTTPS with WSS, and STUN/TURN servers', () => {
    const config = loadConfig({}, [file({
      http: { tls: { cert: 'c.pem', key: 'k.pem' } }, sip: { ws: { tls: { cert: 'c.pem', key: 'k.pem' } } },
      webrtc: { iceServers: [{ urls: 'stun:stun.example.com:3478' }, { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'], secret: 'shared-secret' }] },
    })]);
    expect(config.http.tls).toEqual({ cert: 'c.pem', key: 'k.pem' });
    expect(config.webrtc.iceServers[1]).toMatchObject({ secret: 'shared-secret', ttlSeconds: DEFAULT_TURN_TTL_SECONDS });
  });

  it.each([
    [{ http: { tls: { cert: 'c.pem', key: 'k.pem' } } }, 'sip.ws.tls: http.tls is set'],
    [{ http: { tls: { cert: 'c.pem' } }, sip: { ws: { tls: { cert: 'c.pem', key: 'k.pem' } } } }, 'http.tls.key'],
    [{ webrtc: { iceServers: [{ urls: 'http://stun.example.com' }] } }, 'webrtc.iceServers[0].urls: expected a stun:, stuns:, turn: or turns: URL'],
    [{ webrtc: { iceServers: [{ urls: 'turn:t.example.com' }] } }, 'webrtc.iceServers[0].username: a TURN server needs username and credential (or secret)'],
    [{ webrtc: { iceServers: [{ urls: 'turn:t.example.com', username: 'u' }] } }, 'webrtc.iceServers[0].credential: a TURN server needs'],
    [{ webrtc: { iceServers: [{ urls: 'turn:t.example.com', username: 'u', credential: 'c', secret: 's' }] } }, 'webrtc.iceServers[0].secret: expected either secret'],
  ])('%j is refused, naming the field', (content, problem) => {
    expect(problemsOf(content).join('\n')).toContain(problem);
  });

  it('makes time-limited TURN credentials per operator (TURN REST API)', () => {
    const { webrtc } = loadConfig({}, [file({ webrtc: { iceServers: [{ urls: 'stun:s.example.com' }, { urls: 'turn:t.example.com', secret: 'sesame', ttlSeconds: 600 }, { urls: 'turn:u.example.com', username: 'u', credential: 'c' }] } })]);
    const servers = iceServersFor(webrtc, 'alice', 1_000_000_000_000);
    expect(servers).toEqual([
      { urls: 'stun:s.example.com' },
      { urls: 'turn:t.example.com', username: '1000000600:alice', credential: createHmac('sha1', 'sesame').update('1000000600:alice').digest('base64') },
      { urls: 'turn:u.example.com', username: 'u', credential: 'c' },
    ]);
  });
});
