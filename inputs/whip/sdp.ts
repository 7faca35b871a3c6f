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
