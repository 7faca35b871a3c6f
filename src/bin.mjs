#!/usr/bin/env node
// The `daydream-scope` command: runs the TypeScript sources through tsx, so no build step stands between
// `npm install` and `npm start`.
import { register } from 'tsx/esm/api';
import { ensureBuilt } from '../web/ensure-built.mjs';

register();
// Only `serve` (the default command) shows the panel; other commands should not wait for a build.
const args = process.argv.slice(2);
const serving = args.length === 0 || args[0] === 'serve' || args[0]?.startsWith('-');
if (serving && !args.some((a) => ['-h', '--help', '-v', '--version'].includes(a))) await ensureBuilt();
const { main } = await import('./cli.ts');
await main(args);
