/**
 * A WHIP publisher in a process of its own, for bench/inputs.ts: `node --import tsx bench/whip-publish-process.ts
 * <url> <width> <height>`. It prints "ready" once the server answered and ends (DELETE first) on SIGTERM. Run
 * niced, it stands in for a camera encoding on another machine as far as two shared cores allow.
 */
import { whipPublisher } from '../inputs/whip/test-publisher';

const [url, width, height] = process.argv.slice(2);
const publisher = await whipPublisher(url!, { width: Number(width ?? 1280), height: Number(height ?? 720), fps: 30 });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void publisher.close().finally(() => process.exit(0));
});
