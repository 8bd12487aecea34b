import type { TargetWarning } from "@/lib/policies/service";

/**
 * Harbor saves a policy whatever its targets' addresses, and so do we; a target the network guard
 * would refuse is told in this header (one per target, `targets.N.address: message`), so Harbor's
 * response bodies keep their shape.
 */
export const TARGET_WARNING_HEADER = "X-Harbor-Notifier-Warning";

/** Header values are Latin-1 only: the few typographic characters of our messages become ASCII. */
function headerSafe(text: string): string {
  return text
    .replace(/→/g, ">")
    .replace(/…/g, "...")
    .replace(/[^\x20-\x7e]/g, "?");
}

export function withTargetWarnings<R extends Response>(res: R, warnings: readonly TargetWarning[]): R {
  for (const w of warnings) res.headers.append(TARGET_WARNING_HEADER, headerSafe(`${w.field}: ${w.message}`));
  return res;
}
