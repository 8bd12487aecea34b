import type { Metadata } from "next";
import { Badge, Card, PageHeader } from "@/components/ui";
import { openApiDocument, type Operation, type Parameter } from "@/lib/openapi/document";
import { Prose, SchemaView, typeLabel, type Resolve, type Schema } from "@/components/docs/schema-view";

export const metadata: Metadata = { title: "API reference · Harbor Notifier" };

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const METHOD_TONES = { get: "blue", post: "green", put: "amber", patch: "amber", delete: "red" } as const;

type Entry = { path: string; method: (typeof METHODS)[number]; op: Operation };

/** Anchor ids: stable and readable, e.g. `post-v1-destinations`. */
const anchor = (e: Entry) => `${e.method}-${e.path.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;

/**
 * The OpenAPI document, rendered on the server: every path and method with its parameters,
 * request body and responses. No client script, nothing from outside this server.
 */
export default function ApiDocsPage() {
  const doc = openApiDocument();
  const resolve: Resolve = (ref) => {
    const name = ref.replace(/^#\/components\/schemas\//, "");
    const schema = doc.components.schemas[name] as Schema | undefined;
    return schema ? { name, schema } : undefined;
  };
  const resolveParam = (p: Parameter | { $ref: string }): Parameter =>
    "$ref" in p ? doc.components.parameters[p.$ref.replace(/^#\/components\/parameters\//, "")] : p;

  const entries: Entry[] = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })),
  );
  const byTag = doc.tags.map((tag) => ({ tag, entries: entries.filter((e) => e.op.tags.includes(tag.name)) }));

  return (
    <>
      <PageHeader
        title="API reference"
        subtitle={
          <>
            OpenAPI {doc.openapi} · {String(doc.info.title)} {String(doc.info.version)} · machine-readable at{" "}
            <a className="text-sky-800 underline" href="/api/openapi.json">
              /api/openapi.json
            </a>
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[240px_minmax(0,1fr)]">
        <nav
          aria-label="API operations"
          className="space-y-4 text-sm lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-y-auto"
        >
          {byTag.map(({ tag, entries: list }) => (
            <div key={tag.name}>
              <p className="mb-1 font-semibold text-slate-800">
                <a href={`#tag-${tag.name.replace(/\W+/g, "-")}`}>{tag.name}</a>
              </p>
              <ul className="space-y-0.5">
                {list.map((e) => (
                  <li key={anchor(e)}>
                    <a className="text-slate-700 hover:text-sky-800 hover:underline" href={`#${anchor(e)}`}>
                      <span className="inline-block w-12 font-mono text-xs uppercase text-slate-500">{e.method}</span>
                      {e.op.summary}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>

        <div className="min-w-0 space-y-8">
          <Card title="Overview">
            <p className="text-sm text-slate-700">
              <Prose text={String(doc.info.description)} />
            </p>
            <h3 className="mt-3 text-sm font-semibold text-slate-800">Authentication</h3>
            <ul className="mt-1 list-disc pl-5 text-sm text-slate-700">
              {Object.entries(doc.components.securitySchemes).map(([name, scheme]) => (
                <li key={name}>
                  <code>{name}</code>: <Prose text={(scheme as { description?: string }).description} />
                </li>
              ))}
            </ul>
          </Card>

          {byTag.map(({ tag, entries: list }) => (
            <section key={tag.name} aria-labelledby={`tag-${tag.name.replace(/\W+/g, "-")}`} className="space-y-4">
              <div>
                <h2 id={`tag-${tag.name.replace(/\W+/g, "-")}`} className="text-xl font-semibold text-slate-900">
                  {tag.name}
                </h2>
                <p className="text-sm text-slate-600">
                  <Prose text={tag.description} />
                </p>
              </div>
              {list.map((e) => (
                <OperationCard key={anchor(e)} id={anchor(e)} entry={e} resolve={resolve} resolveParam={resolveParam} />
              ))}
            </section>
          ))}
        </div>
      </div>
    </>
  );
}

function OperationCard({
  id,
  entry,
  resolve,
  resolveParam,
}: {
  id: string;
  entry: Entry;
  resolve: Resolve;
  resolveParam: (p: Parameter | { $ref: string }) => Parameter;
}) {
  const { op, method, path } = entry;
  const params = (op.parameters ?? []).map(resolveParam);
  return (
    <article
      id={id}
      aria-labelledby={`${id}-title`}
      className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h3 id={`${id}-title`} className="flex flex-wrap items-center gap-2">
        <Badge tone={METHOD_TONES[method]}>{method.toUpperCase()}</Badge>
        <code className="break-all text-sm font-semibold text-slate-900">{path}</code>
        <span className="text-sm text-slate-600">— {op.summary}</span>
      </h3>
      {op.description && (
        <p className="mt-2 text-sm text-slate-700">
          <Prose text={op.description} />
        </p>
      )}
      {op.security && (
        <p className="mt-2 text-xs text-slate-600">
          Authentication: {op.security.map((s) => Object.keys(s).join(" + ")).join(" or ")}
        </p>
      )}

      {params.length > 0 && (
        <>
          <h4 className="mt-3 text-sm font-semibold text-slate-800">Parameters</h4>
          <div className="mt-1 overflow-x-auto">
            <table className="min-w-full text-sm">
              <thead>
                <tr className="text-left text-xs text-slate-500">
                  <th className="py-1 pr-3">Name</th>
                  <th className="py-1 pr-3">In</th>
                  <th className="py-1 pr-3">Type</th>
                  <th className="py-1">Description</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {params.map((p) => (
                  <tr key={`${p.in}-${p.name}`}>
                    <td className="py-1 pr-3 align-top">
                      <code className="font-semibold">{p.name}</code>
                      {p.required && <span className="ml-1 text-xs text-red-700">required</span>}
                    </td>
                    <td className="py-1 pr-3 align-top text-slate-600">{p.in}</td>
                    <td className="py-1 pr-3 align-top text-sky-800">{typeLabel(p.schema as Schema, resolve)}</td>
                    <td className="py-1 align-top text-slate-700">
                      <Prose text={p.description} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {op.requestBody && (
        <>
          <h4 className="mt-3 text-sm font-semibold text-slate-800">Request body</h4>
          <p className="text-xs text-slate-600">{Object.keys(op.requestBody.content).join(", ")}</p>
          <div className="mt-1">
            <SchemaView schema={Object.values(op.requestBody.content)[0].schema as Schema} resolve={resolve} />
          </div>
        </>
      )}

      <Examples op={op} />

      <h4 className="mt-3 text-sm font-semibold text-slate-800">Responses</h4>
      <dl className="mt-1 space-y-2">
        {Object.entries(op.responses).map(([status, res]) => {
          const content = res.content ? Object.entries(res.content)[0] : undefined;
          return (
            <div key={status}>
              <dt className="text-sm">
                <Badge tone={status.startsWith("2") ? "green" : "red"}>{status}</Badge>{" "}
                <span className="text-slate-700">
                  <Prose text={res.description} />
                </span>
                {content && (
                  <span className="ml-2 text-xs text-slate-500">
                    {content[0]} · {typeLabel(content[1].schema as Schema, resolve)}
                  </span>
                )}
                {res.headers && (
                  <span className="ml-2 text-xs text-slate-500">headers: {Object.keys(res.headers).join(", ")}</span>
                )}
              </dt>
              {content && status.startsWith("2") && (
                <dd className="mt-1">
                  <details open>
                    <summary className="cursor-pointer text-xs text-slate-600">schema</summary>
                    <div className="mt-1">
                      <SchemaView schema={content[1].schema as Schema} resolve={resolve} />
                    </div>
                  </details>
                </dd>
              )}
            </div>
          );
        })}
      </dl>
    </article>
  );
}

const preClass = "mt-1 max-h-80 overflow-auto rounded-md bg-code p-3 font-mono text-xs text-code-ink";

/** The operation's curl command and JSON examples, ready to copy (fill in $HARBOR_URL and $API_KEY). */
function Examples({ op }: { op: Operation }) {
  const curl = op["x-codeSamples"]?.[0]?.source;
  const requestExample = op.requestBody ? Object.values(op.requestBody.content)[0]?.example : undefined;
  const success = Object.entries(op.responses).find(([status, r]) => status.startsWith("2") && r.content);
  const answer = success ? Object.entries(success[1].content!)[0] : undefined;
  return (
    <>
      <h4 className="mt-3 text-sm font-semibold text-slate-800">Example</h4>
      {curl && (
        <pre className={preClass} data-testid="curl-example">
          <code>{curl}</code>
        </pre>
      )}
      {requestExample !== undefined && (
        <>
          <p className="mt-2 text-xs text-slate-600">Request body</p>
          <pre className={preClass}>
            <code>{JSON.stringify(requestExample, null, 2)}</code>
          </pre>
        </>
      )}
      {success && answer && answer[1].example !== undefined && (
        <>
          <p className="mt-2 text-xs text-slate-600">
            Answer {success[0]} ({answer[0]})
          </p>
          <pre className={preClass}>
            <code>
              {typeof answer[1].example === "string" ? answer[1].example : JSON.stringify(answer[1].example, null, 2)}
            </code>
          </pre>
        </>
      )}
    </>
  );
}
