import { getSettings } from "@/lib/settings/settings";
import type { PolicyWithTargets } from "@/lib/policies/service";
import { systemRetryDefaults, toDestination } from "@/lib/destinations/view";

/** Destination objects with the retry policy in effect (system defaults + overrides). */
export async function destinationViews(policies: PolicyWithTargets[]) {
  const defaults = systemRetryDefaults(await getSettings());
  return policies.map((p) => toDestination(p, defaults));
}
