import { p } from '../../src/params/spec';
import type { ParamSpecs } from '../../src/params/spec';
import { symmetries } from './frame-inputs';
import { colourModes } from './palettes';
import { inputBlends } from './input-mix';

const look = { group: 'look' } as const;
const motion = { group: 'motion' } as const;
const colour = { group: 'colour' } as const;
const network = { group: 'network', mode: 'load' } as const;
const input = { group: 'input' } as const;

/** Parameters of neural-field; the network's shape and the render grid are load-time, the rest live. */
export const neuralFieldParams = {
  seed: p.int(3, { ...network, min: 0, max: 9999, label: 'Seed', description: 'Random weights of the network' }),
  units: p.int(16, { ...network, min: 4, max: 64, label: 'Hidden units', description: 'Neurons per layer' }),
  layers: p.int(4, { ...network, min: 1, max: 8, label: 'Layers', description: 'Hidden layers of the network' }),
  renderScale: p.number(0.5, {
    ...network,
    min: 0.125,
    max: 1,
    step: 0.125,
    label: 'Render scale',
    description: 'Fraction of the output size the network computes; the graph upscales the rest',
  }),
  zoom: p.number(1, { ...look, min: 0.1, max: 10, curve: 'log', smoothing: 0.15, label: 'Zoom' }),
  symmetry: p.enum('none', symmetries, { ...look, label: 'Symmetry' }),
  speed: p.number(1, { ...motion, min: 0, max: 5, smoothing: 0.3, label: 'Speed', description: 'Pace of the walk' }),
  walk: p.number(1, {
    ...motion,
    min: 0,
    max: 4,
    smoothing: 0.3,
    label: 'Walk',
    description: 'How far the latent vector wanders',
  }),
  spin: p.number(0.01, { ...motion, min: -1, max: 1, smoothing: 0.3, unit: 'turn/s', label: 'Spin' }),
  palette: p.enum('oil', colourModes, { ...colour, label: 'Palette', description: 'Network colour or a palette' }),
  shading: p.number(0.6, {
    ...colour,
    min: 0,
    max: 1,
    smoothing: 0.1,
    label: 'Shading',
    description: 'Network-driven light and shadow over the palette',
  }),
  hue: p.number(0, { ...colour, min: -180, max: 180, unit: '°', smoothing: 0.1, label: 'Hue shift' }),
  saturation: p.number(1, { ...colour, min: 0, max: 3, smoothing: 0.1, label: 'Saturation' }),
  contrast: p.number(1, { ...colour, min: 0, max: 3, smoothing: 0.1, label: 'Contrast' }),
  brightness: p.number(0, { ...colour, min: -1, max: 1, smoothing: 0.1, label: 'Brightness' }),
  inputMix: p.number(0, {
    ...input,
    min: 0,
    max: 1,
    smoothing: 0.1,
    label: 'Input mix',
    description: 'How much of the video input (PUT /api/v1/input) is blended in; 0 ignores it',
  }),
  inputBlend: p.enum('mix', inputBlends, {
    ...input,
    label: 'Input blend',
    description: 'mix fades to the input; add, multiply and screen combine it with the field',
  }),
} satisfies ParamSpecs;
