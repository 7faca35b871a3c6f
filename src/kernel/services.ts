import type { Engine } from '../engine/engine';
import type { FrameDelayLine } from '../engine/output-delay';
import type { PipelineHost } from '../engine/host';
import type { PipelineRegistry } from '../engine/registry';
import type { ParamStore } from '../params/store';
import type { CommandRegistry } from './commands';
import type { EventBus } from './events';
import type { RefusalCounter } from './refusals';
import type { MemoryStats } from '../shared/memory';

/** The narrow facade of the app that the HTTP and WebSocket layer sees. */
export interface ScopeServices {
  version: string;
  params: ParamStore;
  host: PipelineHost;
  engine: Engine;
  registry: PipelineRegistry;
  log: (message: string) => void;
  /** Changes of control and output services, relayed to WebSocket clients as `event` messages. */
  events: EventBus;
  /** Actions that are not parameters (presets, outputs, pause), reachable from OSC as `/scope/<name>`. */
  commands: CommandRegistry;
  /** What was refused or dropped to protect the show (foreign pages, bad Host, floods), by reason. */
  refusals: RefusalCounter;
  /** The memory monitor's last sample (stats and the panel); absent where none runs. */
  memory?: { snapshot(): MemoryStats | null };
  /** The output delay every output reads frames through; absent where none runs (0 ms in the stats). */
  outputDelay?: FrameDelayLine;
}
