/**
 * The set-up of the single-browser page e2e tests: a scratch directory, the real server started
 * from a config file written there, and one headless Chromium whose microphone plays a tone.
 * Whatever started — and the trunk call the test keeps in `rig.call` — is stopped in afterAll,
 * also when the other half failed to start or the test failed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchTestBrowser } from '../../media/testing/browser';
import { sineWav } from '../../media/testing/wav';
import { stopAll } from '../support/processes';
import type { TrunkCall } from './in-call-fixture';
import { startServer, type ServerProcess } from './server-process';

export interface DeskRigStart {
  /** The YAML config (written to `<dir>/switchboard.yaml`). */
  config: string;
  /** More environment for the server. */
  env?: Record<string, string>;
  /** The tone the browser's microphone plays. Default 440 Hz. */
  micHz?: number;
  /** More Chromium switches. */
  browserArgs?: string[];
  /** How long the server may take to say it is ready. Default 240 s (the machine may be loaded). */
  startTimeoutMs?: number;
}

export interface DeskRig {
  /** The test's scratch directory (made on first use). */
  readonly dir: string;
  /** The trunk call the test made, hung up in afterAll. */
  call?: TrunkCall;
  start(o: DeskRigStart): Promise<{ server: ServerProcess; browser: Browser }>;
}

/** Call in a describe block: registers the afterAll that stops everything. */
export function useDeskRig(name: string): DeskRig {
  let dir: string | undefined;
  let browser: Browser | undefined;
  const rig: DeskRig = {
    get dir() {
      dir ??= mkdtempSync(path.join(tmpdir(), `switchboard-${name}-`));
      return dir;
    },
    async start(o) {
      const configFile = path.join(rig.dir, 'switchboard.yaml');
      writeFileSync(configFile, o.config);
      const mic = path.join(rig.dir, 'mic.wav');
      writeFileSync(mic, sineWav({ frequency: o.micHz ?? 440, sampleRate: 48000, seconds: 30, amplitude: 0.5 }));
      // side by side; whichever started is stopped in afterAll even when the other failed
      const [started, launched] = await Promise.allSettled([
        startServer({ SWITCHBOARD_CONFIG: configFile, ...o.env }, { startTimeoutMs: o.startTimeoutMs ?? 240_000 }),
        launchTestBrowser({ fakeAudioFile: mic, ...(o.browserArgs ? { extraArgs: o.browserArgs } : {}) }),
      ]);
      if (launched.status === 'fulfilled') browser = launched.value;
      if (started.status === 'rejected') throw started.reason;
      if (launched.status === 'rejected') throw launched.reason;
      return { server: started.value, browser: launched.value };
    },
  };
  afterAll(async () => {
    await rig.call?.sipp.stop();
    await rig.call?.media.close();
    await browser?.close();
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return rig;
}
