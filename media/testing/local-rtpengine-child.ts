/**
 * A process that starts the embedded rtpengine and waits to be killed (tests of its lifetime).
 * argv[2]: LocalRtpengineOptions as JSON. Prints `ready <rtpengine pid> <ng port>` once it answers.
 */
import { LocalRtpengine, type LocalRtpengineOptions } from '../rtpengine/local-rtpengine';

const options = JSON.parse(process.argv[2] ?? '{}') as LocalRtpengineOptions;
const local = new LocalRtpengine({ ...options, autoRestart: false });
local.start().then(() => {
  process.stdout.write(`ready ${local.pid} ${local.port}\n`);
  setInterval(() => undefined, 60_000);
}, (err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
