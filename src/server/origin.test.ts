import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin';

describe('originAllowed', () => {
  it.each([
    [undefined, '127.0.0.1:8000', true],
    ['http://127.0.0.1:8000', '127.0.0.1:8000', true],
    ['http://localhost:5173', '127.0.0.1:8000', true],
    ['http://[::1]:5173', '[::1]:8000', true],
    ['http://192.168.1.10:8000', '192.168.1.10:8000', true],
    ['https://evil.example', '127.0.0.1:8000', false],
    ['http://192.168.1.99:8000', '192.168.1.10:8000', false],
    ['null', '127.0.0.1:8000', false],
  ])('Origin %s with Host %s: %s', (origin, host, allowed) => {
    expect(originAllowed(origin, host)).toBe(allowed);
  });
});
