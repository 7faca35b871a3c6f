/** The parameters most streamdiffusion tests start from. */
import type { ParamSnapshot } from '../../src/engine/pipeline';
import { snapshotOf } from '../../src/engine/snapshot';
import { streamDiffusion } from './streamdiffusion';

type SD = typeof streamDiffusion.params;

/**
 * The tiny model at 64×64 in txt2img, one step (t 0) and no transition, so that a change shows whole in the next
 * frame; then `overrides`, each checked by its spec.
 */
export function tinyParams(overrides: { [K in keyof SD]?: unknown } = {}): ParamSnapshot<SD> {
  const values = { model: 'tiny', mode: 'txt2img', tIndexList: '0', transition: 0, ...overrides };
  return snapshotOf(streamDiffusion.params, { width: 64, height: 64 }, values);
}
