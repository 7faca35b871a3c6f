import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock';
import { solidPipeline, tickFrames } from '../../src/engine/test-support';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import sharp from 'sharp';
import { call, isJpeg, startTestScope, waitFor } from '../../src/server/test-support';
import { near } from '../../src/server/test-helpers';
import { commandToolName } from './command-tools';
import { routeToolTable } from './route-tools';
import { httpClient, jsonOf, textOf } from './test-mcp';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Scope } from '../../src/main';

describe('MCP over Streamable HTTP at /mcp, with the SDK client, on a real server', () => {
  let scope: Scope;
  let client: Client;
  const clock = new ManualClock();
  const frames = (n = 1) => tickFrames(scope.services.engine, clock, n);
  const http = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${scope.url}${path}`, init);

  beforeAll(async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'scope-mcp-'));
    scope = await startTestScope({
      pipelines: [solidPipeline('solid'), solidPipeline('other')],
      pipeline: 'solid',
      clock,
      configDir,
      midi: false,
    });
    ({ client } = await httpClient(scope.url));
  });
  afterAll(async () => {
    await client?.close();
    await scope?.stop();
  });

  it('lists a tool for every command of the table, and one for a command added while connected', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    const commands = scope.services.commands.all();
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) expect(names).toContain(commandToolName(command.name));
    expect(new Set(names).size).toBe(names.length);
    // Every route the table names is mounted on the full server: a path mistyped in the table would drop its tool.
    const table = routeToolTable(() => ({})).map((entry) => entry.tool);
    expect(table.length).toBeGreaterThan(20);
    expect(names).toEqual(expect.arrayContaining(table));
    const remove = scope.services.commands.add({
      name: 'test/blink',
      description: 'blinks',
      arg: 'none',
      run: () => ({ ok: true, detail: 'blinked' }),
    });
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('command_test_blink');
      expect(jsonOf(await client.callTool({ name: 'command_test_blink', arguments: {} }))).toEqual({
        ok: true,
        command: 'test/blink',
        detail: 'blinked',
      });
    } finally {
      remove();
    }
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('command_test_blink');
  });

  it("parameters_set's schema carries the parameters' ranges; a value set shows in the store and the next frame", async () => {
    const tools = (await client.listTools()).tools;
    const tool = tools.find((t) => t.name === 'parameters_set')!;
    const values = (tool.inputSchema.properties as Record<string, any>).values; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(values.properties.level).toMatchObject({ type: 'integer', minimum: 0, maximum: 255 });
    expect(values).toMatchObject({ type: 'object', additionalProperties: false });
    // `$schema` belongs at a document's root: no tool's arguments carry one (some clients refuse them).
    for (const t of tools) expect(JSON.stringify(t.inputSchema), t.name).not.toContain('$schema');
    const result = await client.callTool({ name: 'parameters_set', arguments: { values: { level: 77 } } });
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result)).toEqual({ pipeline: 'solid', values: { level: 77 } });
    expect(scope.services.params.get('level')).toBe(77);
    const [frame] = await frames(1);
    // The solid pipeline paints red = level.
    expect(frame!.data[0]).toBe(77);
  });

  it('an out-of-range value is clamped and a bad one refused, each exactly as HTTP answers', async () => {
    const clamped = await client.callTool({ name: 'parameters_set', arguments: { values: { level: 999 } } });
    const viaHttp = await http('/api/v1/parameters', { method: 'PATCH', body: { level: 999 } });
    expect(jsonOf(clamped)).toEqual(viaHttp.body);
    expect(jsonOf(clamped).values).toEqual({ level: 255 });

    for (const bad of [{ level: 'loud' }, { nope: 1 }]) {
      const refused = await client.callTool({ name: 'parameters_set', arguments: { values: bad } });
      const answer = await http('/api/v1/parameters', { method: 'PATCH', body: bad });
      expect(answer.status).toBe(400);
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toBe(answer.body.error.message);
    }
    expect(scope.services.params.get('level')).toBe(255);
  });

  it('a command with a value of the wrong kind gets the HTTP sentence; a right one runs', async () => {
    const refused = await client.callTool({ name: 'command_tempo_bpm', arguments: { value: 'fast' } });
    const answer = await http('/api/v1/commands/tempo/bpm', { method: 'POST', body: { value: 'fast' } });
    expect(refused).toMatchObject({ isError: true });
    expect(textOf(refused)).toBe(answer.body.error.message);
    expect((await client.callTool({ name: 'command_pause', arguments: { value: true } })).isError).toBeFalsy();
    expect(scope.services.engine.isPaused).toBe(true);
    await client.callTool({ name: 'command_pause', arguments: { value: false } });
    expect(scope.services.engine.isPaused).toBe(false);
  });

  it('loads a pipeline and answers its status once loaded; an unknown one is refused with the HTTP sentence', async () => {
    const loaded = await client.callTool({ name: 'pipeline_load', arguments: { pipeline_id: 'other' } });
    expect(jsonOf(loaded)).toMatchObject({ pipelineId: 'other', state: 'ready' });
    expect(scope.services.host.activeId).toBe('other');
    const [frame] = await frames(1);
    expect(frame!.pipelineId).toBe('other');
    const unknown = await client.callTool({ name: 'pipeline_load', arguments: { pipeline_id: 'nope' } });
    const answer = await http('/api/v1/pipeline/load', { method: 'POST', body: { pipeline_id: 'nope' } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toBe(answer.body.error.message);
    const list = jsonOf(await client.callTool({ name: 'pipelines_list', arguments: {} }));
    expect(list.map((p: { id: string }) => p.id)).toEqual(['solid', 'other']);
  });

  it('captures the newest frame as an MCP image: a JPEG that decodes to the picture being shown', async () => {
    await client.callTool({ name: 'parameters_set', arguments: { values: { level: 200 } } });
    await frames(1);
    const result = await client.callTool({ name: 'frame_capture', arguments: {} });
    const [image] = result.content as { type: string; data: string; mimeType: string }[];
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/jpeg' });
    const jpeg = Buffer.from(image!.data, 'base64');
    expect(isJpeg(jpeg)).toBe(true);
    const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([64, 64]);
    // The solid pipeline paints red = level; JPEG may move it by a step or two.
    expect(near(data[0]!, 200)).toBe(true);
  });

  it('reads the parameter schema and the status as resources', async () => {
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(['scope://parameters/schema', 'scope://status']);
    const schema = await client.readResource({ uri: 'scope://parameters/schema' });
    const json = JSON.parse((schema.contents[0] as { text: string }).text);
    expect(json.properties.level).toMatchObject({ minimum: 0, maximum: 255 });
    const status = JSON.parse(
      ((await client.readResource({ uri: 'scope://status' })).contents[0] as { text: string }).text,
    );
    expect(status.pipeline.pipelineId).toBe(scope.services.host.activeId);
    expect(status.stats).toHaveProperty('frames');
  });

  it('an unknown tool or a missing path argument is a tool error, not a protocol failure', async () => {
    const unknown = await client.callTool({ name: 'no_such_tool', arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/^unknown tool "no_such_tool"; known: .*parameters_set/);
    const missing = await client.callTool({ name: 'preset_recall', arguments: {} });
    expect(textOf(missing)).toBe('preset_recall needs "name"');
  });

  it('tells a connected agent when the tool list changed, and not when it did not', async () => {
    let told = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void told++);
    // The notification travels on the session's GET stream, which the client opens after initialize.
    const remove = scope.services.commands.add({
      name: 'test/flash',
      description: 'flashes',
      arg: 'none',
      run: () => ({ ok: true }),
    });
    await waitFor(
      () => told >= 1,
      10_000,
      'notifications/tools/list_changed after a command was added',
      () => told,
    );
    remove();
    await waitFor(
      () => told >= 2,
      10_000,
      'notifications/tools/list_changed after the command was removed',
      () => told,
    );
    // `solid` has the same parameters as `other`: loading it changes nothing an agent sees. The next command's
    // notification comes after any the load would have sent, on the same stream, so the count tells.
    await client.callTool({ name: 'pipeline_load', arguments: { pipeline_id: 'solid' } });
    const again = scope.services.commands.add({
      name: 'test/flash',
      description: 'flashes',
      arg: 'none',
      run: () => ({ ok: true }),
    });
    await waitFor(
      () => told >= 3,
      10_000,
      'notifications/tools/list_changed after a command was added again',
      () => told,
    );
    again();
    expect(told).toBe(3);
  });

  it('refuses a page from another site (403) and opens no session for it', async () => {
    const res = await fetch(`${scope.url}/mcp`, {
      method: 'POST',
      headers: {
        origin: 'http://evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(initialize),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden_origin');
    await expect(httpClient(scope.url, { headers: { origin: 'http://evil.example' } })).rejects.toThrow(
      /403|another site|may not/,
    );
  });

  it('DELETE ends a session; its id is not known after', async () => {
    const { client: other, transport } = await httpClient(scope.url);
    const id = transport.sessionId!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await transport.terminateSession();
    const res = await fetch(`${scope.url}/mcp`, {
      method: 'POST',
      headers: {
        'mcp-session-id': id,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(res.status).toBe(404);
    await other.close();
  });
});

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
