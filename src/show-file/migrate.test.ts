import { describe, expect, it } from 'vitest';
import { readShow } from './migrate';
import { SHOW_FORMAT, SHOW_VERSION } from '../shared/show-file';
import { minimalShow } from './test-show';

describe('reading a show file', () => {
  it('reads a current file as it is, migrating nothing', () => {
    const { show, migrated } = readShow(JSON.stringify(minimalShow()));
    expect(migrated).toEqual([]);
    expect(show.pipeline).toEqual({ id: 'solid', values: { level: 40 } });
    expect(show.timeline).toMatchObject({ entries: [], loop: false, promptParam: 'prompt' });
  });

  it('lifts a version 0 file (renamed fields, no DMX or outputs) to the current shape', () => {
    const v0 = {
      scopeShow: 0,
      pipelineId: 'solid',
      params: { level: 7 },
      bpm: 98,
      cueList: [{ name: 'intro', values: { level: 1 }, fade: 2 }],
      midiMappings: [
        {
          id: 'm1',
          param: 'level',
          device: null,
          channel: 1,
          control: { kind: 'cc', number: 16 },
          min: null,
          max: null,
          curve: 'linear',
          invert: false,
          softTakeover: false,
        },
      ],
      models: ['sd-turbo'],
      presets: { solid: [{ name: 'warm', values: { level: 3 }, savedAt: '2026-01-01T00:00:00.000Z' }] },
    };
    const { show, migrated } = readShow(JSON.stringify(v0));
    expect(migrated).toEqual([0, 1]);
    expect(show).toMatchObject({
      format: SHOW_FORMAT,
      version: SHOW_VERSION,
      pipeline: { id: 'solid', values: { level: 7 } },
      tempo: { bpm: 98 },
      cues: [{ name: 'intro', values: { level: 1 }, fade: 2, curve: 'linear' }],
      midi: { mappings: [{ id: 'm1', param: 'level' }] },
      dmx: { mappings: [] },
      outputs: [],
      presets: { solid: [{ name: 'warm' }] },
      needs: { models: [{ id: 'sd-turbo', files: [] }], loras: [], plugins: [] },
    });
  });

  it('lifts a version 1 file (no timecode, no output delay) with the defaults a fresh server has', () => {
    const { timecode: _, outputDelay: __, ...v1 } = { ...minimalShow(), version: 1 };
    const { show, migrated } = readShow(JSON.stringify({ ...v1, cues: [{ name: 'a', values: {}, fade: 0 }] }));
    expect(migrated).toEqual([1]);
    expect(show).toMatchObject({
      version: 2,
      cues: [{ name: 'a' }],
      timecode: { source: 'off', rate: '25', chase: { cues: true, timeline: false, timelineStart: '00:00:00:00' } },
      outputDelay: { ms: 0 },
    });
  });

  it('refuses a version 2 file without its timecode settings', () => {
    const { timecode: _, ...v2 } = minimalShow();
    expect(() => readShow(JSON.stringify(v2))).toThrow(/damaged: timecode/);
  });

  const refusals: [string, string, RegExp][] = [
    ['empty', '  ', /the show file is empty; nothing was changed/],
    ['cut short', JSON.stringify(minimalShow()).slice(0, 80), /not valid JSON, perhaps cut short/],
    ['foreign JSON', JSON.stringify({ mappings: [] }), /not a daydream-scope show file \(it has no "format"/],
    ['a JSON array', '[1, 2]', /not a daydream-scope show file \(it is not a JSON object\)/],
    ['from the future', JSON.stringify({ ...minimalShow(), version: 99 }), /version 99, written by a newer/],
    ['a version that is no number', JSON.stringify({ ...minimalShow(), version: '1' }), /no valid version/],
    ['damaged', JSON.stringify({ ...minimalShow(), cues: 'none' }), /damaged: cues: /],
    ['a field unknown to its version', JSON.stringify({ ...minimalShow(), extra: 1 }), /damaged: .*extra/],
  ];
  it.each(refusals)('refuses a file that is %s, with a sentence', (_, text, sentence) => {
    expect(() => readShow(text)).toThrow(sentence);
  });
  it('refuses a file nested deeper than any show is, with a sentence (comparing it would overflow the stack)', () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const ghost = `{"id":"ghost","enabled":true,"options":${deep}}`;
    const text = JSON.stringify({ ...minimalShow(), outputs: [] }).replace('"outputs":[]', `"outputs":[${ghost}]`);
    expect(() => readShow(text)).toThrow(/nested more than 64 levels deep, which no show is; nothing was changed/);
    // An ordinary show is far from the bound.
    expect(() => readShow(JSON.stringify(minimalShow()))).not.toThrow();
  });
  it('refuses a LoRA named by a path rather than a file name in loras/ (it would be hashed wherever it points)', () => {
    const show = minimalShow();
    const text = JSON.stringify({
      ...show,
      needs: { ...show.needs, loras: [{ name: '../../../home/someone/private', sha256: 'ab'.repeat(32) }] },
    });
    expect(() => readShow(text)).toThrow(/damaged: .*a LoRA is named by its file name in loras\//);
  });
});
