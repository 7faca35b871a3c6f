/**
 * Forms of an operator that a provider registers but whose kernel refuses them when the session runs: the op
 * table cannot see these, so the check looks at the node's inputs. Observed with onnxruntime-node 1.30 (a
 * one-node graph, run on each provider): com.microsoft MultiHeadAttention with packed QKV (query [B, L, N, 3, H],
 * no key or value) fails on the CPU and WebGPU providers with "Packed QKV of shape (B, L, N, 3, H) not implemented
 * for CPU|webgpu", and with packed KV (key [B, L, N, 2, H], no value) with "Packed KV not implemented". The
 * transformer optimizer writes both forms into UNets when its packed QKV/KV fusions are on (the CUDA default).
 */
import { normalDomain } from './kernel-table';
import type { Node } from './onnx-model';
import type { CheckProvider } from './provider-ops';

export const PACKED_QKV = 'packed QKV';
export const PACKED_KV = 'packed KV';

/** The form of a node the check distinguishes, or '' for the plain one. */
export function formOf(node: Node): string {
  if (normalDomain(node.domain) !== 'com.microsoft' || node.opType !== 'MultiHeadAttention') return '';
  const [, key, value] = node.input ?? [];
  if (!key) return PACKED_QKV;
  if (!value) return PACKED_KV;
  return '';
}

const rejected: Partial<Record<CheckProvider, readonly string[]>> = {
  cpu: [`com.microsoft MultiHeadAttention ${PACKED_QKV}`, `com.microsoft MultiHeadAttention ${PACKED_KV}`],
  webgpu: [`com.microsoft MultiHeadAttention ${PACKED_QKV}`, `com.microsoft MultiHeadAttention ${PACKED_KV}`],
};

/** Whether `provider`'s kernel for the op is known to refuse this form. */
export function formRejected(provider: CheckProvider, domain: string, op: string, form: string): boolean {
  return !!form && !!rejected[provider]?.includes(`${normalDomain(domain)} ${op} ${form}`);
}
