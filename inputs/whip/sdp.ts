import { offerProblem } from '../../src/media/sdp';

/**
 * Why a WHIP offer is refused, or undefined: it must be SDP (see offerProblem) with a video section that the
 * publisher sends (sendonly or sendrecv; a viewer's recvonly offer belongs at /whep).
 */
export function whipOfferProblem(sdp: string): string | undefined {
  const problem = offerProblem(sdp);
  if (problem) return problem;
  const sections = sdp.split(/\r?\n(?=m=)/).filter((s) => s.startsWith('m=video '));
  const sent = sections.some((s) => !/^a=(recvonly|inactive)\s*$/m.test(s));
  return sent
    ? undefined
    : 'the offer sends no video (its video section is recvonly or inactive); WHIP publishes video';
}

/** The video codec names in the first video section of an SDP (rtx, red and ulpfec left out). */
export function videoCodecs(sdp: string): string[] {
  const section = sdp.split(/\r?\n(?=m=)/).find((sec) => sec.startsWith('m=video ')) ?? '';
  const names = [...section.matchAll(/^a=rtpmap:\d+ ([\w-]+)\//gm)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !['rtx', 'red', 'ulpfec', 'flexfec-03'].includes(n)))];
}

/** Whether an answer refused its (first) video section: port 0, as RFC 3264 marks a rejected stream. */
export function videoRejected(answer: string): boolean {
  return /^m=video 0 /m.test(answer);
}
