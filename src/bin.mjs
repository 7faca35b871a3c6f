#!/usr/bin/env node
// The `daydream-scope` command: runs the TypeScript sources through tsx, so no build step stands between
// `npm install` and `npm start`. Everything else is in cli.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
await main(process.argv.slice(2));
