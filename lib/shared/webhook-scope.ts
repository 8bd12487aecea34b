/**
 * Which webhooks a page, component or server action works on: a project's (its name), or the
 * instance-wide ones a system admin keeps for every project (null).
 */
export type WebhookScope = string | null;

/** The pages of a scope's webhooks: /projects/{name}/webhooks, or /admin/webhooks. */
export function webhooksBase(scope: WebhookScope): string {
  return scope === null ? "/admin/webhooks" : `/projects/${encodeURIComponent(scope)}/webhooks`;
}
