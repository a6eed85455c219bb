import type { ModelAlias } from '../translate/model-alias';
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
