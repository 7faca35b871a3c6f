import { describe, expect, it } from 'vitest';
import { chooseVariant, variantFit } from './variants';
import type { ModelManifest, VariantInfo } from './manifest';

const info = (contribOps: string[], over: Partial<VariantInfo> = {}): VariantInfo => ({
  of: 'm',
  name: 'v',
  tunedFor: [],
  contribOps,
  verified: true,
  checked: '',
  ...over,
});

describe('variant fit by the op-set tables', () => {
  it('tells packed attention (refused by the CPU and WebGPU kernels, so lowered) from plain', () => {
    const plain = info(['com.microsoft.MultiHeadAttention']);
    const packed = info(['com.microsoft.MultiHeadAttention(packed QKV)']);
    expect(variantFit(plain, 'webgpu')).toEqual({ fit: 'whole', ops: [] });
    expect(variantFit(packed, 'webgpu')).toEqual({
      fit: 'lowered',
      ops: ['com.microsoft.MultiHeadAttention(packed QKV)'],
    });
    expect(variantFit(packed, 'cuda').fit).toBe('whole');
  });

  it('never chooses a variant a session would refuse, whatever it was tuned for', () => {
    const m = (name: string, ops: string[], tunedFor: string[]): ModelManifest => ({
      id: `m@${name}`,
      pipeline: 'p',
      description: '',
      artifacts: [],
      variant: info(ops, { name, tunedFor }),
    });
    const custom = m('custom', ['com.example.Frobnicate'], ['cpu']);
    const olive = m('olive', ['com.microsoft.GroupNorm'], ['cuda']);
    expect(variantFit(custom.variant!, 'cpu').fit).toBe('refused');
    expect(chooseVariant([custom, olive], 'cpu').id).toBe('m@olive');
  });
});
