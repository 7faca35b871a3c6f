/**
 * The onnxruntime version a native library was built from, read from the library itself: onnxruntime compiles its
 * version into libonnxruntime and into each provider library as a NUL-terminated string (`1.29.0`). A provider
 * library loads only into the core of its own version, so the assembly compares the two before it pairs them.
 */
import { createReadStream } from 'node:fs';

// onnxruntime's versions are 1.N.P with N ≥ 10 here; other version-like strings in these libraries (a bundled
// library's 1.3.9) have a one-digit minor.
const VERSION = /\0(1\.\d{2}\.\d{1,3})\0/g;
const OVERLAP = 16;

/** The distinct onnxruntime version strings in a file, in order of first appearance. */
export async function ortVersionsIn(file: string): Promise<string[]> {
  const found = new Set<string>();
  let tail = '';
  for await (const chunk of createReadStream(file, { highWaterMark: 8 * 2 ** 20 })) {
    // latin1 maps each byte to one character, so the pattern sees the bytes as they are.
    const text = tail + (chunk as Buffer).toString('latin1');
    for (const m of text.matchAll(VERSION)) found.add(m[1]!);
    tail = text.slice(-OVERLAP);
  }
  return [...found];
}

/** The one onnxruntime version a library names, or a sentence saying why none can be told. */
export async function ortVersionOf(file: string, what: string): Promise<string | { problem: string }> {
  const versions = await ortVersionsIn(file);
  if (versions.length === 1) return versions[0]!;
  return {
    problem:
      versions.length === 0
        ? `${what} names no onnxruntime version, so which core it pairs with cannot be told`
        : `${what} names several onnxruntime versions (${versions.join(', ')}), so which core it pairs with cannot be told`,
  };
}
