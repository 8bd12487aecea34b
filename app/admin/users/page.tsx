import { pageSysadmin } from "@/lib/auth/page-access";
import { listUsers } from "@/lib/users/service";
import { Badge, Card, Clamp, PageHeader, Table, Td } from "@/components/ui";
import { CreateUserForm, UserActions } from "@/components/admin/user-forms";
import { Time } from "@/components/ui/time";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const admin = await pageSysadmin("users.manage");
  const users = await listUsers(admin);
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Accounts that can sign in. Add them to projects from each project's Members tab."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
        <Table head={["User", "E-mail", "Role", "Status", "Projects", "Created", "Actions"]} caption="Users">
          {users.map((u) => (
            <tr key={u.id}>
              <Td className="max-w-56 font-medium">
                <Clamp text={u.username} />
                {u.identity && (
                  <span className="mt-1 block text-xs font-normal text-slate-500">
                    {u.identity.source === "ldap" ? "LDAP" : "OIDC"} account
                  </span>
                )}
              </Td>
              <Td className="max-w-64">{u.email ? <Clamp text={u.email} url /> : "—"}</Td>
              <Td>{u.sysadmin ? <Badge tone="blue">System admin</Badge> : <Badge>User</Badge>}</Td>
              <Td>
                {u.disabledAt ? (
                  <Badge tone="red">Disabled</Badge>
                ) : u.mustChangePassword ? (
                  <Badge tone="amber">Must change password</Badge>
                ) : (
                  <Badge tone="green">Active</Badge>
                )}
              </Td>
              <Td>{u._count.memberships}</Td>
              <Td>
                <Time date={u.createdAt} relative />
              </Td>
              <Td>
                {u.id === admin.userId ? (
                  <span className="text-xs text-slate-500">You (change your password on your profile)</span>
                ) : (
                  <UserActions
                    user={{
                      id: u.id,
                      username: u.username,
                      sysadmin: u.sysadmin,
                      disabled: !!u.disabledAt,
                      memberships: u._count.memberships,
                      projectNames: u.memberships.map((m) => m.project.name),
                    }}
                  />
                )}
              </Td>
            </tr>
          ))}
        </Table>
        <Card title="New user">
          <CreateUserForm />
        </Card>
      </div>
    </>
  );
}
