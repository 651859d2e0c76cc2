/** Where a registered device is reached: the transport flow its REGISTER came over. */
export interface Flow {
  protocol: string;
  address: string;
  port: number;
}

/** One registered contact of an address of record (an operator's SIP user). */
export interface Binding {
  aor: string;
  contact: string;
  expiresAt: number;
  callId: string;
  cseq: number;
  flow: Flow;
  userAgent?: string;
  /** What kind of device registered it, from its transport and contact (`browser` or `phone`); the SDP it answers with decides. */
  device?: 'browser' | 'phone';
  /** The instance whose process holds the flow (a connection); absent for UDP or an external SIP engine. */
  instanceId?: string;
  /**
   * The device's `+sip.instance` (RFC 5626 §4.1) with its `reg-id`, as `<urn:…>` or `<urn:…>;reg-id=1`:
   * a REGISTER of another contact with the same value replaces this binding (the same device, reloaded).
   */
  sipInstance?: string;
}

/** One REGISTER's effect on an AOR (RFC 3261 §10.3 steps 6–8). */
export interface BindingChange {
  callId: string;
  cseq: number;
  /** Remove every binding of the AOR (`Contact: *`, `Expires: 0`). */
  removeAll?: boolean;
  upsert: Binding[];
  /** Contacts to remove (expires=0). */
  remove: string[];
}

/**
 * The registrar's state. Every change to an AOR is atomic; a change whose Call-ID matches a binding
 * with a CSeq not lower than its own is out of order and leaves that binding alone.
 */
export interface BindingStore {
  update(aor: string, change: BindingChange, now: number): Promise<Binding[]>;
  /** The AOR's bindings that have not expired. */
  lookup(aor: string, now: number): Promise<Binding[]>;
  /** Removes every binding reached over a flow that closed; returns how many. */
  removeFlow(flow: Flow, now: number): Promise<number>;
  /** Removes every binding whose flow the (dead) instance held; returns how many. */
  removeInstance(instanceId: string): Promise<number>;
  close(): Promise<void>;
}

export function flowKey(flow: Flow): string {
  return `${flow.protocol}/${flow.address}:${flow.port}`;
}
