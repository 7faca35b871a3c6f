import { Hono } from 'hono';
import {
  parameterNameParamsSchema,
  parametersAppliedSchema,
  parametersResponseSchema,
  paramPatchSchema,
  putParameterBodySchema,
} from '../shared/api';
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import { quantizeQuerySchema } from '../shared/perform';
import { parameters, setParameters } from '../kernel/actions';
import { ScopeError } from '../kernel/errors';
import type { ParametersApplied, ParametersResponse } from '../shared/api';
import type { ScopeServices } from '../kernel/services';

/** `/api/v1/parameters`: read all, PATCH several (all or nothing), PUT one. */
export function parameterRoutes(services: ScopeServices): Hono {
  const api = new Hono();
  const r = routes(api);
  const applied = (result: { values: ParametersApplied['values']; scheduled?: number }): ParametersApplied => ({
    pipeline: services.host.activeId ?? null,
    ...result,
  });
  // `?quantize=bar` (beat, bar, 4bars, off) times the change; left out, the http surface's setting does.
  const quantizeOf = ({ quantize }: { quantize?: string }) => (quantize === undefined ? {} : { quantize });

  const readDoc = {
    summary: 'the active pipeline, its values and their JSON Schema',
    responses: { 200: parametersResponseSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.parameters, readDoc, (c) => c.json(parameters(services) satisfies ParametersResponse));

  // Numbers out of range are clamped, not rejected: the answer carries the values as applied.
  const patchDoc = {
    summary: 'sets several parameters, all or nothing; answers the values as applied (clamped)',
    query: quantizeQuerySchema,
    body: paramPatchSchema,
    bodyName: 'body (expected an object of name: value)',
    responses: { 200: parametersAppliedSchema },
    errors: ['invalid_parameters'],
  } satisfies RouteDoc;
  r.patch(apiPaths.parameters, patchDoc, (c) => {
    const patch = c.req.valid('json');
    return c.json(applied(setParameters(services, patch, 'http', quantizeOf(c.req.valid('query')))));
  });

  const putDoc = {
    summary: 'sets one parameter; answers its value as applied',
    params: parameterNameParamsSchema,
    query: quantizeQuerySchema,
    body: putParameterBodySchema,
    bodyName: 'body (expected {"value": ...})',
    responses: { 200: parametersAppliedSchema },
    errors: ['unknown_parameter', 'invalid_parameters'],
  } satisfies RouteDoc;
  r.put('/parameters/:name', putDoc, (c) => {
    const name = c.req.param('name');
    const body = c.req.valid('json');
    if (!services.params.spec(name)) {
      const known = Object.keys(services.params.all()).join(', ') || '(none)';
      throw new ScopeError('unknown_parameter', `unknown parameter "${name}"; known: ${known}`);
    }
    const quantize = quantizeOf(c.req.valid('query'));
    return c.json(applied(setParameters(services, { [name]: body.value }, 'http', quantize)));
  });

  return api;
}
