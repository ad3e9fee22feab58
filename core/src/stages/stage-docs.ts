import type { StageCatalog } from "./catalog.js";
import type { StageGroup } from "./define-stage.js";

const INTRO = `# Stage types

<!-- Generated from core/src/stages/<type>/definition.ts by \`npm run schema:build\`; edit the
definitions, not this file (core/src/schema/schema-files.test.ts fails when it is stale). -->

Every stage has the common fields (\`id\`, \`name\`, \`type\`, \`dependsOn\`, \`if\`, \`onFailure\`,
\`failOnFailedExpressions\`, \`timeout\`, \`window\`, \`notifications\`, \`retryable\`); their meaning at
run time is in [running.md](running.md) and every field is listed in [format.md](format.md).
This page says what each stage type does when it runs, with an example. Stage fields may
contain \`\${ }\` expressions; they are evaluated when the stage starts.

Each type lives in one folder, \`core/src/stages/<type>/\`: its definition (schema fragment, Spinnaker
import mapping, outputs, this section), its handler (\`start\`, \`poll\`, \`cancel\`, \`resume\`), its
static checks (\`capstan validate\` reports them with stable codes such as \`wait-duration-invalid\`),
and its tests. A stage type the engine does not know fails when it is reached, TERMINAL, with a
message listing the known types.`;

/** Each group after the core stages gets a heading, an introduction and, maybe, closing notes. */
const GROUPS: Record<Exclude<StageGroup, "core">, { title: string; intro: string; outro?: string }> = {
  "server-group": {
    title: "Server-group stages",
    intro: `These run on providers (the embedded \`local\` provider, or \`kubernetes\`); see
[providers.md](providers.md) for server groups, clusters, strategies and traffic guards.`,
    outro: `### Canceling a server-group stage

A server-group stage is canceled when someone runs \`capstan cancel\`, when the pipeline halts
because another branch failed, or when the stage times out. Then:

- it stops waiting at once: no further step of its plan starts (a provider call already under way
  finishes, so the record names everything that exists);
- nothing is rolled back, as in Spinnaker (\`rollback.onFailure\` applies to failures, not to
  cancels): a server group already created stays, with the traffic and size it had; the source
  of a red/black deploy is not touched again;
- a validation pipeline (\`pipelineBeforeCleanup\`) still running is canceled too;
- a rolling red/black deploy had pinned its source's minimum to its desired size; the minimum
  goes back to what it was, so the source is not left pinned (its size and traffic do not change).

The stage ends CANCELED; \`context.canceledWith\` and the stage log say where each cluster's plan
stopped and what was done on the way out, and \`context.serverGroupPlans\` holds the plan as it
was. To undo a canceled deploy, run \`rollbackCluster\` (or a pipeline that does).`,
  },
  kubernetes: {
    title: "Kubernetes manifest stages",
    intro: "Spinnaker's manifest stages, for the `kubernetes` provider.",
  },
  canary: { title: "Canary analysis", intro: "Automated canary analysis (Spinnaker's Kayenta)." },
};

/** Renders docs/stages.md from the catalog: each type's `docs`, grouped as `group` says. */
export function renderStageReference(catalog: StageCatalog): string {
  const out = [INTRO];
  const definitions = catalog.definitions();
  const section = (level: string, type: string, docs: string, outputs: string) =>
    out.push(`${level} \`${type}\`\n\n${docs.trim()}${outputs}`);
  for (const d of definitions.filter((d) => d.group === "core")) section("##", d.type, d.docs, outputsOf(d));
  for (const [group, { title, intro, outro }] of Object.entries(GROUPS)) {
    const members = definitions.filter((d) => d.group === group);
    if (members.length === 0) continue;
    out.push(`## ${title}\n\n${intro}`);
    for (const d of members) section("###", d.type, d.docs, outputsOf(d));
    if (outro) out.push(outro);
  }
  return `${out.join("\n\n")}\n`;
}

function outputsOf(d: { outputs?: readonly { name: string; type: string; description: string }[] }): string {
  if (!d.outputs?.length) return "";
  const rows = d.outputs.map((o) => `| \`${o.name}\` | ${o.type} | ${o.description.replace(/\|/g, "\\|")} |`);
  return `\n\nOutputs (\`#stage('Name')['outputs']['…']\`):\n\n| Output | Type | Description |\n|---|---|---|\n${rows.join("\n")}`;
}
