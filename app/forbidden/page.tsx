import Link from "next/link";
import { forbiddenPageText } from "@/lib/auth/permission-messages";

export const metadata = { title: "Not allowed" };

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<{ what?: string }> }) {
  // Only a permission's name travels in the URL; the text is fixed (a crafted link cannot make this page say anything).
  const { refusal, ask } = forbiddenPageText((await searchParams).what);
  return (
    <div className="mx-auto mt-16 max-w-lg rounded-lg border border-amber-200 bg-amber-50 p-6">
      <h1 className="text-xl font-semibold text-amber-900">You don&apos;t have permission to see this</h1>
      <p className="mt-2 text-sm text-amber-900">
        {refusal} Ask {ask} if you need access.
      </p>
      <Link href="/projects" className="mt-4 inline-block text-sm text-sky-800 hover:underline">
        Back to projects
      </Link>
    </div>
  );
}
