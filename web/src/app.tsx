import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import {
  downloadModel,
  inputActions,
  midiActions,
  outputActions,
  performActions,
  presetActions,
  refresh,
  refreshAll,
  refreshPipelines,
  refreshParameters,
} from './actions';
import { ScopeSocket, socketUrl } from './client';
import { PanelContext } from './context';
import { ControlsCard } from './components/controls-card';
import { Header } from './components/header';
import { InputCard } from './components/input-card';
import { OutputsCard } from './components/outputs-card';
import { PerformCard } from './components/perform-card';
import { PipelinesCard } from './components/pipelines-card';
import { HealthCard } from './components/health-card';
import { LatencyLines } from './components/latency-lines';
import { DmxCard } from './components/dmx-card';
import { TimecodeCard } from './components/timecode-card';
import { timecodeActions } from './timecode-actions';
import { dmxActions } from './dmx-actions';
import { outputDelayAction } from './output-delay-action';
import { controlsOf } from './schema';
import { PresetsCard } from './components/presets-card';
import { Preview } from './components/preview';
import { ConditioningPreview } from './components/conditioning-preview';
import { ReferenceCard } from './components/reference-card';
import { LORA_SLOTS, LoraCard } from './components/lora-card';
import { installLora } from './lora-actions';
import { ShortcutsOverlay, useShortcuts } from './components/shortcuts';
import { ShowCard } from './components/show-card';
import { showActions } from './show-actions';
import { initialState, reduce } from './state';
import { modelLines } from './services';
import type { PanelContextValue } from './context';
import type { DmxStatus } from '../../src/shared/dmx';
import type { OutputInfo } from './services';

