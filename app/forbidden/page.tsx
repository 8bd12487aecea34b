import Link from "next/link";

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<{ what?: string }> }) {
  const { what } = await searchParams;
  return (
    <div className="mx-auto mt-16 max-w-lg rounded-lg border border-amber-200 bg-amber-50 p-6">
      <h1 className="text-xl font-semibold text-amber-900">You don&apos;t have permission to see this</h1>
      <p className="mt-2 text-sm text-amber-900">
        Your role does not allow {what ? <code className="rounded bg-amber-100 px-1">{what}</code> : "this"}. Ask a
        project admin or system admin if you need access.
      </p>
      <Link href="/projects" className="mt-4 inline-block text-sm text-sky-800 hover:underline">
        Back to projects
      </Link>
    </div>
  );
}
