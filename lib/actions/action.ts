import { z } from "zod";
import { notFound } from "@/lib/errors";
import { runAction, type ActionResult } from "@/lib/actions/result";
import { parseInput } from "@/lib/api/input";
import type { Actor } from "@/lib/auth/actor";
import {
  instanceWebhookAccess,
  requireProject,
  requireSystem,
  type InstanceAccess,
  type ProjectAccess,
  type SystemAccess,
} from "@/lib/auth/access";
import type { ProjectPermission, SystemPermission } from "@/lib/auth/permissions";
import { requireUserAction } from "@/lib/auth/session";
import { rowIdSchema } from "@/lib/ids";

type UserActor = Extract<Actor, { kind: "user" }>;

/**
 * A row id among a server action's arguments (the browser may send anything). One that cannot
 * name a row becomes 0, which names none: the action answers not_found, as the API answers 404.
 */
export const actionRowId = rowIdSchema.catch(0);

/**
 * A payload object with the action's id arguments beside its fields, so one schema judges both
 * and errors keep the payload's own field names ("targets.0.address", not "input.targets…").
 */
export function withIds(payload: unknown, ids: Record<string, unknown>): Record<string, unknown> {
  const fields = payload && typeof payload === "object" && !Array.isArray(payload) ? payload : {};
  return { ...fields, ...ids };
}

/**
 * How an action reads its arguments: `args` gathers them (after the project, for project actions)
 * into one value, `input` validates it with the shared schema. `success` is the message shown.
 */
type ActionDeclaration<S extends z.ZodType, A extends unknown[]> = {
  input: S;
  args: (...args: A) => unknown;
  success?: string | ((input: z.output<S>) => string | undefined);
};

function successMessage<S extends z.ZodType>(decl: ActionDeclaration<S, never>, input: z.output<S> | undefined) {
  return typeof decl.success === "function" ? (input === undefined ? undefined : decl.success(input)) : decl.success;
}

/**
 * A server action of a project page, called as `(project, ...args)`. In this order: the session,
 * the declared permission in that project (before anything about the input is said), the input
 * schema, then the body with the access value. AppErrors become a result naming the field;
 * anything unexpected is logged and shown as a generic message (runAction).
 */
export function projectAction<P extends ProjectPermission, S extends z.ZodType, A extends unknown[], O>(
  decl: ActionDeclaration<S, A> & { permission: P },
  body: (ctx: { access: ProjectAccess<P, UserActor>; input: z.output<S> }) => Promise<O>,
): (project: string, ...args: A) => Promise<ActionResult<O>> {
  return async (project, ...args) => {
    let input: z.output<S> | undefined;
    const result = await runAction(async () => {
      const user = await requireUserAction();
      if (typeof project !== "string") throw notFound("project");
      const access = await requireProject(user, project, decl.permission);
      input = parseInput(decl.input, decl.args(...args));
      return body({ access, input: input as z.output<S> });
    });
    return result.ok ? { ...result, message: successMessage(decl as never, input) } : result;
  };
}

/**
 * A server action of the webhook pages, called as `(scope, ...args)`: a project's name (the
 * permission is checked in that project, as projectAction does), or null for the instance-wide
 * webhooks (system admins only).
 */
export function webhookAction<P extends ProjectPermission, S extends z.ZodType, A extends unknown[], O>(
  decl: ActionDeclaration<S, A> & { permission: P },
  body: (ctx: { access: ProjectAccess<P, UserActor> | InstanceAccess<P>; input: z.output<S> }) => Promise<O>,
): (scope: string | null, ...args: A) => Promise<ActionResult<O>> {
  return async (scope, ...args) => {
    let input: z.output<S> | undefined;
    const result = await runAction(async () => {
      const user = await requireUserAction();
      let access: ProjectAccess<P, UserActor> | InstanceAccess<P>;
      if (scope === null) access = instanceWebhookAccess(requireSystem(user, "webhooks.instance"), decl.permission);
      else if (typeof scope === "string") access = await requireProject(user, scope, decl.permission);
      else throw notFound("project");
      input = parseInput(decl.input, decl.args(...args));
      return body({ access, input: input as z.output<S> });
    });
    return result.ok ? { ...result, message: successMessage(decl as never, input) } : result;
  };
}

/** A server action of the system administration pages: the session, a system admin, the input. */
export function systemAction<S extends z.ZodType, A extends unknown[], O>(
  decl: ActionDeclaration<S, A> & { system: SystemPermission },
  body: (ctx: { system: SystemAccess; input: z.output<S> }) => Promise<O>,
): (...args: A) => Promise<ActionResult<O>> {
  return async (...args) => {
    let input: z.output<S> | undefined;
    const result = await runAction(async () => {
      const system = requireSystem(await requireUserAction(), decl.system);
      input = parseInput(decl.input, decl.args(...args));
      return body({ system, input: input as z.output<S> });
    });
    return result.ok ? { ...result, message: successMessage(decl as never, input) } : result;
  };
}
