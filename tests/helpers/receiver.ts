/**
 * Local receivers on 127.0.0.1 only. They record every request (and when it arrived) and count
 * connections, so tests can prove what was sent, and that a refused delivery opened none.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const LOOPBACK_ALLOWED = ["127.0.0.0/8"];

export type RecordedRequest = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Date.now() when the whole body had arrived */
  at: number;
};

export type LocalServer = {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted (a refused delivery must leave this at 0). */
  connections: () => number;
  close: () => Promise<void>;
};

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export async function startServer(
  handler: Handler,
  options: { tls?: { key: string; cert: string } } = {},
): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  let connections = 0;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, at: Date.now() });
      res.on("error", () => undefined); // the client may hang up on purpose (huge bodies, resets)
      handler(req, res, body);
    });
  };
  const server = options.tls ? https.createServer(options.tls, onRequest) : http.createServer(onRequest);
  server.on(options.tls ? "secureConnection" : "connection", () => connections++);
  server.on("clientError", () => undefined);
  // Workers keep connections open between deliveries; closing idle ones under them would turn
  // into resets and retries no test asked for.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}/hook`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type CountingReceiver = {
  url: string;
  /** webhook-id → times received */
  seen: Map<string, number>;
  /** webhook-ids whose repeated delivery carried a different body */
  changedBodies: Set<string>;
  total: () => number;
  close: () => Promise<void>;
};

/** A receiver that answers 200 at once and counts deliveries by webhook-id. */
export async function startCountingReceiver(): Promise<CountingReceiver> {
  const seen = new Map<string, number>();
  const bodies = new Map<string, string>();
  const changedBodies = new Set<string>();
  const server = await startServer((req, res, body) => {
    const id = String(req.headers["webhook-id"] ?? "");
    const digest = crypto.createHash("sha1").update(body).digest("hex");
    if (bodies.has(id) && bodies.get(id) !== digest) changedBodies.add(id);
    bodies.set(id, digest);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    res.end("ok");
  });
  return { url: server.url, seen, changedBodies, total: () => server.requests.length, close: server.close };
}

/** A throwaway self-signed certificate for CN=localhost, made with the openssl CLI. */
export function makeSelfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "harbor-notifier-tls-"));
  try {
    const keyPath = path.join(dir, "key.pem");
    const certPath = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-days",
        "1",
        "-keyout",
        keyPath,
        "-out",
        certPath,
      ],
      { stdio: "ignore", timeout: 20_000 },
    );
    return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
