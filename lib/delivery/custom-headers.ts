/**
 * A target's custom request headers, stored as one encrypted JSON object (they often carry API
 * keys). Reads show the names with masked values; sending the mask back keeps a stored value.
 */
import { AppError } from "@/lib/errors";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secret-box";
import { SECRET_MASK } from "@/lib/shared/policy-input";
import { HEADER_VALUE_CODE } from "@/lib/shared/payload-template";

export type HeaderMap = Record<string, string>;

export function decryptCustomHeaders(stored: string | null | undefined): HeaderMap {
  if (!stored) return {};
  const parsed: unknown = JSON.parse(decryptSecret(stored));
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
}

export function encryptCustomHeaders(headers: HeaderMap): string | null {
  return Object.keys(headers).length > 0 ? encryptSecret(JSON.stringify(headers)) : null;
}

/** The names, each value masked: what every read shows. */
export function maskedCustomHeaders(stored: string | null | undefined): HeaderMap {
  return Object.fromEntries(Object.keys(decryptCustomHeaders(stored)).map((name) => [name, SECRET_MASK]));
}

/**
 * The headers to store for an input. `given` undefined keeps the stored ones (Harbor clients send
 * only Harbor's fields); a masked value keeps the stored value of that name. Stored values are
 * kept only where they may be sent (`keepStored`: the same http target, on the same origin, as the
 * auth header): otherwise masked values are dropped with them.
 */
export function keptCustomHeaders(
  given: HeaderMap | null | undefined,
  stored: string | null | undefined,
  keepStored: boolean,
  field: string,
): string | null {
  const before = keepStored ? decryptCustomHeaders(stored) : {};
  if (given === undefined) return encryptCustomHeaders(before);
  const next: HeaderMap = {};
  for (const [name, value] of Object.entries(given ?? {})) {
    if (value !== SECRET_MASK) {
      next[name] = value;
      continue;
    }
    if (!keepStored) continue;
    const storedName = Object.keys(before).find((n) => n.toLowerCase() === name.toLowerCase());
    if (storedName === undefined)
      throw new AppError(
        HEADER_VALUE_CODE,
        `${field}: ${name} is masked but no value is stored for it; send the value`,
        field,
      );
    next[name] = before[storedName];
  }
  return encryptCustomHeaders(next);
}
