import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ProviderServices, providerServices, readApplicationSettings } from "@capstan/core";
import { localProvider } from "./launcher.js";

/**
 * Providers for `capstan run` in a repository: the local provider (its supervisor starts on first use)
 * and the traffic guards of `.capstan/application.yml`.
 */
export function localProviderServices(repository: string, warn?: (text: string) => void): ProviderServices {
  const file = join(repository, ".capstan", "application.yml");
  const settings = readApplicationSettings(existsSync(file) ? readFileSync(file, "utf8") : undefined);
  for (const problem of settings.problems) warn?.(`${file}: ${problem}\n`);
  return providerServices([localProvider(repository)], settings.trafficGuards);
}
