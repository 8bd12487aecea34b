import type http from "node:http";
import { AppError } from "@/lib/errors";

/**
 * A request body read whole, refused (413 `payload_too_large`) as soon as Content-Length announces
 * more than `maxBytes` or the stream grows past it, whatever the header said: nothing larger is
 * ever held in memory. Used by the API's body parser and by the sign-in guard.
 */
export async function readCappedBody(req: Request, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) throw payloadTooLarge(maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** readCappedBody for Node's request stream (the web server's own handlers, lib/api/call.ts). */
export function readCappedNodeBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) {
    req.resume(); // the body is not read; the connection stays usable for the answer
    return Promise.reject(payloadTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        refused = true;
        reject(payloadTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => refused || resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", (err) => refused || reject(err));
  });
}

export function payloadTooLarge(maxBytes: number) {
  return new AppError(
    "payload_too_large",
    `request body exceeds the limit of ${maxBytes} bytes (${formatBytes(maxBytes)})`,
    "body",
  );
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}
