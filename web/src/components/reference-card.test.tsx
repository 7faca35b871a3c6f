// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReferenceCard, referenceNameOf } from './reference-card';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A server with the references given: GET lists them, PUT keeps a PNG and refuses anything else. */
function server(names: string[]) {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${path}`);
      if (init?.method === 'PUT') {
        const name = decodeURIComponent(path.split('/').pop()!);
        if (!name.endsWith('.png')) {
          const message = `reference "${name}" refused: not an image this server decodes (PNG, JPEG or WebP)`;
          return new Response(JSON.stringify({ error: { code: 'invalid_body', message } }), { status: 400 });
        }
        names.push(name);
        return new Response(JSON.stringify({ name, width: 224, height: 224 }), { status: 201 });
      }
      return new Response(JSON.stringify({ dir: '/models/references', references: [...names] }));
    }),
  );
  return calls;
}

describe('ReferenceCard', () => {
  it('lists the references as thumbnails and picks one, or none', async () => {
    server(['dawn.png', 'neon.jpg']);
    const use = vi.fn();
    render(<ReferenceCard current="dawn.png" actions={{ use, notify: vi.fn() }} />);
    const neon = await screen.findByLabelText('use neon.jpg');
    expect(neon.querySelector('img')!.getAttribute('src')).toBe('/api/v1/references/neon.jpg');
    expect(screen.getByLabelText('use dawn.png').className).toBe('active');
    fireEvent.click(neon);
    fireEvent.click(screen.getByText('none'));
    expect(use.mock.calls).toEqual([['neon.jpg'], ['']]);
  });

  it('uploads a picked file and uses it; a refusal shows the server’s sentence and uses nothing', async () => {
    const calls = server([]);
    const use = vi.fn();
    const notify = vi.fn();
    const { container } = render(<ReferenceCard current="" actions={{ use, notify }} />);
    const input = container.querySelector('input[type=file]') as HTMLInputElement;
    const pick = (file: File) => {
      Object.defineProperty(input, 'files', { value: [file], configurable: true });
      fireEvent.change(input);
    };
    pick(new File([new Uint8Array([1, 2])], 'my sunset (1).png', { type: 'image/png' }));
    await waitFor(() => expect(use).toHaveBeenCalledWith('my sunset _1_.png'));
    expect(calls).toContain('PUT /api/v1/references/my%20sunset%20_1_.png');
    await screen.findByLabelText('use my sunset _1_.png');

    pick(new File([new Uint8Array([1])], 'fake.webp', { type: 'image/webp' }));
    await waitFor(() => expect(notify).toHaveBeenCalledWith(expect.stringMatching(/not an image this server decodes/)));
    pick(new File([new Uint8Array([1])], 'notes.txt', { type: 'text/plain' }));
    expect(notify).toHaveBeenLastCalledWith('notes.txt: a reference is a PNG, JPEG or WebP file');
    expect(use).toHaveBeenCalledTimes(1);
  });

  it('makes a name the server takes from a file name', () => {
    expect(referenceNameOf('Été à Paris.JPG')).toBe('t_ _ Paris.JPG');
    expect(referenceNameOf('.hidden.png')).toBe('hidden.png');
    expect(referenceNameOf('clip.mov')).toBe('');
  });
});
