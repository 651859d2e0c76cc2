/** Browser notifications for incoming calls, when the operator allowed them. */
export class Notifier {
  private readonly api: typeof Notification | undefined;
  private readonly focusWindow: () => void;

  constructor(api: typeof Notification | undefined, focusWindow: () => void) {
    this.api = api;
    this.focusWindow = focusWindow;
  }

  /** Asks once (call it from a user gesture, e.g. signing in); never blocks. */
  requestPermission(): void {
    if (this.api?.permission === 'default') void this.api.requestPermission().catch(() => undefined);
  }

  /** Shows a notification; returns a function that closes it. A no-op without permission. */
  show(title: string, body: string, tag: string): () => void {
    if (!this.api || this.api.permission !== 'granted') return () => undefined;
    try {
      const n = new this.api(title, { body, tag, requireInteraction: true });
      n.onclick = () => {
        this.focusWindow();
        n.close();
      };
      return () => n.close();
    } catch {
      return () => undefined; // some browsers only allow notifications from a service worker
    }
  }
}
