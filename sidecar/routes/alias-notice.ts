import { resolveModel, withAliasDefaults, type ModelAlias } from '../translate/model-alias';
import type { AppDeps } from '../server/app-deps';

const noticed = new WeakMap<AppDeps['logger'], Set<string>>();

/** Logs an alias's notice (a retired model name being served by another) once per process and logger. */
export function noticeAlias(deps: Pick<AppDeps, 'logger'>, requested: string, alias: ModelAlias | undefined): void {
  if (!alias?.notice) return;
  let seen = noticed.get(deps.logger);
  if (!seen) noticed.set(deps.logger, (seen = new Set()));
  if (seen.has(requested)) return;
  seen.add(requested);
  deps.logger.warn({ requestedModel: requested, servedModel: alias.model }, alias.notice);
}

/** The request with its model resolved through the configured aliases (notice logged once) and the alias's defaults under it. */
export function withResolvedModel<T extends { model: string }>(deps: Pick<AppDeps, 'logger' | 'config'>, request: T): T {
  const resolved = resolveModel(request.model, deps.config.models.aliases);
  noticeAlias(deps, request.model, resolved.alias);
  return withAliasDefaults({ ...request, model: resolved.model }, resolved.alias);
}
