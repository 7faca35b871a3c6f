import { p } from '../../../src/params/spec';
import type { ParamSpecs } from '../../../src/params/spec';

const reference = { group: 'reference' } as const;

/** The reference image (IP-Adapter) of streamdiffusion: both live, no reload. */
export const referenceParams = {
  reference: p.text('', {
    ...reference,
    maxLength: 120,
    label: 'Reference image',
    description:
      'File name of a picture in the references folder (PUT /api/v1/references/<name> uploads one) that steers ' +
      'the look through the IP-Adapter; empty: none. The first one loads the adapter once',
  }),
  referenceWeight: p.number(0.6, {
    ...reference,
    min: 0,
    max: 1.5,
    smoothing: 0.1,
    label: 'Reference weight',
    description: 'How strongly the reference image steers (IP-Adapter scale); 0 is the same as no reference',
  }),
} satisfies ParamSpecs;
