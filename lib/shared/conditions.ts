/**
 * Conditions on an event's content, per policy (the `conditions` field of the policy input). Each is
 * optional and concerns only the events it can judge; an event a condition refuses creates no
 * delivery for that policy. Browser-safe: the form validates with the schema and shows whether the
 * test event's sample would pass; ingest evaluates the same functions.
 */
import { z } from "zod";
import type { HarborEvent } from "@/lib/shared/events";
import { compileGlob, globMatch, globProblem, type StepBudget } from "@/lib/shared/glob";
import { atMostChars, enter } from "@/lib/shared/input-rules";

/** Harbor's severities from least to most severe (a scan report's `severity`). */
export const SEVERITIES = ["None", "Unknown", "Negligible", "Low", "Medium", "High", "Critical"] as const;
/** The levels a policy may ask for: "at least Low" … "at least Critical". */
export const SEVERITY_LEVELS = ["Low", "Medium", "High", "Critical"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export const REPLICATION_RESULTS = ["failed", "succeeded"] as const;
export const PATTERN_MODES = ["include", "exclude"] as const;

export const MAX_CONDITION_PATTERNS = 20;
export const MAX_FIXABLE_THRESHOLD = 1_000_000;

const pattern = z
  .string(enter("each pattern as text"))
  .trim()
  .min(1, enter("a pattern"))
  .max(256, atMostChars(256))
  .superRefine((p, ctx) => {
    const problem = globProblem(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const patternsCondition = (what: string) =>
  z.strictObject(
    {
      mode: z.enum(PATTERN_MODES, "Choose include or exclude."),
      patterns: z
        .array(pattern, "Send the patterns as a list.")
        .min(1, `Enter at least one ${what} pattern.`)
        .max(MAX_CONDITION_PATTERNS, `Use at most ${MAX_CONDITION_PATTERNS} patterns.`),
    },
    "Send mode and patterns.",
  );

/** The conditions object as sent and as answered (the Harbor API's `conditions`). */
export const conditionsObjectSchema = z.strictObject(
  {
    scan: z
      .strictObject(
        {
          min_severity: z
            .enum(SEVERITY_LEVELS, `Choose one of ${SEVERITY_LEVELS.join(", ")}.`)
            .nullish()
            .describe("Deliver SCANNING_COMPLETED only when the report's severity is at least this level."),
          fixable_over: z
            .number("Enter a whole number of fixable vulnerabilities.")
            .int("Enter a whole number of fixable vulnerabilities.")
            .min(0, "Enter a whole number from 0.")
            .max(MAX_FIXABLE_THRESHOLD, `Enter a whole number up to ${MAX_FIXABLE_THRESHOLD.toLocaleString("en-US")}.`)
            .nullish()
            .describe("Deliver SCANNING_COMPLETED only when fixable vulnerabilities exceed this count."),
        },
        "Send min_severity and/or fixable_over.",
      )
      .refine(
        (s) => s.min_severity != null || s.fixable_over != null,
        "Set min_severity, fixable_over or both (with both, either one lets the event through).",
      )
      .nullish(),
    replication: z
      .strictObject(
        { result: z.enum(REPLICATION_RESULTS, "Choose failed or succeeded.") },
        "Send the result to deliver.",
      )
      .nullish()
      .describe("Deliver REPLICATION only for failed (or only for succeeded) jobs."),
    operators: patternsCondition("operator")
      .nullish()
      .describe("Deliver only events whose operator matches (include) or does not match (exclude) a glob."),
    artifacts: patternsCondition("media type or artifact type")
      .nullish()
      .describe(
        "Deliver only events about artifacts whose media type or artifact type matches (include) or does not match (exclude) a glob; events that name no type pass.",
      ),
  },
  "Send the conditions as an object with scan, replication, operators and artifacts.",
);

/** The conditions input: what is set is kept, and no condition at all is null. */
export const conditionsSchema = conditionsObjectSchema
  .transform((c) => {
    const kept = Object.fromEntries(Object.entries(c).filter(([, v]) => v != null));
    return Object.keys(kept).length > 0 ? (kept as Conditions) : null;
  })
  .describe(
    "Conditions on the event's content (an extension of Harbor's policy). Each is optional; an event one refuses is not delivered by this policy.",
  );

export type Conditions = {
  scan?: { min_severity?: SeverityLevel | null; fixable_over?: number | null };
  replication?: { result: (typeof REPLICATION_RESULTS)[number] };
  operators?: { mode: (typeof PATTERN_MODES)[number]; patterns: string[] };
  artifacts?: { mode: (typeof PATTERN_MODES)[number]; patterns: string[] };
};

/** Stored conditions (a JSON column), or null when missing or unreadable (then nothing is filtered). */
export function parseStoredConditions(json: string | null | undefined): Conditions | null {
  if (!json) return null;
  try {
    const parsed = conditionsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The scan reports of a scanning event (every resource's every report). */
function scanReports(event: HarborEvent): Obj[] {
  const resources = Array.isArray(event.event_data.resources) ? event.event_data.resources : [];
  return resources
    .filter(isObj)
    .flatMap((r) => (isObj(r.scan_overview) ? Object.values(r.scan_overview) : []).filter(isObj));
}

function severityRank(value: unknown): number {
  const s = str(value)?.toLowerCase();
  return SEVERITIES.findIndex((x) => x.toLowerCase() === s);
}

function scanPasses(c: NonNullable<Conditions["scan"]>, event: HarborEvent): string | null {
  const reports = scanReports(event);
  const worst = Math.max(-1, ...reports.map((r) => severityRank(r.severity)));
  const fixable = Math.max(
    0,
    ...reports.map((r) => (isObj(r.summary) && typeof r.summary.fixable === "number" ? r.summary.fixable : 0)),
  );
  if (c.min_severity != null && worst >= SEVERITIES.indexOf(c.min_severity)) return null;
  if (c.fixable_over != null && fixable > c.fixable_over) return null;
  const asked = [
    c.min_severity != null ? `severity at least ${c.min_severity}` : "",
    c.fixable_over != null ? `more than ${c.fixable_over} fixable vulnerabilities` : "",
  ].filter(Boolean);
  const found = `severity ${worst >= 0 ? SEVERITIES[worst] : "unknown"}, ${fixable} fixable`;
  return `the scan has ${found}; the policy asks for ${asked.join(" or ")}`;
}

const SUCCESS = /^(success|succeed|succeeded)$/i;

function replicationPasses(c: NonNullable<Conditions["replication"]>, event: HarborEvent): string | null {
  const r = isObj(event.event_data.replication) ? event.event_data.replication : {};
  const failedArtifacts = Array.isArray(r.failed_artifact) && r.failed_artifact.length > 0;
  const status = str(r.job_status) ?? "";
  const succeeded = SUCCESS.test(status) && !failedArtifacts;
  if ((c.result === "succeeded") === succeeded) return null;
  return `the replication ${succeeded ? "succeeded" : "failed"} (job_status ${status || "missing"}); the policy asks for ${c.result} ones`;
}

function matchesAny(patterns: string[], values: string[], budget?: StepBudget): boolean {
  return patterns.some((p) => {
    let glob;
    try {
      glob = compileGlob(p);
    } catch {
      return false;
    }
    return values.some((v) => globMatch(glob, v, budget));
  });
}

function patternsPass(
  c: NonNullable<Conditions["operators"]>,
  values: string[],
  what: string,
  budget?: StepBudget,
): string | null {
  const hit = matchesAny(c.patterns, values, budget);
  if (c.mode === "include" ? hit : !hit) return null;
  const shown = values.map((v) => `"${v}"`).join(", ") || "none";
  return c.mode === "include"
    ? `${what} ${shown} matches none of the patterns to include`
    : `${what} ${shown} matches a pattern to exclude`;
}

/**
 * The media and artifact types an event names: fields of its resources (`media_type`,
 * `artifact_type`, or their camelCase forms, as tools post them), a replication's `artifact_type`,
 * and what the registry reported (`extra`: the manifest's media type, its config's media type).
 */
export function artifactTypesOf(event: HarborEvent, extra: readonly string[] = []): string[] {
  const found = new Set(extra.filter(Boolean));
  const resources = Array.isArray(event.event_data.resources) ? event.event_data.resources : [];
  for (const r of resources.filter(isObj)) {
    for (const key of ["media_type", "artifact_type", "mediaType", "artifactType"]) {
      const v = str(r[key]);
      if (v) found.add(v);
    }
  }
  const replication = event.event_data.replication;
  if (isObj(replication) && str(replication.artifact_type)) found.add(str(replication.artifact_type)!);
  return [...found];
}

/**
 * Why the conditions refuse the event, or null when it passes. `artifactTypes` are the types the
 * registry reported beside the event (not part of its payload).
 */
export function conditionsRefusal(
  conditions: Conditions | null,
  event: HarborEvent,
  opts: { artifactTypes?: readonly string[]; budget?: StepBudget } = {},
): string | null {
  if (!conditions) return null;
  if (conditions.scan && event.type === "SCANNING_COMPLETED") {
    const why = scanPasses(conditions.scan, event);
    if (why) return why;
  }
  if (conditions.replication && event.type === "REPLICATION") {
    const why = replicationPasses(conditions.replication, event);
    if (why) return why;
  }
  if (conditions.operators) {
    const why = patternsPass(conditions.operators, [event.operator], "the operator", opts.budget);
    if (why) return why;
  }
  if (conditions.artifacts) {
    const types = artifactTypesOf(event, opts.artifactTypes);
    if (types.length > 0) {
      const why = patternsPass(conditions.artifacts, types, "the artifact type", opts.budget);
      if (why) return why;
    }
  }
  return null;
}

/** The conditions as sentences, one per condition set ("Scan finished: severity at least High"). */
export function describeConditions(c: Conditions | null): string[] {
  if (!c) return [];
  const lines: string[] = [];
  if (c.scan) {
    const parts = [
      c.scan.min_severity != null ? `severity at least ${c.scan.min_severity}` : "",
      c.scan.fixable_over != null ? `more than ${c.scan.fixable_over} fixable vulnerabilities` : "",
    ].filter(Boolean);
    lines.push(`Scan finished: ${parts.join(" or ")}`);
  }
  if (c.replication) lines.push(`Replication: only ${c.replication.result} jobs`);
  const patterns = (what: string, p: NonNullable<Conditions["operators"]>) =>
    `${what}: ${p.mode === "include" ? "only" : "skip"} ${p.patterns.join(", ")}`;
  if (c.operators) lines.push(patterns("Operators", c.operators));
  if (c.artifacts) lines.push(patterns("Artifact types", c.artifacts));
  return lines;
}
