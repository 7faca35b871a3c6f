import { describe, expect, expectTypeOf, it } from 'vitest';
import { p } from '../params/spec';
import { definePipeline } from './pipeline';
import type { ParamSnapshot } from './pipeline';
import { snapshotOf } from './snapshot';

const specs = {
  zoom: p.number(1, { min: 0.1, max: 10 }),
  layers: p.int(4, { min: 1, max: 8 }),
  palette: p.enum('oil', ['rgb', 'oil', 'fire'] as const),
  counter: p.bool(true),
  prompt: p.text('a forest'),
  background: p.color('#101018'),
  reseed: p.trigger(),
};

describe('typed snapshots', () => {
  it('gives each parameter the type of its spec, width and height included', () => {
    expectTypeOf<ParamSnapshot<typeof specs>>().toEqualTypeOf<
      {
        readonly zoom: number;
        readonly layers: number;
        readonly palette: 'rgb' | 'oil' | 'fire';
        readonly counter: boolean;
        readonly prompt: string;
        readonly background: string;
        readonly reseed: boolean;
      } & { readonly width: number; readonly height: number }
    >();
    const def = definePipeline({
      id: 'typed',
      name: 'Typed',
      description: 'render() sees the values typed from params',
      params: specs,
      create: () => ({
        async load() {},
        render(ctx, params) {
          expectTypeOf(params.palette).toEqualTypeOf<'rgb' | 'oil' | 'fire'>();
          expectTypeOf(params.width).toEqualTypeOf<number>();
          return { data: new Uint8Array(ctx.width * ctx.height * 4), width: ctx.width, height: ctx.height };
        },
        unload() {},
      }),
    });
    expect(def.params).toBe(specs);
  });

  it('builds a snapshot from the defaults, sanitizing what is given', () => {
    const s = snapshotOf(specs, { width: 64, height: 32 }, { zoom: '99', palette: 2, counter: 'off' });
    expect(s).toEqual({
      zoom: 10,
      layers: 4,
      palette: 'fire',
      counter: false,
      prompt: 'a forest',
      background: '#101018',
      reseed: false,
      width: 64,
      height: 32,
    });
  });

  it('refuses an invalid value and an unknown name, saying which', () => {
    expect(() => snapshotOf(specs, { width: 8, height: 8 }, { palette: 'neon' })).toThrow(/parameter "palette"/);
    expect(() => snapshotOf(specs, { width: 8, height: 8 }, { zom: 2 } as never)).toThrow(/unknown parameter "zom"/);
  });
});
