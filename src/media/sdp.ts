/** SDP checks shared by WHEP (out) and WHIP (in): is this an offer at all, and which candidates to keep. */

/** Offers above this are not SDP from a player or publisher (a browser's is a few kB). */
export const MAX_OFFER_BYTES = 64 * 1024;

/** Why an offer is refused, or undefined when it looks like SDP with a video section WHEP or WHIP can answer. */
export function offerProblem(sdp: string): string | undefined {
  if (Buffer.byteLength(sdp) > MAX_OFFER_BYTES) return `the offer is over ${MAX_OFFER_BYTES} bytes`;
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') return 'the body is not an SDP offer (it must start with "v=0")';
  if (!lines.some((l) => /^o=\S+ \S+ \S+ IN IP[46] \S+$/.test(l))) return 'the SDP has no valid o= line';
  const video = lines.filter((l) => l.startsWith('m=video '));
  if (video.length === 0) return 'the SDP offer has no video m-line';
  if (!lines.some((l) => l.startsWith('a=ice-ufrag:'))) return 'the SDP offer has no ICE credentials (a=ice-ufrag)';
  if (!lines.some((l) => l.startsWith('a=fingerprint:'))) return 'the SDP offer has no DTLS fingerprint';
  return undefined;
}

/** Keeps only the ICE candidates whose address passes `keep` (pin a network interface, or loopback in tests). */
export function filterCandidates(sdp: string, keep: (address: string) => boolean): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(eol)
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      const address = line.split(' ')[4];
      return address !== undefined && keep(address);
    })
    .join(eol);
}
