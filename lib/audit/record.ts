import type { Actor } from "@/lib/auth/actor";
import { actorName } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";

/** Records who changed what; call inside the transaction that makes the change. */
export async function recordAudit(
  tx: Tx,
  actor: Actor | string,
  action: string,
  object: { type: string; id: string | number; projectId?: number | null; detail?: string },
) {
  await tx.auditLog.create({
    data: {
      actor: typeof actor === "string" ? actor : actorName(actor),
      action,
      projectId: object.projectId ?? null,
      objectType: object.type,
      objectId: String(object.id),
      detail: object.detail ?? "",
    },
  });
}
