import Link from "next/link";
import { requireUserPage } from "@/lib/auth/session";
import { isProjectRole, ROLE_LABELS } from "@/lib/shared/roles";
import { getProfile } from "@/lib/users/service";
import { Badge, Card, Notice, PageHeader } from "@/components/ui";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Time } from "@/components/ui/time";
import { CliSecret } from "@/components/account/cli-secret";
import { directoryAccount } from "@/lib/auth/sso/cli-secret";

export const metadata = { title: "Your profile" };

export default async function ProfilePage({ searchParams }: { searchParams: Promise<{ password?: string }> }) {
  const user = await requireUserPage();
  const profile = await getProfile(user);
  const directory = await directoryAccount(user.userId);
  const justChanged = (await searchParams).password === "changed";
  return (
    <>
      <PageHeader title="Your profile" subtitle="Your account, the projects you belong to, and your password." />
      {justChanged && (
        <div className="mb-4">
          <Notice tone="green">
            Your password has been changed. <Link href="/projects">Go to your projects</Link>.
          </Notice>
        </div>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Account">
          <dl className="grid grid-cols-[10rem_minmax(0,1fr)] gap-y-2 text-sm">
            <dt className="text-slate-500">User name</dt>
            <dd className="font-medium">{profile.username}</dd>
            <dt className="text-slate-500">E-mail</dt>
            <dd>{profile.email ?? "—"}</dd>
            <dt className="text-slate-500">Role</dt>
            <dd>{profile.sysadmin ? <Badge tone="blue">System admin</Badge> : <Badge>User</Badge>}</dd>
            <dt className="text-slate-500">Member since</dt>
            <dd>
              <Time date={profile.createdAt} />
            </dd>
            <dt className="text-slate-500">Password changed</dt>
            <dd>{profile.passwordChangedAt ? <Time date={profile.passwordChangedAt} /> : "never"}</dd>
          </dl>
          <h3 className="mb-2 mt-5 text-sm font-semibold text-slate-900">Projects</h3>
          {profile.memberships.length === 0 ? (
            <p className="text-sm text-slate-600">
              {profile.sysadmin
                ? "You are not a member of any project; as a system admin you can open every project."
                : "You are not a member of any project yet. A project admin can add you."}
            </p>
          ) : (
            <ul className="space-y-1 text-sm">
              {profile.memberships.map((m) => (
                <li key={m.project.name}>
                  <Link href={`/projects/${encodeURIComponent(m.project.name)}`} className="text-sky-700 underline">
                    {m.project.name}
                  </Link>{" "}
                  <span className="text-slate-500">({isProjectRole(m.role) ? ROLE_LABELS[m.role] : m.role})</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {directory?.cliSecret ? (
          <Card title="CLI secret">
            <CliSecret initial={directory.cliSecret} />
          </Card>
        ) : directory ? (
          <Card title="Password">
            <p className="text-sm text-slate-700">You sign in with your directory (LDAP) account and its password.</p>
          </Card>
        ) : (
          <Card title="Change password">
            <ChangePasswordForm />
          </Card>
        )}
      </div>
    </>
  );
}
