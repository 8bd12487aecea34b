import type { ReactNode } from "react";

/** Renders JSON Schema (as found in the OpenAPI document) as nested field lists, server-side only. */

export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
};

export type Resolve = (ref: string) => { name: string; schema: Schema } | undefined;

/** `code` spans in the document's descriptions. */
export function Prose({ text }: { text?: string }) {
  if (!text) return null;
  return (
    <>
      {text.split(/(`[^`]+`)/).map((part, i) =>
        part.startsWith("`") && part.endsWith("`") && part.length > 1 ? (
          <code key={i} className="rounded bg-slate-100 px-1 py-0.5 text-[0.85em] text-slate-800">
            {part.slice(1, -1)}
          </code>
        ) : (
          <span key={i}>{part}</span>
        ),
      )}
    </>
  );
}

function deref(schema: Schema, resolve: Resolve): { name?: string; schema: Schema } {
  if (!schema.$ref) return { schema };
  const found = resolve(schema.$ref);
  return found ? { name: found.name, schema: found.schema } : { name: schema.$ref, schema: {} };
}

/** A short type label: `string`, `array of Destination`, `integer | null`, `"PUSH_ARTIFACT"`. */
export function typeLabel(schema: Schema, resolve: Resolve): string {
  if (schema.$ref) return deref(schema, resolve).name ?? "object";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s) => typeLabel(s, resolve)).join(" | ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  if (type === "array") return `array of ${schema.items ? typeLabel(schema.items, resolve) : "any"}`;
  if (type === "object" && !schema.properties && schema.additionalProperties !== false) return "object (any keys)";
  return type ?? "any";
}

function constraints(schema: Schema): string[] {
  const out: string[] = [];
  if (schema.enum) out.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  if (schema.format) out.push(`format ${schema.format}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined)
    out.push(`length ${schema.minLength ?? 0}–${schema.maxLength ?? "∞"}`);
  if (schema.minimum !== undefined || schema.maximum !== undefined)
    out.push(`${schema.minimum ?? "−∞"} ≤ value ≤ ${schema.maximum ?? "∞"}`);
  if (schema.minItems !== undefined || schema.maxItems !== undefined)
    out.push(`${schema.minItems ?? 0}–${schema.maxItems ?? "∞"} items`);
  if (schema.pattern && !schema.format) out.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.additionalProperties === false) out.push("no other fields");
  return out;
}

/** What to expand below a field: the object, array item or union variants it contains. */
function nested(schema: Schema, resolve: Resolve): Schema | undefined {
  const { schema: s } = deref(schema, resolve);
  if (s.properties) return s;
  if (s.items) {
    const item = deref(s.items, resolve).schema;
    if (item.properties || item.oneOf || item.anyOf) return item;
  }
  const union = s.oneOf ?? s.anyOf;
  if (union && union.some((u) => deref(u, resolve).schema.properties)) return s;
  return undefined;
}

const MAX_DEPTH = 8;

export function SchemaView({
  schema,
  resolve,
  depth = 0,
}: {
  schema: Schema;
  resolve: Resolve;
  depth?: number;
}): ReactNode {
  const { schema: s } = deref(schema, resolve);
  if (depth > MAX_DEPTH) return <p className="text-xs text-slate-500">…</p>;
  const union = s.oneOf ?? s.anyOf;
  if (!s.properties && union) {
    return (
      <div className="space-y-1">
        <p className="text-xs text-slate-600">{s.oneOf ? "One of:" : "Any of:"}</p>
        {union.map((variant, i) => {
          const v = deref(variant, resolve);
          const label = v.name ?? variantLabel(v.schema) ?? `variant ${i + 1}`;
          const inner = nested(variant, resolve);
          return inner ? (
            <details key={i} className="rounded border border-slate-200 bg-white px-2 py-1" open={union.length <= 2}>
              <summary className="cursor-pointer text-sm font-medium text-slate-800">{label}</summary>
              <div className="mt-1">
                <SchemaView schema={inner} resolve={resolve} depth={depth + 1} />
              </div>
            </details>
          ) : (
            <p key={i} className="text-sm">
              <code className="text-slate-800">{typeLabel(variant, resolve)}</code>
            </p>
          );
        })}
      </div>
    );
  }
  if (!s.properties) {
    if (s.items) return <SchemaView schema={s.items} resolve={resolve} depth={depth + 1} />;
    return (
      <p className="text-sm">
        <code className="text-slate-800">{typeLabel(s, resolve)}</code>
        {s.description && (
          <span className="text-slate-600">
            {" "}
            — <Prose text={s.description} />
          </span>
        )}
      </p>
    );
  }
  const required = new Set(s.required ?? []);
  return (
    <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white">
      {Object.entries(s.properties).map(([name, prop]) => {
        const resolved = deref(prop, resolve).schema;
        const inner = nested(prop, resolve);
        const notes = constraints(resolved);
        const description = prop.description ?? resolved.description;
        return (
          <li key={name} className="px-3 py-1.5 text-sm">
            <div className="flex flex-wrap items-baseline gap-x-2">
              <code className="font-semibold text-slate-900">{name}</code>
              <span className="text-xs text-sky-800">{typeLabel(prop, resolve)}</span>
              {required.has(name) ? (
                <span className="text-xs font-medium text-red-700">required</span>
              ) : (
                <span className="text-xs text-slate-500">optional</span>
              )}
            </div>
            {description && (
              <p className="text-xs text-slate-600">
                <Prose text={description} />
              </p>
            )}
            {notes.length > 0 && <p className="text-xs text-slate-500">{notes.join(" · ")}</p>}
            {inner && (
              <details className="mt-1" open={depth < 1}>
                <summary className="cursor-pointer text-xs text-slate-600">fields of {name}</summary>
                <div className="mt-1 pl-3">
                  <SchemaView schema={inner} resolve={resolve} depth={depth + 1} />
                </div>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** `type = "PUSH_ARTIFACT"` for a variant of a discriminated union. */
function variantLabel(schema: Schema): string | undefined {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.const !== undefined) return `${name} = ${JSON.stringify(prop.const)}`;
  }
  return undefined;
}
