import crypto from "node:crypto";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/config/env";
import { instanceSecrets } from "@/lib/crypto/instance-secrets";
import { hashPassword } from "@/lib/auth/password";
import { getSettings } from "@/lib/settings/settings";
import { logger } from "@/lib/log/logger";

/**
 * First-start set-up on a migrated database: instance secrets, the settings row, and the system
 * admin `admin` when there are no users (password from ADMIN_PASSWORD, or generated and printed once).
 */
export async function bootstrap(): Promise<void> {
  instanceSecrets();
  const db = await getDb();
  await getSettings();
  if ((await db.user.count()) > 0) return;
  const given = env().ADMIN_PASSWORD;
  const password = given ?? crypto.randomBytes(12).toString("base64url");
  // A generated password was printed to a console: its owner must replace it at the first sign-in.
  await db.user.create({
    data: { username: "admin", passwordHash: await hashPassword(password), sysadmin: true, mustChangePassword: !given },
  });
  if (given) logger.info("created the system admin 'admin' with the password from ADMIN_PASSWORD");
  else {
    // Printed once, to the console only (not the structured log), so it is not kept in log stores.
    process.stdout.write(
      `\n  Created the system admin.\n  user: admin\n  password: ${password}\n  (shown once; you will choose a new one at the first sign-in)\n\n`,
    );
  }
}
