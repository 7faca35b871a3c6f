import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ManualClock } from '../../src/engine/clock';
import { solidPipeline, tickFrames } from '../../src/engine/test-support';
import { isJpeg, settles, startTestScope } from '../../src/server/test-support';
import { commandToolName } from './command-tools';
import { jsonOf, textOf } from './test-mcp';
import type { Scope } from '../../src/main';

const BIN = new URL('../../src/bin.mjs', import.meta.url).pathname;

/** `daydream-scope mcp ...` as an agent starts it: a child process, the SDK's stdio client on its stdin/stdout. */
async function stdioClient(args: string[]) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...args],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'scope-stdio-test', version: '1.0.0' });
  // A line on stdout that is not JSON-RPC (a stray log) is reported here: there must be none.
  const protocolErrors: Error[] = [];
  client.onerror = (err) => protocolErrors.push(err);
  await client.connect(transport);
  return { client, transport, protocolErrors, stderr: () => stderr };
}

describe('daydream-scope mcp (stdio), relaying to a running server', () => {
  let scope: Scope;
  const clock = new ManualClock();

  beforeAll(async () => {
    scope = await startTestScope({ pipelines: [solidPipeline('solid')], pipeline: 'solid', clock, midi: false });
  });
  afterAll(() => scope?.stop());

  it('lists the same tools as /mcp, sets a parameter, captures a frame; stdout holds only MCP', async () => {
    const { client, protocolErrors, stderr } = await stdioClient(['--url', scope.url]);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      for (const command of scope.services.commands.all()) expect(names).toContain(commandToolName(command.name));
      const set = await client.callTool({ name: 'parameters_set', arguments: { values: { level: 33 } } });
      expect(jsonOf(set)).toEqual({ pipeline: 'solid', values: { level: 33 } });
      const [frame] = await tickFrames(scope.services.engine, clock, 1);
      expect(frame!.data[0]).toBe(33);
      const capture = await client.callTool({ name: 'frame_capture', arguments: {} });
      const [image] = capture.content as { type: string; data: string }[];
      expect(image!.type).toBe('image');
      expect(isJpeg(Buffer.from(image!.data, 'base64'))).toBe(true);
      const refused = await client.callTool({ name: 'parameters_set', arguments: { values: { level: 'x' } } });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^rejected, nothing changed: level: /);
      expect(protocolErrors).toEqual([]);
    } finally {
      await client.close();
    }
    expect(stderr()).not.toMatch(/did not answer/);
  }, 60_000);

  it('ends by itself, with status 0, when the agent closes its stdin', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp', '--url', scope.url], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    };
    child.stdin.write(`${JSON.stringify(initialize)}\n`);
    await settles(
      (async () => {
        while (!stdout.includes('\n')) await once(child.stdout, 'data');
      })(),
      30_000,
      'the answer to initialize on stdout',
      () => stdout,
    );
    expect(JSON.parse(stdout.split('\n')[0]!)).toMatchObject({
      id: 1,
      result: { serverInfo: { name: 'daydream-scope' } },
    });
    child.stdin.end();
    const [code] = (await settles(once(child, 'exit'), 30_000, 'the command to exit after stdin closed')) as [number];
    expect(code).toBe(0);
  }, 60_000);

  it('says on stderr and in the answer when no server answers at --url', async () => {
    // Port 9 (discard) on loopback: nothing listens there on a test machine, so the connection is refused.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--url', 'http://127.0.0.1:9'],
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'scope-stdio-test', version: '1.0.0' });
    await expect(client.connect(transport)).rejects.toThrow(/daydream-scope at http:\/\/127\.0\.0\.1:9 did not answer/);
    await client.close();
    expect(stderr).toMatch(/MCP: daydream-scope at http:\/\/127\.0\.0\.1:9 did not answer/);
  }, 60_000);
});

describe('daydream-scope mcp across a restart of the server', () => {
  it('opens a new session by itself when the server no longer knows the old one', async () => {
    const options = {
      pipelines: [solidPipeline('solid')],
      pipeline: 'solid',
      midi: false,
      oscPort: null,
      oscQueryPort: null,
    };
    const first = await startTestScope(options);
    const { client, protocolErrors, stderr } = await stdioClient(['--url', first.url]);
    let second: Scope | undefined;
    try {
      const set = (level: number) => client.callTool({ name: 'parameters_set', arguments: { values: { level } } });
      expect(jsonOf(await set(5)).values).toEqual({ level: 5 });
      await first.stop();
      second = await startTestScope({ ...options, port: first.port });
      const again = await set(6);
      expect(again.isError).toBeFalsy();
      expect(jsonOf(again).values).toEqual({ level: 6 });
      expect(second.services.params.get('level')).toBe(6);
      expect(stderr()).toMatch(/no longer knows this session \(restarted\?\); opening a new one/);
      expect(protocolErrors).toEqual([]);
    } finally {
      await client.close();
      await second?.stop();
      await first.stop();
    }
  }, 60_000);
});

describe('daydream-scope mcp --start', () => {
  it('starts a server in the process and serves its tools over stdio', async () => {
    const args = [
      '--start',
      '--port',
      '0',
      '--headless',
      '--pipeline',
      'test-pattern',
      '--width',
      '64',
      '--height',
      '64',
    ];
    const { client, protocolErrors, stderr } = await stdioClient(args);
    try {
      const status = jsonOf(await client.callTool({ name: 'pipeline_status', arguments: {} }));
      expect(status.pipelineId).toBe('test-pattern');
      const pipelines = jsonOf(await client.callTool({ name: 'pipelines_list', arguments: {} }));
      expect(pipelines.map((p: { id: string }) => p.id)).toContain('neural-field');
      expect(protocolErrors).toEqual([]);
      expect(stderr()).toMatch(/MCP at http:\/\/127\.0\.0\.1:\d+\/mcp/);
    } finally {
      await client.close();
    }
  }, 90_000);
});
