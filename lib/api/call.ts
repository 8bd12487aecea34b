import type http from "node:http";
import { NextResponse, type NextRequest } from "next/server";
import { readCappedBody, readCappedNodeBody } from "@/lib/http/capped-body";

/**
 * A request as the framework-neutral handlers see it (lib/events/ingest-http.ts), so one
 * implementation serves both Next.js's route handlers and the web server's own lean path.
 */
export type ApiCall = {
  headers: { get(name: string): string | null };
  searchParams: URLSearchParams;
  /** The body, whole, refused with a 413 past `maxBytes`. */
  readBody(maxBytes: number): Promise<Buffer>;
};

/** A JSON answer: status, body (serialised as JSON) and headers. */
export type JsonAnswer = { status: number; body: unknown; headers: Record<string, string> };

export function callFromNext(req: NextRequest): ApiCall {
  return { headers: req.headers, searchParams: req.nextUrl.searchParams, readBody: (max) => readCappedBody(req, max) };
}

export function responseFrom(answer: JsonAnswer): NextResponse {
  return NextResponse.json(answer.body, { status: answer.status, headers: answer.headers });
}

/** Node's request as an ApiCall (header names are lower case in Node, as `get` is given them). */
export function callFromNode(req: http.IncomingMessage, url: URL): ApiCall {
  return {
    headers: {
      get(name) {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
    searchParams: url.searchParams,
    readBody: (max) => readCappedNodeBody(req, max),
  };
}

/** Writes a JSON answer with Node's response, with `extraHeaders` (those every answer of the app carries). */
export function sendJson(res: http.ServerResponse, answer: JsonAnswer, extraHeaders: Record<string, string> = {}) {
  const json = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...extraHeaders,
    ...answer.headers,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(json),
  });
  res.end(json);
}
