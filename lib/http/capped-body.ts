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
