import { chromium, type Browser, type Page } from 'playwright-core';

export interface TestBrowserOptions {
  /** WAV file the fake microphone plays (in a loop). */
  fakeAudioFile: string;
  /** Default /usr/bin/chromium (Debian's package); no browser is ever downloaded. */
  executablePath?: string;
  extraArgs?: string[];
}

/** The Chromium switches for WebRTC tests on 127.0.0.1 with a fake microphone and no prompts. */
export function testBrowserArgs(fakeAudioFile: string): string[] {
  return [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${fakeAudioFile}`,
    '--autoplay-policy=no-user-gesture-required',
  ];
}

/** Launches headless Chromium for softphone tests. The caller closes it (also on failure). */
export function launchTestBrowser(o: TestBrowserOptions): Promise<Browser> {
  return chromium.launch({
    executablePath: o.executablePath ?? '/usr/bin/chromium',
    headless: true,
    args: [...testBrowserArgs(o.fakeAudioFile), ...(o.extraArgs ?? [])],
    timeout: 30000,
  });
}

/**
 * Opens a blank page on http://localhost/ (a secure context, so getUserMedia works) without any
 * server: the request is answered by the test itself.
 */
export async function openBlankPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('http://localhost/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>switchboard test</title>' }));
  await page.goto('http://localhost/');
  return page;
}

/** Keeps only ICE candidates on 127.0.0.1, so tests never send media to another interface. */
export function keepLoopbackCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || / 127\.0\.0\.1 \d+ typ /.test(line))
    .join('\r\n');
}
