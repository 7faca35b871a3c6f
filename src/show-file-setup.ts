/**
 * Show files as the root runs them (a friend of the composition root, so it may name control/, outputs/ and
 * inputs/): the parts of a show, from the running services, in the order an import applies them, and the
 * service descriptor that serves GET/PUT /api/v1/show.
 */
import { completeMappings } from '../control/dmx/mapping-book';
import { coreParts, specIn } from './show-file/core-parts';
import { dmxPart, inputPart, midiPart, outputsPart } from './show-file/device-parts';
import { needsPart } from './show-file/needs';
import { outputDelayPart, timecodePart } from './show-file/settings-parts';
import { showRoutes } from './show-file/routes';
import { scopeService } from './scope-service-kit';
import type { ShowPart } from './show-file/transaction';
import type { ScopeCore } from './scope-core';
import type { Provided } from './scope-service-kit';

type Deps = Pick<ScopeCore, 'services' | 'registry' | 'host' | 'presets' | 'models' | 'plugins' | 'outputDelayStore'> &
  Pick<Provided, 'performing' | 'midi' | 'dmx' | 'outputs' | 'inputs' | 'timecode'>;

/** Every part of a show on this server, in the order an import applies them; what it needs (checked only) last. */
export function showParts(d: Deps): ShowPart[] {
  const core = {
    host: d.host,
    registry: d.registry,
    params: d.services.params,
    presets: d.presets,
    perform: d.performing.service,
  };
  const dmx = d.dmx.service;
  return [
    ...coreParts(core),
    midiPart(d.midi),
    dmxPart({
      mappings: () => dmx.mappings(),
      replaceMappings: (list) => dmx.replaceMappings(list),
      checkMappings: (list, show) => {
        const spec = specIn(core, show);
        completeMappings(list, (p) => {
          const s = spec(p);
          return s === 'modulator' ? undefined : s;
        });
      },
    }),
    outputsPart(d.outputs),
    inputPart({
      selection: () => d.inputs.selection(),
      usable: (id) => d.inputs.has(id) && d.inputs.info(id).available,
      select: (id) => d.inputs.select(id),
      setFit: (fit) => d.inputs.setFit(fit),
    }),
    timecodePart({
      source: d.timecode.service.source,
      settings: () => d.timecode.service.saved(),
      update: (put) => d.timecode.service.update(put),
    }),
    outputDelayPart(d.outputDelayStore),
    needsPart({
      models: d.models,
      plugins: d.plugins,
      pipelines: () => d.registry.ids(),
      activePipeline: () => d.host.activeId ?? null,
    }),
  ];
}

/** GET/PUT /api/v1/show: after the services whose settings a show holds, before the HTTP server mounts routes. */
export const showFileService = scopeService({
  name: 'showFile',
  flags: [],
  needs: [
    'options',
    'services',
    'registry',
    'host',
    'presets',
    'models',
    'plugins',
    'performing',
    'midi',
    'dmx',
    'outputs',
    'inputs',
    'timecode',
    'outputDelayStore',
  ],
  start: ({ options, ...d }) => ({
    routes: { api: [showRoutes({ parts: showParts(d), scopeVersion: d.services.version, log: options.log })] },
  }),
});
