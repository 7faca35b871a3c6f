export { MAX_OFFER_BYTES, filterCandidates, offerProblem } from '../../src/media/sdp';

/**
 * Adds `b=AS:<kbps>` to every video section of a remote offer. libwebrtc takes the remote side's bandwidth line
 * as the ceiling of what it sends, which is the only bitrate control where RTCRtpSender.setParameters has no
 * encodings to change (as in @roamhq/wrtc).
 */
export function withVideoBandwidth(sdp: string, kbps: number): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  let inVideo = false;
  let placed = false;
  for (const line of sdp.split(eol)) {
    if (line.startsWith('m=')) {
      inVideo = line.startsWith('m=video ');
      placed = false;
      out.push(line);
      continue;
    }
    if (inVideo && line.startsWith('b=')) continue;
    // b= goes after c= (or right after m= when there is no c=), as RFC 4566 orders the lines.
    if (inVideo && !placed && !line.startsWith('i=') && !line.startsWith('c=')) {
      out.push(`b=AS:${Math.round(kbps)}`);
      placed = true;
    }
    out.push(line);
  }
  return out.join(eol);
}
