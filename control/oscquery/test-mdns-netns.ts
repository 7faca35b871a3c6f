/**
 * Run by mdns-netns.test.ts inside a network namespace of its own (loopback only, multicast switched on), so
 * the advertisement is real multicast DNS that never reaches a real network. Starts a server with --mdns,
 * browses for it like a controller would, stops it and waits for the goodbye; prints one JSON line.
 */
import { Bonjour } from 'bonjour-service';
import { startScope } from '../../src/main';

const scope = await startScope({ port: 0, pipeline: null, mdns: true, log: () => {} });
// A browser bound to the wildcard address receives multicast; joined on loopback, the only interface here.
const browser = new Bonjour({ interface: '127.0.0.1', bind: '0.0.0.0' } as ConstructorParameters<typeof Bonjour>[0]);
const up: { name: string; type: string; protocol: string; port: number }[] = [];
const down: string[] = [];
const watch = (type: string, protocol: 'tcp' | 'udp') =>
  browser
    .find({ type, protocol })
    .on('up', (s) => up.push({ name: s.name, type: s.type, protocol: s.protocol, port: s.port }))
    .on('down', (s) => down.push(`${s.type}/${s.protocol}`));
watch('oscjson', 'tcp');
watch('osc', 'udp');

// mDNS answers come from another network namespace over real sockets: poll for them.
const until = async (check: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
};
await until(() => up.length >= 2, 8000);
const ports = { oscQuery: scope.oscQuery?.port ?? 0, osc: scope.osc?.port ?? 0 };
await scope.stop();
await until(() => down.length >= 2, 5000);
browser.destroy();
console.log(JSON.stringify({ ports, up, down }));
process.exit(0);
