/** Ids of the sources added over the API. */
/** An id for a new source: the one asked for, else `<kind>-<slug of hint>`, numbered when taken. */
export function sourceId(kind: string, hint: string, taken: (id: string) => boolean): string {
  const slug = hint
    .toLowerCase()
    .replace(/\.[a-z0-9]{1,5}$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  const base = slug ? `${kind}-${slug}` : kind;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}
