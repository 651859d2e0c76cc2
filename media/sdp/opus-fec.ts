import { parse, write } from 'sdp-transform';

/**
 * Asks the far end for Opus in-band FEC: every Opus payload type of the audio sections gets
 * `useinbandfec=1` in its fmtp (added, or replacing another value). Other codecs are untouched.
 */
export function withOpusFec(sdp: string): string {
  const session = parse(sdp);
  let changed = false;
  for (const m of session.media) {
    if (m.type !== 'audio') continue;
    for (const rtp of m.rtp.filter((r) => r.codec.toLowerCase() === 'opus')) {
      m.fmtp ??= [];
      const fmtp = m.fmtp.find((f) => f.payload === rtp.payload);
      if (!fmtp) {
        m.fmtp.push({ payload: rtp.payload, config: 'useinbandfec=1' });
        changed = true;
      } else if (!/(^|;)\s*useinbandfec=1\s*(;|$)/.test(fmtp.config)) {
        const rest = fmtp.config.split(';').map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('useinbandfec='));
        fmtp.config = [...rest, 'useinbandfec=1'].join(';');
        changed = true;
      }
    }
  }
  return changed ? write(session) : sdp;
}
