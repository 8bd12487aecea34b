import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, PageHeader } from "@/components/ui";
import { SchemaView, type Resolve, type Schema } from "@/components/docs/schema-view";
import { CodeBlock } from "@/components/webhooks/json-block";
import { requireUserPage } from "@/lib/auth/session";
import { eventTypeCatalog } from "@/lib/events/catalog";

export const metadata: Metadata = { title: "Event types · Harbor Notifier" };

/** `#/$defs/x` within one type's schema (shared sub-schemas are defined once). */
function resolverFor(schema: Record<string, unknown>): Resolve {
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  return (ref) => {
    const name = ref.replace(/^#\/\$defs\//, "");
    return defs[name] ? { name, schema: defs[name] } : undefined;
  };
}

/**
 * The event catalog, as GET /v1/event-types answers it: each type's meaning, its CloudEvents type,
 * the fields of its event_data (from the schema POST /v1/events validates with) and a sample.
 */
export default async function EventTypesPage() {
  await requireUserPage();
  const catalog = eventTypeCatalog();
  return (
    <>
      <PageHeader
        title="Event types"
        subtitle={
          <>
            Every event a webhook can receive, with the fields of its <code>event_data</code> and a sample Default
            payload. Events posted to <code>POST /v1/events</code> are validated against these schemas; the same list,
            with each JSON Schema, is at{" "}
            <Link prefetch={false} className="text-sky-800 underline" href="/v1/event-types">
              /v1/event-types
            </Link>
            . The operational events at the end are raised by the service itself (a target paused or resumed, deliveries
            that failed after all retries) and reach instance-wide webhooks only.
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[220px_minmax(0,1fr)]">
        <nav aria-label="Event types" className="text-sm lg:sticky lg:top-4 lg:self-start">
          <ul className="space-y-0.5">
            {catalog.map((e) => (
              <li key={e.type}>
                <a href={`#${e.type}`} className="text-sky-800 hover:underline">
                  {e.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="min-w-0 space-y-4">
          {catalog.map((e) => (
            <section key={e.type} id={e.type} aria-labelledby={`${e.type}-title`} className="scroll-mt-4">
              <Card
                title={
                  <span id={`${e.type}-title`} className="flex flex-wrap items-center gap-2">
                    {e.label} <code className="text-sm font-normal text-slate-600">{e.type}</code>
                    <Badge tone="blue">{e.cloudevents_type}</Badge>
                    {e.instance_wide_only && <Badge tone="amber">Instance-wide webhooks only</Badge>}
                  </span>
                }
              >
                <p className="mb-3 text-sm text-slate-700">{e.description}</p>
                <div className="grid min-w-0 gap-4 xl:grid-cols-2">
                  <div className="min-w-0">
                    <p className="mb-1 text-xs font-medium text-slate-600">event_data fields</p>
                    <SchemaView schema={e.schema as Schema} resolve={resolverFor(e.schema)} />
                  </div>
                  <div className="min-w-0">
                    <CodeBlock text={JSON.stringify(e.sample, null, 2)} label={`Sample ${e.type} payload`} />
                  </div>
                </div>
              </Card>
            </section>
          ))}
        </div>
      </div>
    </>
  );
}