/** The panel: preview and readouts, pipeline picker, generated controls, presets and outputs. */
export function App() {
  const [state, dispatch] = useReducer(reduce, initialState);
  const [help, setHelp] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const socket = useRef<ScopeSocket | undefined>(undefined);
  const toastTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const readyKey = useRef('');
  const loraKey = useRef('');

  const notify = (message: string) => {
    setToast(message);
    clearTimeout(toastTimer.current);
    toastTimer.current = setTimeout(() => setToast(null), 3000);
  };

  useEffect(() => {
    const s = new ScopeSocket({
      url: socketUrl(),
      onMessage: (message) => {
        dispatch({ type: 'message', message });
        // A modulator brings its own depth and rate controls: the parameter set changed.
        if (message.type === 'event' && message.topic === 'modulators') refreshParameters(dispatch);
        // A LoRA installed (or gone): the `lora` parameters' choices changed, and the controls show them.
        if (message.type === 'event' && message.topic === 'loras') {
          const names = message.data.loras.map((l) => l.name).join('|');
          if (loraKey.current && names !== loraKey.current) refreshParameters(dispatch);
          loraKey.current = names;
        }
        // A model that became ready (or stopped being) may let a pipeline load here, or not.
        if (message.type === 'event' && message.topic === 'models') {
          const ready = readyModels(message.data);
          if (ready !== readyKey.current) {
            readyKey.current = ready;
            refreshPipelines(dispatch);
          }
        }
      },
      onOpen: (connected) => {
        dispatch({ type: 'connected', connected });
        // After a server restart everything may have changed.
        if (connected) refreshAll(dispatch);
      },
      onSent: (values) => dispatch({ type: 'local-values', values }),
    });
    socket.current = s;
    return () => s.close();
  }, []);

  // Presets belong to a pipeline: another pipeline, another list.
  useEffect(() => {
    if (state.connected) refresh(dispatch, 'presets');
  }, [state.pipeline, state.connected]);

  useEffect(() => {
    if (state.lastError) notify(state.lastError);
  }, [state.lastError]);

  const ctx = useMemo<PanelContextValue>(
    () => ({
      client: {
        set: (name, value) => socket.current?.set(name, value),
        load: (id) => socket.current?.load(id),
        pause: (paused) => socket.current?.pause(paused),
      },
      midi: state.midi,
      midiActions: midiActions(dispatch),
      notify,
    }),
    [state.midi],
  );
  const presets = useMemo(() => presetActions(dispatch, notify), []);
  const outputs = useMemo(() => outputActions(dispatch), []);
  const inputs = useMemo(() => inputActions(dispatch, notify), []);
  const perform = useMemo(() => performActions(dispatch, notify), []);
  const dmx = useMemo(() => dmxActions(dispatch), []);
  const dmxOutputs = (state.outputs ?? []).filter((o) => o.kind === 'dmx');
  const setDelay = useMemo(() => outputDelayAction(dispatch), []);
  const timecode = useMemo(() => timecodeActions(dispatch), []);
  // What a desk fader would drive: not text or colours, and not what reloads the pipeline.
  const dmxParams = useMemo(
    () =>
      controlsOf(state.schema).flatMap((c) => (c.kind === 'text' || c.kind === 'color' || c.reloads ? [] : [c.name])),
    [state.schema],
  );
  const show = useMemo(() => showActions(() => refreshAll(dispatch)), []);
  const paused = state.stats?.paused ?? false;

  useShortcuts({
    togglePause: () => ctx.client.pause(!paused),
    recallPreset: (i) => {
      const p = state.presets?.presets[i];
      if (p) presets.recall(p.name);
    },
    toggleHelp: () => setHelp((h) => !h),
    tap: () => perform.tap(),
    go: () => perform.go('next'),
    closeHelp: () => setHelp(false),
  });

  return (
    <PanelContext.Provider value={ctx}>
      <Header state={state} paused={paused} onPause={() => ctx.client.pause(!paused)} onHelp={() => setHelp(true)} />
      <main class="layout">
        <section class="stage" aria-label="preview">
          <Preview outputs={state.outputs} paused={paused} />
          <ConditioningPreview values={state.values} />
        </section>
        <section class="controls-col card" aria-label="parameters">
          <h2>
            Parameters <span class="dim">{state.pipeline ?? ''}</span>
          </h2>
          <ControlsCard schema={state.schema} values={state.values} modulated={state.modulated} />
        </section>
        <aside class="side">
          {(state.tempo || state.cues || state.recording) && (
            <section class="card" aria-label="perform">
              <h2>Perform</h2>
              <PerformCard tempo={state.tempo} cues={state.cues} recording={state.recording} actions={perform} />
            </section>
          )}
          {state.timecode && state.timecode.source !== 'off' && (
            <section class="card" aria-label="timecode">
              <h2>Timecode</h2>
              <TimecodeCard timecode={state.timecode} actions={timecode} />
            </section>
          )}
          <section class="card" aria-label="pipelines">
            <h2>Pipelines</h2>
            <PipelinesCard
              pipelines={state.pipelines}
              active={state.pipeline}
              status={state.status}
              models={state.models}
              download={(model) => downloadModel(dispatch, model)}
            />
          </section>
          <section class="card" aria-label="health">
            <h2>Health</h2>
            <HealthCard status={state.status} memory={state.stats?.memory ?? null} />
            <LatencyLines
              latency={state.stats?.latency}
              delayMs={state.stats?.outputDelayMs ?? 0}
              setDelay={setDelay}
            />
          </section>
          {state.inputs && (
            <section class="card" aria-label="input">
              <h2>
                Input <span class="dim">{inputHint(state)}</span>
              </h2>
              <InputCard inputs={state.inputs} selection={state.input} actions={inputs} />
            </section>
          )}
          {typeof state.values.reference === 'string' && (
            <section class="card" aria-label="reference image">
              <h2>
                Reference <span class="dim">IP-Adapter</span>
              </h2>
              <ReferenceCard
                current={state.values.reference}
                actions={{ use: (name) => ctx.client.set('reference', name), notify: ctx.notify }}
              />
            </section>
          )}
          {typeof state.values.lora === 'string' && state.loras && (
            <section class="card" aria-label="loras">
              <h2>
                LoRA <span class="dim">strength in the controls</span>
              </h2>
              <LoraCard
                list={state.loras}
                values={loraValues(state.values)}
                actions={{ use: (slot, name) => ctx.client.set(slot, name), install: installLora, notify: ctx.notify }}
              />
            </section>
          )}
          {state.presets && (
            <section class="card" aria-label="presets">
              <h2>Presets</h2>
              <PresetsCard list={state.presets} actions={presets} />
            </section>
          )}
          {state.dmx && usesDmx(state.dmx, dmxOutputs) && (
            <section class="card" aria-label="dmx">
              <h2>DMX</h2>
              <DmxCard dmx={state.dmx} outputs={dmxOutputs} params={dmxParams} actions={dmx} outputActions={outputs} />
            </section>
          )}
          <section class="card" aria-label="show">
            <h2>Show</h2>
            <ShowCard actions={show} />
          </section>
          {state.outputs && state.outputs.length > 0 && (
            <section class="card" aria-label="outputs">
              <h2>Outputs</h2>
              <OutputsCard outputs={state.outputs} actions={outputs} />
            </section>
          )}
        </aside>
      </main>
      {help && <ShortcutsOverlay onClose={() => setHelp(false)} />}
      {toast && (
        <div class="toast" role="status">
          {toast}
        </div>
      )}
    </PanelContext.Provider>
  );
}

/** Says when the loaded pipeline ignores the input, so a chosen camera that changes nothing is not a mystery. */
function inputHint(state: { pipeline: string | null; pipelines: { id: string; takesInput?: boolean }[] }): string {
  const p = state.pipelines.find((x) => x.id === state.pipeline);
  return p && p.takesInput === false ? `${p.id} does not use it` : '';
}

/** The ids of the models ready on disk, as one comparable key. */
function readyModels(data: unknown): string {
  return modelLines(data)
    .filter((m) => m.state === 'ready')
    .map((m) => m.id)
    .join(' ');
}

/** The DMX card is for servers that use DMX: a listener on, a mapping kept, or the DMX output on. */
function usesDmx(dmx: DmxStatus, outputs: OutputInfo[]): boolean {
  return dmx.artnet.enabled || dmx.sacn.enabled || dmx.mappings.length > 0 || outputs.some((o) => o.enabled);
}

/** The LoRA slots this pipeline has, with their values. */
function loraValues(values: Record<string, unknown>): Partial<Record<(typeof LORA_SLOTS)[number], string>> {
  return Object.fromEntries(LORA_SLOTS.flatMap((s) => (typeof values[s] === 'string' ? [[s, values[s]]] : [])));
}
