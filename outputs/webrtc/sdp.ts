export { MAX_OFFER_BYTES, filterCandidates, offerProblem, withVideoBandwidth } from '../../src/media/sdp';
