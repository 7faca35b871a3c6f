/**
 * The ControlNet parameters of streamdiffusion: up to three ControlNets at once (`controlnet`, `controlnet2`,
 * `controlnet3`), each with its conditioning scale (`controlnetScale`, ...). Which ControlNet is a load-time choice
 * (it opens a network and the UNet that takes residuals); the scales are live, read every frame.
 */
import { p } from '../../../src/params/spec';
import type { ParamSpecs } from '../../../src/params/spec';

/** The ControlNets by what they read: a depth map, Canny edges, soft (HED-like) edges. */
export const controlNetNames = ['none', 'depth', 'canny', 'softedge'] as const;
export type ControlNetName = (typeof controlNetNames)[number];

const group = 'controlnet';
const which = (n: string) =>
  p.enum('none', controlNetNames, {
    group,
    mode: 'load',
    label: `ControlNet${n}`,
    description:
      'ControlNet steered by the pre-processor chain’s picture (preprocess: depth, edges or softedges): ' +
      'none, depth, canny, softedge. SD 2.1-family models only; changing it reloads',
  });
const scale = (n: string) =>
  p.number(1, {
    group,
    min: 0,
    max: 2,
    smoothing: 0.1,
    label: `ControlNet${n} scale`,
    description: 'Conditioning scale: how strongly it steers (0 = as without it)',
  });

export const controlNetParams = {
  controlnet: which(''),
  controlnetScale: scale(''),
  controlnet2: which(' 2'),
  controlnetScale2: scale(' 2'),
  controlnet3: which(' 3'),
  controlnetScale3: scale(' 3'),
} satisfies ParamSpecs;

/** The values of these parameters in a snapshot. */
export interface ControlValues {
  controlnet: string;
  controlnetScale: number;
  controlnet2: string;
  controlnetScale2: number;
  controlnet3: string;
  controlnetScale3: number;
}

/** The ControlNets chosen (none left out), in slot order, with their scales. */
export function controlSlots(v: ControlValues): { name: Exclude<ControlNetName, 'none'>; scale: number }[] {
  const slots = [
    [v.controlnet, v.controlnetScale],
    [v.controlnet2, v.controlnetScale2],
    [v.controlnet3, v.controlnetScale3],
  ] as const;
  return slots
    .filter(([name]) => name !== 'none')
    .map(([name, s]) => ({ name: name as Exclude<ControlNetName, 'none'>, scale: s }));
}

/** True when any slot names a ControlNet; for the definition, which sees the untyped snapshot. */
export function anyControlNet(values: Readonly<Record<string, unknown>>): boolean {
  return (['controlnet', 'controlnet2', 'controlnet3'] as const).some((k) => {
    const v = values[k];
    return typeof v === 'string' && v !== 'none';
  });
}
