import type { KubernetesSettings } from "./accounts.js";
import type { CommandRunner } from "./kubectl.js";

/** What the manifest stages need from the run (the CLI and the action leave it empty). */
export interface KubernetesServices {
  /** Accounts; absent: read from the repository's `.capstan/application.yml`. */
  settings?: KubernetesSettings;
  /** Runs kubectl and helm; absent: the engine's process runner. */
  runner?: CommandRunner;
  /** The application (moniker app); default the settings' name, else the repository folder's name. */
  application?: string;
  /** How often a stage re-reads what it waits for when no watch event comes (ms; default 2000). */
  pollMs?: number;
  /** Folder for temporary kubeconfigs and manifests (default the OS temp dir). */
  tmpDir?: string;
}
