import { StageRegistry } from "../engine/handler.js";
import type { StageDefinition } from "./define-stage.js";
import { OTHER_SPINNAKER_ICONS, SPINNAKER_ONLY_STAGES, type SpinnakerOnlyStage } from "./spinnaker-only.js";

/**
 * The stage types one build knows, by type: what schema, validation, import, docs, the language
 * features and the engine read. Immutable; `with` makes a new catalog with more types.
 */
export class StageCatalog {
  private readonly byType = new Map<string, StageDefinition>();
  private readonly byImportType = new Map<string, StageDefinition>();
  private readonly spinnakerOnlyTypes: ReadonlyMap<string, SpinnakerOnlyStage>;
  private runnable: ReadonlySet<string> | undefined;

  constructor(
    definitions: readonly StageDefinition[],
    spinnakerOnly: readonly SpinnakerOnlyStage[] = SPINNAKER_ONLY_STAGES,
  ) {
    for (const d of definitions) this.byType.set(d.type, d);
    for (const d of this.byType.values())
      if (d.import) for (const from of d.import.from ?? [d.type]) this.byImportType.set(from, d);
    this.spinnakerOnlyTypes = new Map(
      spinnakerOnly.filter((s) => !this.byType.has(s.type)).map((s) => [s.type, s]),
    );
  }

  /** A new catalog with these definitions added (a type already known is replaced). */
  with(...definitions: readonly StageDefinition[]): StageCatalog {
    return new StageCatalog([...this.byType.values(), ...definitions], [...this.spinnakerOnlyTypes.values()]);
  }

  get(type: string): StageDefinition | undefined {
    return this.byType.get(type);
  }

  /** Every definition, in documentation order. */
  definitions(): readonly StageDefinition[] {
    return [...this.byType.values()];
  }

  /** Every Capstan stage type. */
  types(): string[] {
    return [...this.byType.keys()];
  }

  /** The types the engine can run (they have a handler). */
  runnableTypes(): ReadonlySet<string> {
    this.runnable ??= new Set(this.definitions().flatMap((d) => (d.handler ? [d.type] : [])));
    return this.runnable;
  }

  /** Spinnaker types Capstan keeps on import but cannot run (bake, jenkins ...). */
  spinnakerOnly(): string[] {
    return [...this.spinnakerOnlyTypes.keys()];
  }

  isSpinnakerOnly(type: string): boolean {
    return this.spinnakerOnlyTypes.has(type);
  }

  /** The Capstan type a Spinnaker stage type imports as. */
  importDefinition(spinnakerType: string): StageDefinition | undefined {
    return this.byImportType.get(spinnakerType);
  }

  /** The graph icon of a type, Capstan's or Spinnaker's; `stage` when it has none. */
  icon(type: string): string {
    return (
      this.byType.get(type)?.icon ??
      this.spinnakerOnlyTypes.get(type)?.icon ??
      OTHER_SPINNAKER_ICONS[type] ??
      "stage"
    );
  }

  /** The engine's handlers of the runnable types (a new registry each call: callers may add to it). */
  registry(): StageRegistry {
    return new StageRegistry(this.definitions().flatMap((d) => (d.handler ? [d.handler] : [])));
  }
}
