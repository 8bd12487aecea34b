import { apiRoute, type RequestContext, type RouteHandler } from "@/lib/api/route";
import type { Actor } from "@/lib/auth/actor";
import { instanceWebhookAccess, type InstanceAccess } from "@/lib/auth/access";

/**
 * A route of the instance-wide webhook API (/api/v2.0/system/webhook/…): system admins only; the
 * handler gets the access the webhook services take, with no project (lib/harbor-api/webhook-handlers.ts).
 */
export function instanceWebhookRoute<P extends "webhook.read" | "webhook.manage">(
  permission: P,
  handler: (ctx: RequestContext & { actor: Actor; access: InstanceAccess<P> }) => Promise<Response>,
): RouteHandler {
  return apiRoute({ flavor: "harbor", system: "webhooks.instance" }, (ctx) =>
    handler({ ...ctx, access: instanceWebhookAccess(ctx.system, permission) }),
  );
}
