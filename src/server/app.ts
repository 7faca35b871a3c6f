import { Hono } from 'hono';
import { ScopeError } from '../kernel/errors';
import { errorResponse, fromThrown, statusOf } from './errors';
import { commandRoutes } from './api-commands';
import { statsRoutes } from './api-stats';
import { mountOpenApi } from './openapi';
import { mount } from '../http/routes';
import { parameterRoutes } from './api-parameters';
import { pipelineRoutes } from './api-pipelines';
import { createRequestGuard } from './guard';
import { guardRequests, limitBodies } from './guard-middleware';
import { countOfferRefusals } from './offer-refusals';
import { defaultWebRoot, panelRoutes } from './panel';
import { OFFER_PATH } from '../media/webrtc-http';
import { MAX_OFFER_BYTES } from '../media/sdp';
import { MAX_REFERENCE_BYTES } from '../references/reference-images';
import type { ClientCounts } from '../kernel/actions';
import type { RequestGuard } from '../kernel/access';
import { healthRoutes } from './health';
import { appSelf } from './in-process';
import type { AppSelf } from './in-process';
import type { ScopeServices } from '../kernel/services';

export interface AppExtras {
  /** Connected WebSocket clients, for stats. */
  wsClients: () => number;
  /** Connected MJPEG clients (the MJPEG output's), for stats. */
  mjpegClients: () => number;
  /** Folder of the built web panel; a placeholder page is served when it has no index.html. */
  webRoot: string;
  /** Sub-apps of control and output services, mounted under /api/v1 (they live outside src/). */
  apiRoutes: Hono[];
  /** Sub-apps mounted at the root (WHEP, the output page); they answer before the panel. */
  rootRoutes: Hono[];
  /** Sub-apps mounted at the root that drive the app itself, in process (MCP: its tools are the app's routes). */
  selfRoutes: ((self: AppSelf) => Hono)[];
  /** Who may use the server; loopback only (no LAN, no token) unless the root builds another. */
  guard: RequestGuard;
  /** What the root knows holds the node back from being ready (a drain, a show out of reach), as sentences. */
  notReady: () => string[];
}

const MAX_BODY_BYTES = 1024 * 1024;
const REFERENCE_PATH = /^\/api\/v1\/references\/[^/]+$/;

/** SDP offers are a few KiB, reference images (uploads) a few MB, everything else JSON under 1 MiB. */
function bodyLimitOf(path: string): number {
  if (OFFER_PATH.test(path)) return MAX_OFFER_BYTES;
  return REFERENCE_PATH.test(path) ? MAX_REFERENCE_BYTES : MAX_BODY_BYTES;
}

/**
 * Installs the server's one way of answering errors (kernel codes mapped to statuses, unknown routes as
 * `not_found`) on an app; route tests of services use it on their own routes.
 */
export function withErrorAnswers(app: Hono, log: (message: string) => void = () => {}): Hono {
  app.onError((err, c) => {
    const e = fromThrown(err);
    if (statusOf(e.code) >= 500) log(`${c.req.method} ${c.req.path} failed: ${e.message}`);
    return errorResponse(c, e);
  });
  app.notFound((c) => errorResponse(c, new ScopeError('not_found', `no route for ${c.req.method} ${c.req.path}`)));
  return app;
}

/** The Hono app of the server; tests drive it with `app.request()`, http.ts serves it. */
export function createApp(services: ScopeServices, extras: Partial<AppExtras> = {}): Hono {
  const clients: ClientCounts = { ws: extras.wsClients ?? (() => 0), mjpeg: extras.mjpegClients ?? (() => 0) };

  const app = withErrorAnswers(new Hono(), services.log);
  // Every route, the panel and /output included: Host, Origin and (in LAN mode) the token first, then sizes.
  app.use('*', guardRequests(extras.guard ?? createRequestGuard({ refusals: services.refusals })));
  // SDP offers (WHEP, WHIP) are a few KiB: refused at their own limit here, before 1 MiB of them is read.
  app.use(
    '*',
    limitBodies((path) => bodyLimitOf(path), services.refusals),
  );
  app.use('*', countOfferRefusals(services.refusals));

  mount(app, '/', healthRoutes(services, extras.notReady));
  mount(app, '/api/v1', pipelineRoutes(services));
  mount(app, '/api/v1', parameterRoutes(services));
  mount(app, '/api/v1', statsRoutes(services, clients));
  mount(app, '/api/v1', commandRoutes(services));
  mountOpenApi(app, services.version);
  for (const routes of extras.apiRoutes ?? []) mount(app, '/api/v1', routes);
  for (const routes of extras.rootRoutes ?? []) mount(app, '/', routes);
  for (const routes of extras.selfRoutes ?? []) mount(app, '/', routes(appSelf(app)));
  mount(app, '/', panelRoutes(extras.webRoot ?? defaultWebRoot, services.version));
  return app;
}
