import { useState } from 'preact/hooks';
import { apiPaths, apiUrl, rootPaths } from '../../../src/shared/api-paths';
import type { ParamValue } from '../../../src/shared/api';

/**
 * The conditioning picture (what the pre-processor chain gives the pipeline: depth, edges) beside the output, as a
 * small MJPEG inset in the stage's corner; shown while a chain is set. It is also an output of its own (WHEP at
 * /conditioning/whep, NDI "<name> conditioning"), named here for people who want it elsewhere.
 */
export function ConditioningPreview({ values }: { values: Record<string, ParamValue> }) {
  const chain = typeof values.preprocess === 'string' ? values.preprocess.trim() : '';
  const [retry, setRetry] = useState(0);
  if (chain === '') return null;
  return (
    <figure class="conditioning" aria-label="conditioning picture">
      <img
        key={retry}
        src={apiUrl(apiPaths.conditioningStream)}
        alt={`conditioning: ${chain}`}
        // A dropped stream (server restart) shows a broken image; ask again shortly.
        onError={() => setTimeout(() => setRetry((k) => k + 1), 1000)}
      />
      <figcaption title={`WHEP ${rootPaths.conditioningWhep}`}>{chain}</figcaption>
    </figure>
  );
}
