import type { AudioOutput } from '../devices/audio-output';
import type { ConsultCall, ConsultCallDelegate } from '../sip/consult-call';
import type { SipCall } from '../sip/sip-call';
import type { ConsultView, ConsultViewModel } from '../ui/consult-view';
import { ConsultController, consultFailure } from './consult-controller';

/** A consultation call driven by the test through its delegate. */
function fakeConsult() {
  const c = {
    delegate: undefined as ConsultCallDelegate | undefined,
    isAnswered: false,
    isEnded: false,
    remoteStream: undefined,
    start: jest.fn(async () => undefined),
    hangup: jest.fn(async () => undefined),
  };
  return c;
}

function setup(options: { holdWorks?: boolean; conference?: () => Promise<void> } = {}) {
  const rendered: ConsultViewModel[] = [];
  const view = { delegate: undefined, render: (m: ConsultViewModel) => rendered.push(m) } as unknown as ConsultView;
  const messages: string[] = [];
  const held: boolean[] = [];
  const consult = fakeConsult();
  const call = {
    isHeld: false,
    completeTransfer: jest.fn(async () => ({ status: 200, reason: 'OK' })),
    leaveHoldForConference: jest.fn(() => ({ undo: jest.fn() })),
  };
  const playCall = jest.fn();
  const controller = new ConsultController({
    view,
    showMessage: (text) => messages.push(text),
    speaker: { play: jest.fn(async () => undefined) } as unknown as AudioOutput,
    dial: () => consult as unknown as ConsultCall,
    conference: options.conference ?? (async () => undefined),
    setHeld: async (hold) => {
      held.push(hold);
      return options.holdWorks ?? true;
    },
    playCall,
    onChange: () => undefined,
  });
  const start = () => controller.start(call as unknown as SipCall, 'call-1', 'bob', 'Bob');
  return { controller, consult, call, messages, held, rendered, playCall, start };
}

describe('ConsultController', () => {
  it('holds the caller, calls the colleague, and on Cancel hangs up and resumes', async () => {
    const s = setup();
    await s.start();
    expect(s.held).toEqual([true]);
    expect(s.controller.state).toBe('dialing');
    s.consult.delegate?.onRinging?.();
    s.consult.delegate?.onAnswered?.();
    expect(s.controller.state).toBe('talking');
    await s.controller.cancel();
    expect(s.consult.hangup).toHaveBeenCalled();
    expect(s.held).toEqual([true, false]);
    expect(s.controller.state).toBe('none');
    expect(s.messages.at(-1)).toBe('Consultation with Bob ended. The caller is back with you.');
    expect(s.playCall).toHaveBeenCalled();
  });

  it.each([[486, 'is busy'], [603, 'declined'], [480, 'did not answer (or is not reachable)']])(
    'a consultation answered %i brings the caller back with a message', async (status, says) => {
      const s = setup();
      await s.start();
      s.consult.delegate?.onFailed?.(status, '');
      await new Promise((r) => setImmediate(r));
      expect(s.controller.state).toBe('none');
      expect(s.held).toEqual([true, false]);
      expect(s.messages.at(-1)).toBe(`Consultation failed: Bob ${says}. The caller is back with you.`);
      expect(consultFailure(status)).toBe(says);
    });

  it('does not call the colleague when the caller could not be held', async () => {
    const s = setup({ holdWorks: false });
    await s.start();
    expect(s.controller.state).toBe('none');
    expect(s.consult.start).not.toHaveBeenCalled();
  });

  it('Complete transfer refers with Replaces; the server ending the consultation meanwhile is expected', async () => {
    const s = setup();
    await s.start();
    s.consult.delegate?.onAnswered?.();
    s.consult.isAnswered = true;
    const done = s.controller.complete();
    s.consult.isEnded = true;
    s.consult.delegate?.onEnded?.();
    await done;
    expect(s.call.completeTransfer).toHaveBeenCalledWith(s.consult);
    expect(s.controller.state).toBe('none');
    expect(s.held).toEqual([true]); // no resume: the caller is the colleague's now
    expect(s.messages.at(-1)).toBe('Call transferred to Bob.');
  });

  it('a refused conference puts the hold back and keeps the consultation', async () => {
    const s = setup({ conference: async () => { throw new Error('conferences are not available'); } });
    await s.start();
    s.consult.delegate?.onAnswered?.();
    await s.controller.makeConference();
    expect(s.controller.state).toBe('talking');
    const hold = s.call.leaveHoldForConference.mock.results[0]!.value as { undo: jest.Mock };
    expect(hold.undo).toHaveBeenCalled();
    expect(s.messages.at(-1)).toBe('No conference: conferences are not available.');
  });

  it('a conference leaves the consultation state for the conference and the speaker plays the call', async () => {
    const s = setup();
    await s.start();
    s.consult.delegate?.onAnswered?.();
    await s.controller.makeConference();
    expect(s.controller.inConference).toBe(true);
    expect(s.controller.active).toBe(false);
    expect(s.playCall).toHaveBeenCalled();
    s.controller.reset();
    expect(s.controller.state).toBe('none');
  });
});
