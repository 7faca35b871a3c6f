/**
 * The perform commands, for OSC (`/scope/<name>`), the WebSocket and HTTP at once: tap tempo, bpm, quantise
 * settings, cue go/next/previous/go-to, the timeline, takes, the crossfader's presets and audio features from an
 * audio tool.
 */
import { SURFACES } from './quantize-settings';
import { quantizeSchema } from '../shared/perform';
import { ScopeError, toScopeError } from '../kernel/errors';
import type { PerformService } from './perform-service';
import type { Command, CommandRegistry, CommandResult, CommandValue } from '../kernel/commands';
import type { AudioFeatures } from '../shared/perform';

/** Runs `action`, turning a thrown kernel error into the command's reason. */
function attempt(action: () => string | undefined): CommandResult {
  try {
    const detail = action();
    return detail === undefined ? { ok: true } : { ok: true, detail };
  } catch (err) {
    return { ok: false, reason: toScopeError(err).message };
  }
}

const landing = (beat: number | undefined) => (beat === undefined ? 'now' : `on beat ${beat}`);

/** Registers the perform commands; returns their removal. */
export function addPerformCommands(commands: Pick<CommandRegistry, 'add'>, service: PerformService): () => void {
  const perform = service.perform;
  const quantizeOf = (value: CommandValue) => {
    const parsed = quantizeSchema.safeParse(value);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid quantize');
    return parsed.data;
  };
  const list: Command[] = [
    {
      name: 'tempo/tap',
      description: 'tap tempo: tap on the beat; the tempo follows from the second tap',
      arg: 'none',
      run: () =>
        attempt(() => {
          const bpm = perform.tapTempo();
          return bpm === undefined ? 'tap again' : `${bpm.toFixed(2)} bpm`;
        }),
    },
    {
      name: 'tempo/bpm',
      description: 'sets the tempo (20-999 bpm)',
      arg: 'number',
      run: (bpm) => attempt(() => `${perform.setBpm(bpm as number).toFixed(2)} bpm`),
    },
    {
      name: 'tempo/restart',
      description: 'puts the downbeat of bar 1 here and now',
      arg: 'none',
      run: () => attempt(() => void perform.tempo.restart()),
    },
    {
      name: 'quantize',
      description: 'the quantise of every surface: off, beat, bar or Nbars',
      arg: 'string',
      run: (value) => attempt(() => void perform.setQuantize(quantizeOf(value))),
    },
    ...SURFACES.map((surface): Command => ({
      name: `quantize/${surface}`,
      description: `the quantise of changes from ${surface}: off, beat, bar or Nbars`,
      arg: 'string',
      run: (value) => attempt(() => void perform.setQuantize(quantizeOf(value), surface)),
    })),
    {
      name: 'cue/go',
      description: 'goes to the next cue (the first at the start)',
      arg: 'none',
      run: () => attempt(() => goDetail(service.goCue('next'))),
    },
    {
      name: 'cue/next',
      description: 'goes to the next cue',
      arg: 'none',
      run: () => attempt(() => goDetail(service.goCue('next'))),
    },
    {
      name: 'cue/previous',
      description: 'goes back to the previous cue',
      arg: 'none',
      run: () => attempt(() => goDetail(service.goCue('previous'))),
    },
    {
      name: 'cue/goto',
      description: 'goes to a cue by name, or by number (0 = the first)',
      arg: 'string-or-int',
      run: (which) => attempt(() => goDetail(service.goCue(which as string | number))),
    },
    {
      name: 'timeline/play',
      description: 'plays (true) or stops (false) the prompt timeline',
      arg: 'bool',
      run: (play) => attempt(() => landing(service.playTimeline(play === true))),
    },
    {
      name: 'take/record',
      description: 'starts (true) or ends and saves (false) a control take',
      arg: 'bool',
      run: (on) =>
        attempt(() => {
          if (on === true) return `recording ${service.startTake().recording?.name}`;
          const name = perform.takeRecorder.recording?.name;
          if (name === undefined) throw new ScopeError('conflict', 'no take is recording');
          // The save's own failure (save_failed) is said in the log, and the take dropped, as the disk has it.
          service.stopTake().catch(() => {});
          return `take ${name} stopped, saving it`;
        }),
    },
    {
      name: 'take/play',
      description: 'plays a saved control take back by name',
      arg: 'string',
      run: (name) => attempt(() => landing(service.playTake(String(name)))),
    },
    {
      name: 'take/stop',
      description: 'stops playing a take back',
      arg: 'none',
      run: () => attempt(() => void service.stopPlayback()),
    },
    ...(['a', 'b'] as const).map((side): Command => ({
      name: `xfade/${side}`,
      description: `the preset on side ${side.toUpperCase()} of the crossfader (parameter xfade: 0 = A, 1 = B)`,
      arg: 'string',
      run: (preset) => attempt(() => void service.setCrossfade(side, String(preset))),
    })),
    {
      name: 'xfade/pipeline',
      description: 'a warm pipeline as side A of the crossfader, the active one as B ("none" ends the mix)',
      arg: 'string',
      run: (id) => attempt(() => void service.setCrossfadePipeline(id === 'none' || id === '' ? null : String(id))),
    },
    ...(['level', 'low', 'mid', 'high', 'onset'] as const).map((feature): Command => ({
      name: `audio/${feature}`,
      description: `audio ${feature} (0..1) from an audio tool; drives audio-${feature} modulators`,
      arg: 'number',
      run: (value) =>
        attempt(() => void perform.setAudio({ [feature]: clamp01(value as number) } as Partial<AudioFeatures>)),
    })),
  ];
  const removals = list.map((c) => commands.add(c));
  return () => removals.forEach((remove) => remove());
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const goDetail = (r: { cue: string; beat?: number }) => `cue ${r.cue} ${landing(r.beat)}`;
