/**
 * Who is emailed an operator alert: the project's admins (members with the project admin role, and
 * the users of member groups with it) and the webhook's creator; for an instance-wide webhook, the
 * system admins and its creator. Disabled users and users without a usable address are left out,
 * and each address is emailed once.
 */
import { getDb } from "@/lib/db/client";
import type { ProjectRole } from "@/lib/shared/roles";

const PROJECT_ADMIN: ProjectRole = "projectAdmin";

/** One address, as nodemailer takes it: no spaces, separators or angle brackets that would make it several. */
const MAILBOX = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

export async function alertRecipients(policy: { projectId: number | null; creator: string }): Promise<string[]> {
  const db = await getDb();
  const { projectId } = policy;
  const admins =
    projectId === null
      ? [{ sysadmin: true }]
      : [
          { memberships: { some: { projectId, role: PROJECT_ADMIN } } },
          { groups: { some: { group: { memberships: { some: { projectId, role: PROJECT_ADMIN } } } } } },
        ];
  const users = await db.user.findMany({
    where: {
      disabledAt: null,
      OR: [...admins, ...(policy.creator ? [{ username: policy.creator }] : [])],
    },
    select: { email: true },
    orderBy: { id: "asc" },
  });
  const seen = new Set<string>();
  const addresses: string[] = [];
  for (const { email } of users) {
    const address = email?.trim() ?? "";
    if (!MAILBOX.test(address) || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    addresses.push(address);
  }
  return addresses;
}
