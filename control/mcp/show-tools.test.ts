import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShowScope } from '../../src/show-file/test-scope';
import { httpClient, jsonOf, textOf } from './test-mcp';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ShowScope } from '../../src/show-file/test-scope';

describe('show files over MCP, with the SDK client, on a real server', () => {
  let s: ShowScope;
  let client: Client;

  beforeAll(async () => {
    s = await startShowScope();
    ({ client } = await httpClient(s.scope.url));
  });
  afterAll(async () => {
    await client?.close();
    await s?.stop();
  });

  it('show_import takes back what show_export gave, all of it', async () => {
    const tool = (await client.listTools()).tools.find((t) => t.name === 'show_import')!;
    expect(tool.inputSchema).toMatchObject({ type: 'object', required: ['show'] });
    await s.api('PUT', '/tempo', { bpm: 96 });
    await s.api('PUT', '/output-delay', { ms: 150 });
    await s.api('PUT', '/cues/intro', { values: { level: 5 }, fade: 2 });
    const exported = jsonOf(await client.callTool({ name: 'show_export', arguments: {} }));
    expect(exported).toMatchObject({
      format: 'daydream-scope-show',
      version: 2,
      tempo: { bpm: 96 },
      cues: [{ name: 'intro' }],
      outputDelay: { ms: 150 },
    });

    await s.api('PUT', '/tempo', { bpm: 140 });
    await s.api('PUT', '/output-delay', { beats: 2 });
    await s.api('PUT', '/cues', { cues: [] });
    const report = await client.callTool({ name: 'show_import', arguments: { show: exported } });
    expect(report.isError, textOf(report)).toBeFalsy();
    expect(jsonOf(report).applied).toEqual(expect.arrayContaining(['tempo', 'cues', 'output delay']));
    const now = (await s.api('GET', '/show')).body;
    expect({ ...now, savedAt: undefined }).toEqual({ ...exported, savedAt: undefined });
  });

  it('a damaged or future show is refused with the sentence HTTP gives, and changes nothing', async () => {
    const before = (await s.api('GET', '/show')).body;
    for (const show of [{ ...before, version: 9 }, { ...before, cues: 'none' }, { mappings: [] }]) {
      const refused = await client.callTool({ name: 'show_import', arguments: { show } });
      const answer = await s.putShow(JSON.stringify(show));
      expect(answer.status).toBe(400);
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toBe(answer.body.error.message);
      expect(textOf(refused)).toMatch(/nothing was changed/);
    }
    const missing = await client.callTool({ name: 'show_import', arguments: {} });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/the show file is empty; nothing was changed/);
    expect({ ...(await s.api('GET', '/show')).body, savedAt: undefined }).toEqual({ ...before, savedAt: undefined });
  });
});
