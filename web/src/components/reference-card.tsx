import { useEffect, useState } from 'preact/hooks';
import { apiPaths, apiUrl } from '../../../src/shared/api-paths';
import { referenceListSchema } from '../../../src/shared/references';
import { api, HttpError } from '../client';

export interface ReferenceActions {
  /** Sets the `reference` parameter ('' for none). */
  use(name: string): void;
  notify(message: string): void;
}

/** A file name the server takes for a reference: the picked file's, with what the name rule refuses replaced. */
export function referenceNameOf(file: string): string {
  const name = file.replace(/[^A-Za-z0-9 ._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return /\.(png|jpe?g|webp)$/i.test(name) ? name.slice(-120) : '';
}

/**
 * The reference images (streamdiffusion's IP-Adapter): thumbnails to pick from, none, and an upload that uses the
 * new picture at once. The server decodes an upload before keeping it; a refusal shows its sentence.
 */
export function ReferenceCard({ current, actions }: { current: string; actions: ReferenceActions }) {
  const [names, setNames] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const refresh = () =>
    api(apiUrl(apiPaths.references), referenceListSchema)
      .then((list) => setNames(list.references))
      .catch((err: Error) => actions.notify(err.message));
  useEffect(() => void refresh(), []);

  const upload = async (file: File) => {
    const name = referenceNameOf(file.name);
    if (!name) return actions.notify(`${file.name}: a reference is a PNG, JPEG or WebP file`);
    setBusy(true);
    try {
      const res = await fetch(apiUrl(apiPaths.reference, { name }), { method: 'PUT', body: file });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new HttpError(res.status, body?.error?.message ?? `upload failed: HTTP ${res.status}`);
      }
      await refresh();
      actions.use(name);
    } catch (err) {
      actions.notify((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="references">
      <ul>
        <li>
          <button type="button" class={current === '' ? 'active' : ''} onClick={() => actions.use('')}>
            none
          </button>
        </li>
        {names.map((n) => (
          <li key={n}>
            <button
              type="button"
              class={current === n ? 'active' : ''}
              title={n}
              aria-label={`use ${n}`}
              onClick={() => actions.use(n)}
            >
              <img src={apiUrl(apiPaths.reference, { name: n })} alt="" loading="lazy" />
            </button>
          </li>
        ))}
      </ul>
      <label class="upload">
        {busy ? 'uploading…' : 'upload an image'}
        <input
          type="file"
          accept="image/png,image/jpeg,image/webp"
          disabled={busy}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file) void upload(file);
          }}
        />
      </label>
    </div>
  );
}
