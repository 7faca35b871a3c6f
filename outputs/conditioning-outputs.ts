/**
 * The conditioning picture's own outputs (the depth map or edges the pre-processor chain gives the pipeline): a WHEP
 * endpoint at /conditioning/whep and an NDI source "<name> conditioning", registered in the hub with the
 * `conditioning` source so they carry that picture and never the engine's frames.
 */
import { rootPaths } from '../src/shared/api-paths';
import { NdiOutput } from './ndi/ndi-output';
import { WhepOutput } from './webrtc/whep-output';
import type { Availability, Output, OutputContext, OutputFrame, OutputKind, OutputStatus } from './output';

/** An output listed under its own name and URLs; everything else is the wrapped sink's. */
class Labelled<O extends Record<string, unknown>> implements Output<O> {
  readonly id: string;
  readonly kind: OutputKind;
  readonly optionsSchema: Output<O>['optionsSchema'];

  constructor(
    private readonly inner: Output<O>,
    readonly name: string,
    private readonly urls?: string[],
  ) {
    this.id = inner.id;
    this.kind = inner.kind;
    this.optionsSchema = inner.optionsSchema;
  }

  availability(): Availability {
    return this.inner.availability();
  }
  start(ctx: OutputContext): Promise<void> {
    return this.inner.start(ctx);
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  accept(frame: OutputFrame): void | Promise<void> {
    return this.inner.accept(frame);
  }
  status(): OutputStatus {
    const status = this.inner.status();
    return this.urls ? { ...status, urls: this.urls } : status;
  }
  options(): O {
    return this.inner.options();
  }
  setOptions(patch: Partial<O>): void | Promise<void> {
    return this.inner.setOptions(patch);
  }
}

export interface ConditioningOutputs {
  /** The WHEP sink, whose routes the server mounts at /conditioning/whep. */
  webrtc: WhepOutput;
  /** What the hub registers, with whether each is on from the start. */
  outputs: { output: Output; enabled: boolean }[];
}

/**
 * The conditioning WHEP (on from the start: it sends nothing until someone watches) and NDI (off until asked for,
 * as NDI announces itself to the whole network); `take` hands over an injected stand-in of the same id.
 */
export function conditioningOutputs(o: {
  name: string;
  iceServers: string[];
  take: (id: string) => Output | undefined;
}): ConditioningOutputs {
  const webrtc = o.take('conditioning-webrtc') ?? new WhepOutput('conditioning-webrtc', { iceServers: o.iceServers });
  if (!(webrtc instanceof WhepOutput)) throw new Error('an injected "conditioning-webrtc" output must be a WhepOutput');
  const ndi = o.take('conditioning-ndi') ?? new NdiOutput('conditioning-ndi', { name: `${o.name} conditioning` });
  const label = ndi instanceof NdiOutput ? new Labelled(ndi, 'NDI (conditioning)') : ndi;
  return {
    webrtc,
    outputs: [
      { output: new Labelled(webrtc, 'WebRTC (WHEP), conditioning', [rootPaths.conditioningWhep]), enabled: true },
      { output: label, enabled: false },
    ],
  };
}
