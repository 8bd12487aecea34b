// The task log as a text file. Same access rule as the log page (webhook.read in the project).
import { AppError } from "@/lib/errors";
import { requireProject } from "@/lib/auth/access";
import { currentUser } from "@/lib/auth/session";
import { taskLogText } from "@/lib/history/queries";
import { findPolicy } from "@/lib/policies/service";
import { parseRowId } from "@/lib/ids";

type Params = { project: string; id: string; eid: string; tid: string };

function text(status: number, body: string) {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

export async function GET(_req: Request, ctx: { params: Promise<Params> }) {
  const { project, id, eid, tid } = await ctx.params;
  const user = await currentUser();
  if (!user) return text(401, "sign in to download logs\n");
  try {
    const { project: ref } = await requireProject(user, decodeURIComponent(project), "webhook.read");
    const policyId = parseRowId(id);
    const policy = policyId ? await findPolicy(ref.id, policyId) : null;
    const executionId = parseRowId(eid);
    const taskId = parseRowId(tid);
    const log = policy && executionId && taskId ? await taskLogText(policy.id, taskId, executionId) : null;
    if (log === null) return text(404, "task not found\n");
    return new Response(log, {
      status: 200,
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": `attachment; filename="webhook-${policy!.id}-execution-${executionId}-task-${taskId}.log"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (err) {
    if (err instanceof AppError) return text(err.status, `${err.message}\n`);
    throw err;
  }
}
