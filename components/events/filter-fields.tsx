/** Text inputs of the event filters (repository, tag, digest, operator…), shared by the search forms. */
export function FilterText({
  id,
  name,
  label,
  value,
  placeholder,
  width = "w-44",
}: {
  id: string;
  name: string;
  label: string;
  value?: string | number;
  placeholder?: string;
  width?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        defaultValue={value ?? ""}
        placeholder={placeholder}
        maxLength={512}
        className={`${width} rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm`}
      />
    </div>
  );
}

/** "team-a/alpine:1", "team-a/alpine@sha256:954b…", or what there is of it. */
export function artifactLabel(e: { repository: string | null; tag: string | null; digest: string | null }): string {
  const digest = e.digest ? `@${e.digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, "$1…")}` : "";
  const tag = e.tag && e.tag !== e.digest ? `:${e.tag}` : "";
  return `${e.repository ?? ""}${tag || digest}` || "—";
}
