/**
 * A local SMTP server on 127.0.0.1 (smtp-server) that records every message it accepts, its
 * envelope and the logins tried. It refuses recipients whose address starts with "reject" (550)
 * and defers those starting with "defer" (451).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; raw: string };

export type LocalSmtp = {
  port: number;
  mails: ReceivedMail[];
  logins: { user: string; password: string }[];
  connections: () => number;
  close: () => Promise<void>;
};

export async function startSmtp(options: Partial<SMTPServerOptions> = {}): Promise<LocalSmtp> {
  const mails: ReceivedMail[] = [];
  const logins: LocalSmtp["logins"] = [];
  let connections = 0;
  const server = new SMTPServer({
    secure: false,
    // No STARTTLS unless a test offers it: TLS mode "none" talks plain text to this server.
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? "", password: auth.password ?? "" });
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("defer")) {
        const error = new Error("4.2.1 Mailbox busy, try again later") as Error & { responseCode: number };
        error.responseCode = 451;
        return callback(error);
      }
      if (address.address.startsWith("reject")) {
        const error = new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`) as Error & {
          responseCode: number;
        };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
    ...options,
  });
  // A client that gives up mid-handshake is an error of the server's connection, not of the test.
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    logins,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The headers (unfolded) and the decoded text of each part of a raw MIME message. */
export function mimeParts(raw: string): { headers: string; parts: { type: string; body: string }[] } {
  const [head] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, " ");
  const boundary = headers.match(/boundary="?([^";\r\n]+)"?/)?.[1];
  if (!boundary) return { headers, parts: [] };
  const parts = raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const [partHead, ...rest] = chunk.replace(/^\r?\n/, "").split(/\r?\n\r?\n/);
      const unfolded = partHead.replace(/\r?\n[ \t]+/g, " ");
      const type = unfolded.match(/Content-Type: ([^;\r\n]+)/i)?.[1] ?? "";
      const encoding = unfolded.match(/Content-Transfer-Encoding: (\S+)/i)?.[1]?.toLowerCase();
      const body = rest.join("\n\n");
      const decoded =
        encoding === "base64"
          ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")
          : encoding === "quoted-printable"
            ? Buffer.from(
                body
                  .replace(/=\r?\n/g, "")
                  .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
                "latin1",
              ).toString("utf8")
            : body;
      return { type, body: decoded.replace(/\r\n/g, "\n") };
    });
  return { headers, parts };
}
