import { Hono } from 'hono';
import type { PluginReport } from './loader';

/** `GET /plugins` under /api/v1: every plugin found, loaded or not, with the reason when not. */
export function pluginRoutes(reports: readonly PluginReport[]): Hono {
  const api = new Hono();
  api.get('/plugins', (c) => c.json(reports));
  return api;
}
