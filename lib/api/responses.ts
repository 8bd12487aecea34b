import { NextResponse, type NextRequest } from "next/server";

/** 201 with `Location`: the request path plus the new id; the body is empty unless given. */
export function created(req: NextRequest, id: number | string, body?: unknown): NextResponse {
  const location = `${req.nextUrl.pathname.replace(/\/+$/, "")}/${id}`;
  const res = body === undefined ? new NextResponse(null, { status: 201 }) : NextResponse.json(body, { status: 201 });
  res.headers.set("Location", location);
  return res;
}

/** Harbor answers PUT and DELETE with 200 and no body. */
export function okEmpty(): NextResponse {
  return new NextResponse(null, { status: 200 });
}

/** 204, as the /v1 API answers a DELETE. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}
