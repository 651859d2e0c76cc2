/**
 * Requests inside an answered dialog, for the calls layer: new offers (re-INVITE, UPDATE) answered
 * by the call's media, DTMF carried in SIP INFO, and REFER (RFC 3515) with progress reported back
 * in NOTIFYs carrying a sipfrag. Without these handlers drachtio-srf answers a re-INVITE with the
 * old SDP (a hold would be answered sendrecv and the browser would hang up).
 */
import type Srf from 'drachtio-srf';
import { OfferRefusedError, type DtmfSignal, type SipLeg, type TransferRequest } from '../calls/ports';
import { destroyQuietly } from './operator-dialer';
import { keepDialogAlive, type DialogKeepAliveOptions } from './dialog-keepalive';

export interface InDialogLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Longest INFO body read for DTMF; anything longer is refused. */
const MAX_INFO_BODY = 1024;
/** Default tone length when an INFO gives none. */
const DEFAULT_DTMF_MS = 100;

/** Parses a DTMF INFO body: `Signal=5\r\nDuration=160` (dtmf-relay) or `5` (application/dtmf). */
export function parseDtmfInfo(contentType: string, body: string): DtmfSignal | undefined {
  if (body.length > MAX_INFO_BODY) return undefined;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  let digit: string | undefined;
  let durationMs = DEFAULT_DTMF_MS;
  if (type === 'application/dtmf-relay') {
    digit = /^\s*signal\s*=\s*(\S+)\s*$/im.exec(body)?.[1];
    const d = /^\s*duration\s*=\s*(\d+)\s*$/im.exec(body)?.[1];
    if (d) durationMs = Math.min(Math.max(Number(d), 100), 5000);
  } else if (type === 'application/dtmf') {
    digit = body.trim();
  } else return undefined;
  if (!digit) return undefined;
  digit = digit.toUpperCase();
  if (digit === '10') digit = '*';
  if (digit === '11') digit = '#';
  return /^[0-9A-D*#]$/.test(digit) ? { digit, durationMs } : undefined;
}

/** The Refer-To target: its user part and, for an attended transfer, the Replaces dialog. */
export function parseReferTo(referTo: string): { target: string; replaces?: TransferRequest['replaces'] } | undefined {
  const uri = /<([^>]*)>/.exec(referTo)?.[1] ?? referTo.trim();
  const m = /^sips?:(?:([^@;?]+)@)?[^;?]+/i.exec(uri);
  if (!m) return undefined;
  const target = m[1] === undefined ? '' : decodeURIComponent(m[1]);
  const replaces = parseReplaces(/[?&]replaces=([^&]+)/i.exec(uri)?.[1]);
  // an attended transfer names the dialog to replace (its URI is that dialog's contact, often with no user part)
  if (replaces) return { target, replaces };
  return target ? { target } : undefined;
}

function parseReplaces(raw: string | undefined): TransferRequest['replaces'] {
  if (!raw) return undefined;
  const [callId, ...params] = decodeURIComponent(raw).split(';');
  const param = (name: string) => params.map((p) => p.split('=')).find(([k]) => k?.trim().toLowerCase() === name)?.[1]?.trim();
  const toTag = param('to-tag');
  const fromTag = param('from-tag');
  return callId && toTag && fromTag ? { callId, toTag, fromTag } : undefined;
}

/**
 * Makes `dialog` a SipLeg: hang-up, new offers, INFO DTMF and REFER reach the handlers the calls
 * layer installs. `onHangup` listeners run once, whichever side ended the dialog. With `keepAlive`, the
 * device is probed in the dialog; when it is gone (no notice comes from drachtio-server when a
 * browser's WebSocket closes) the dialog is ended as if it had hung up.
 */
export function inDialogLeg(dialog: Srf.Dialog, log: InDialogLogger, keepAlive?: DialogKeepAliveOptions): SipLeg & { readonly gone: boolean } {
  let gone = false;
  const hangupListeners: Array<() => void> = [];
  let stopProbing = () => undefined as void;
  let dtmfHandler: ((d: DtmfSignal) => Promise<void> | void) | undefined;
  let offerHandler: ((sdp: string) => Promise<string>) | undefined;
  let transferHandler: ((r: TransferRequest) => void) | undefined;
  const ended = () => {
    stopProbing();
    if (gone) return;
    gone = true;
    for (const l of hangupListeners) l();
  };
  dialog.on('destroy', ended);
  if (keepAlive) {
    stopProbing = keepDialogAlive(dialog, keepAlive, (status) => {
      if (gone) return;
      log.info({ status: status ?? 'no answer' }, 'the device is gone from the dialog: ending it');
      destroyQuietly(dialog); // the BYE fails too, most likely; the engine forgets the dialog
      ended();
    });
  }

  const answerOffer = async (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
    const local = (dialog as unknown as { local: { sdp: string } }).local;
    if (!req.body) {
      // an offerless re-INVITE (a refresh from some PBXs): offer what we have; the ACK carries the answer
      res.send(200, { body: local.sdp, headers: { 'Content-Type': 'application/sdp' } });
      return;
    }
    if (!offerHandler) {
      res.send(488);
      return;
    }
    try {
      const sdp = await offerHandler(req.body);
      local.sdp = sdp;
      res.send(200, { body: sdp, headers: { 'Content-Type': 'application/sdp' } });
    } catch (err) {
      if (!(err instanceof OfferRefusedError)) log.warn({ err, method: req.method }, 'new offer failed');
      else log.info({ reason: err.message, method: req.method }, 'new offer refused');
      res.send(488);
    }
  };
  dialog.on('modify', (req: Srf.SrfRequest, res: Srf.SrfResponse) => void answerOffer(req, res));
  dialog.on('update', (req: Srf.SrfRequest, res: Srf.SrfResponse) => void answerOffer(req, res));

  dialog.on('info', (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
    const dtmf = parseDtmfInfo(req.get('Content-Type') ?? '', req.body ?? '');
    if (!dtmf) {
      res.send(415);
      return;
    }
    if (!dtmfHandler) {
      res.send(200);
      return;
    }
    Promise.resolve()
      .then(() => dtmfHandler!(dtmf))
      .then(() => res.send(200), () => res.send(500, 'DTMF Not Delivered', {}));
  });

  dialog.on('refer', (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
    const parsed = parseReferTo(req.get('Refer-To') ?? '');
    if (!parsed) {
      res.send(400, 'Bad Refer-To', {});
      return;
    }
    if (!transferHandler) {
      res.send(603, 'Transfer Not Allowed', {});
      return;
    }
    res.send(202);
    let final = false;
    const notify = (status: number, reason: string) => {
      if (final || gone) return;
      final = status >= 200;
      // the typings want a whole SrfRequest; drachtio-srf takes { method, headers, body }
      (dialog.request as unknown as (o: object) => Promise<unknown>)({
        method: 'NOTIFY',
        headers: {
          Event: 'refer',
          'Subscription-State': final ? 'terminated;reason=noresource' : 'active;expires=60',
          'Content-Type': 'message/sipfrag;version=2.0',
        },
        body: `SIP/2.0 ${status} ${reason}\r\n`,
      }).catch((err: unknown) => log.warn({ err, status }, 'transfer NOTIFY failed'));
    };
    notify(100, 'Trying');
    transferHandler({ ...parsed, progress: notify });
  });

  return {
    get gone() {
      return gone;
    },
    hangUp() {
      stopProbing();
      if (gone) return;
      gone = true;
      destroyQuietly(dialog);
    },
    onHangup: (l) => void hangupListeners.push(l),
    onOffer: (h) => {
      offerHandler = h;
    },
    onDtmf: (h) => {
      dtmfHandler = h;
    },
    onTransfer: (h) => {
      transferHandler = h;
    },
    renegotiate: (answerFor) => new Promise<void>((resolve, reject) => {
      if (gone) return reject(new Error('the leg has ended'));
      type Ack = (o: { body: string }) => void;
      // the typings lack the callback form with an ACK: drachtio-srf passes (err, res, ack) for an offerless INVITE with noAck
      (dialog.request as unknown as (o: object, cb: (err: unknown, res?: Srf.SrfResponse, ack?: Ack) => void) => void)(
        { method: 'INVITE', noAck: true },
        (err, res, ack) => {
          if (err || !res || !ack) return reject(err ?? new Error('no answer to the re-INVITE'));
          answerFor(res.body).then((sdp) => {
            (dialog as unknown as { local: { sdp: string } }).local.sdp = sdp;
            ack({ body: sdp });
            resolve();
          }, reject);
        },
      );
    }),
  };
}
