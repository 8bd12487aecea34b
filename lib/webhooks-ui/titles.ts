/**
 * Page titles that name the page ("deploy-hook · Webhooks · team-a"; the root layout appends the
 * product name). A webhook's name is shown only to someone who may see its project, as on the page.
 */
import { visibleProjectsWhere } from "@/lib/auth/access";
import { currentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { parseRowId } from "@/lib/ids";

export const titled = (...parts: string[]): { title: string } => ({ title: parts.join(" · ") });

/** The webhook's name, or "Webhook <id>" when it does not exist or the viewer may not see it. */
export async function webhookTitle(projectName: string, idText: string): Promise<string> {
  const fallback = `Webhook ${idText}`;
  const id = parseRowId(idText);
  const user = await currentUser();
  if (id === undefined || !user) return fallback;
  const policy = await (
    await getDb()
  ).webhookPolicy.findFirst({
    where: { id, project: { name: projectName, ...visibleProjectsWhere(user) } },
    select: { name: true },
  });
  return policy?.name ?? fallback;
}

/** An instance-wide webhook's name for a system admin, or "Webhook <id>" for anyone else or no such webhook. */
export async function instanceWebhookTitle(idText: string): Promise<string> {
  const fallback = `Webhook ${idText}`;
  const id = parseRowId(idText);
  const user = await currentUser();
  if (id === undefined || !user?.sysadmin) return fallback;
  const policy = await (
    await getDb()
  ).webhookPolicy.findFirst({ where: { id, projectId: null, kind: "policy" }, select: { name: true } });
  return policy?.name ?? fallback;
}
