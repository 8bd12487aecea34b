// `npm run admin:reset-password [-- --user NAME]`: the way back in when the admin password is lost.
// Sets a new generated password for `admin` (or NAME), prints it once, enables the account if it
// was disabled, and makes the user choose a new password at the next sign-in. It uses the same
// configuration as `npm start` (DATABASE_URL or DATA_DIR), on a database `npm start` (or
// `npm run db:migrate`) has migrated; it runs no migrations itself, so a running server's SQLite
// file is only written once, by one short transaction.
import crypto from "node:crypto";
import { disconnectDb } from "../lib/db/client";
import { recoverPassword } from "../lib/users/service";

function parseArgs(argv: string[]): { user: string } | { error: string } {
  let user = "admin";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--user" && argv[i + 1]) user = argv[++i];
    else if (arg.startsWith("--user=")) user = arg.slice("--user=".length);
    else if (arg === "--help" || arg === "-h") return { error: "" };
    else return { error: `unknown argument: ${arg}` };
  }
  return user.trim() ? { user: user.trim() } : { error: "--user needs a user name" };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if ("error" in args) {
    if (args.error) console.error(args.error);
    console.error("usage: npm run admin:reset-password [-- --user NAME]   (default user: admin)");
    return args.error ? 2 : 0;
  }
  const password = crypto.randomBytes(12).toString("base64url");
  let user: Awaited<ReturnType<typeof recoverPassword>>;
  try {
    user = await recoverPassword(args.user, password);
  } catch (err) {
    console.error(
      `Could not reset the password: ${err instanceof Error ? err.message.split("\n")[0] : err}\n` +
        "Is this the server's configuration (DATA_DIR or DATABASE_URL)? A new or older database needs `npm run db:migrate` first.",
    );
    return 1;
  } finally {
    await disconnectDb();
  }
  if (!user) {
    console.error(`There is no user named "${args.user}". Give another one with --user NAME.`);
    return 1;
  }
  process.stdout.write(
    `\n  New password for ${args.user}: ${password}\n` +
      `  (shown once; sign in with it and choose a new one at once)\n\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
