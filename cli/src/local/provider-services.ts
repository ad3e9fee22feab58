import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  builtinStages,
  type ProviderServices,
  providerServices,
  readApplicationSettings,
  type StageCatalog,
} from "@capstan/core";
import { localProvider } from "./launcher.js";

/** Whether stages of these types deploy server groups (a deploy, a clone, a manifest deploy). */
export function deploysServerGroups(
  types: Iterable<string>,
  catalog: StageCatalog = builtinStages(),
): boolean {
  for (const type of types) if (catalog.get(type)?.deploysServerGroups) return true;
  return false;
}

/**
 * Providers for `capstan run` in a repository: the local provider (its supervisor starts on first
 * use; after `capstan local down` only for a run that `deploys`) and the traffic guards of
 * `.capstan/application.yml`.
 */
export function localProviderServices(
  repository: string,
  warn?: (text: string) => void,
  options: { deploys?: boolean } = {},
): ProviderServices {
  const file = join(repository, ".capstan", "application.yml");
  const settings = readApplicationSettings(existsSync(file) ? readFileSync(file, "utf8") : undefined);
  for (const problem of settings.problems) warn?.(`${file}: ${problem}\n`);
  return providerServices(
    [localProvider(repository, true, { afterDown: options.deploys === true })],
    settings.trafficGuards,
  );
}
