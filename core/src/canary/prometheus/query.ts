// Kayenta's Prometheus query shapes, written from the behaviour described in
// shared/notes/KAYENTA-AND-KUBERNETES.md §2.6 (not from Kayenta's code):
//   - a filter template (the metric's `customInlineTemplate`, or the config template named by
//     `customFilterTemplate`) is expanded with the scope's variables (`${scope}`, `${location}`,
//     `${project}`, `${resourceType}` and every `extendedScopeParams` key);
//   - an expansion starting with `PromQL:` is the whole query, sent as written;
//   - otherwise `avg(<metricName>{<filter tokens>,<labelBindings>}) by (<groupByFields>)`, where
//     with no filter the resource type supplies the scope's matchers.

/** A metric's `query` in a Kayenta canary config (`type: prometheus`). */
export interface PrometheusQueryConfig {
  type?: string;
  metricName?: string;
  labelBindings?: readonly string[];
  groupByFields?: readonly string[];
  customInlineTemplate?: string;
  customFilterTemplate?: string;
  /** Deprecated in Kayenta, which refuses it. */
  customFilter?: string;
  resourceType?: string;
  /** The label the scope is matched on (gce_instance: default `instance`; local: `server_group`). */
  scopeLabel?: string;
}

/** One side (control or experiment) of a canary scope, as Kayenta's CanaryScope. */
export interface ScopeSide {
  /** The scope: for Capstan's local provider, the server group name. */
  scope: string;
  location?: string;
  /** Kayenta's extendedScopeParams: template variables (and `resourceType`, `project`). */
  extendedScopeParams?: Readonly<Record<string, string>>;
}

/**
 * Resource types: Kayenta's two, and Capstan's `local` (the default when neither the metric nor the
 * scope names one; Kayenta has no default and fails), which matches `<scopeLabel>="<scope>"` with
 * `scopeLabel` defaulting to `server_group`, the label Capstan's scrape config puts on each
 * instance of the local provider.
 */
export const RESOURCE_TYPES = ["local", "gce_instance", "aws_ec2_instance"] as const;

/** Expands `${name}` from `vars` (Commons Text StringSubstitutor: unknown names stay as written). */
export function expandTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{([^}]+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? vars[name] : whole,
  );
}

/** The default matchers of a scope with no custom filter, by resource type. */
export function scopeMatchers(
  resourceType: string,
  side: ScopeSide,
  scopeLabel?: string,
): { matchers: string[] } | { error: string } {
  const project = side.extendedScopeParams?.project;
  if (resourceType === "local") return { matchers: [`${scopeLabel ?? "server_group"}=${quote(side.scope)}`] };
  if (resourceType === "gce_instance") {
    const zone = `.+/${project ? `projects/${project}/` : ""}zones/${side.location ?? ""}-.{1}`;
    return {
      matchers: [`${scopeLabel ?? "instance"}=~${quote(`${side.scope}-.{4}`)}`, `zone=~${quote(zone)}`],
    };
  }
  if (resourceType === "aws_ec2_instance")
    return {
      matchers: [`asg_groupName=${quote(side.scope)}`, `zone=~${quote(`${side.location ?? ""}.{1}`)}`],
    };
  return {
    error: `resource type '${resourceType}' has no scope matchers (use local, gce_instance or aws_ec2_instance, or a customInlineTemplate)`,
  };
}

/** A PromQL string literal. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * The PromQL query of one metric for one side. `templates` is the canary config's `templates`.
 * `{{scope}}` in a template (Capstan's inline metrics) stands for the scope's default matchers.
 */
export function buildPrometheusQuery(
  metricName: string,
  query: PrometheusQueryConfig,
  side: ScopeSide,
  templates: Readonly<Record<string, string>> = {},
): { query: string } | { error: string } {
  if (query.type !== undefined && query.type !== "prometheus")
    return { error: `metric '${metricName}': query type '${query.type}' is not prometheus` };
  if (query.customFilter !== undefined && query.customFilter !== "")
    return {
      error: `metric '${metricName}': customFilter is deprecated (as in Kayenta); use customInlineTemplate or customFilterTemplate`,
    };
  const resourceType = query.resourceType ?? side.extendedScopeParams?.resourceType ?? "local";
  let template: string | undefined;
  if (query.customInlineTemplate !== undefined && query.customInlineTemplate !== "")
    template = query.customInlineTemplate;
  else if (query.customFilterTemplate !== undefined && query.customFilterTemplate !== "") {
    template = templates[query.customFilterTemplate];
    if (template === undefined)
      return {
        error: `metric '${metricName}': custom filter template '${query.customFilterTemplate}' was not found in the config's templates`,
      };
  }
  let filter: string | undefined;
  if (template !== undefined) {
    const vars: Record<string, string> = {
      ...(side.extendedScopeParams ?? {}),
      scope: side.scope,
      location: side.location ?? "",
      project: side.extendedScopeParams?.project ?? "",
      resourceType,
    };
    let expanded = expandTemplate(template, vars);
    if (expanded.includes("{{scope}}")) {
      const m = scopeMatchers(resourceType, side, query.scopeLabel);
      if ("error" in m) return { error: `metric '${metricName}': ${m.error}` };
      expanded = expanded.replaceAll("{{scope}}", m.matchers.join(","));
    }
    if (expanded.startsWith("PromQL:")) return { query: expanded.slice("PromQL:".length) };
    filter = expanded;
  }
  const name = query.metricName;
  if (name === undefined || name === "")
    return { error: `metric '${metricName}': the query needs metricName (or a PromQL: template)` };
  const filters: string[] = [];
  if (filter !== undefined && filter !== "") filters.push(...filter.split(","));
  else {
    const m = scopeMatchers(resourceType, side, query.scopeLabel);
    if ("error" in m) return { error: `metric '${metricName}': ${m.error}` };
    filters.push(...m.matchers);
  }
  filters.push(...(query.labelBindings ?? []));
  const selector = filters.length > 0 ? `${name}{${filters.join(",")}}` : name;
  const groupBy = query.groupByFields ?? [];
  return { query: `avg(${selector})${groupBy.length > 0 ? ` by (${groupBy.join(",")})` : ""}` };
}
