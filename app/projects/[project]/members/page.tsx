import { pageProjectAccess } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/access";
import { refusalMessage } from "@/lib/auth/permission-messages";
import { listMembers } from "@/lib/projects/service";
import { ROLE_LABELS } from "@/lib/shared/roles";
import { Card, Clamp, Notice, PageHeader, Table, Td } from "@/components/ui";
import { ProjectTabs } from "@/components/projects/project-tabs";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";
import { AddGroupMemberForm, AddMemberForm, MemberActions } from "@/components/projects/member-forms";
import { authConfig } from "@/lib/auth/sso/settings";
import { Time } from "@/components/ui/time";
import { titled } from "@/lib/webhooks-ui/titles";
import { GROUP_TYPES } from "@/lib/auth/sso/groups";

export async function generateMetadata({ params }: { params: Promise<{ project: string }> }) {
  return titled("Members", (await params).project);
}

export default async function MembersPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  const { project, role, access } = await pageProjectAccess(name, "members.read");
  const { members } = await listMembers(access);
  const manage = can(role, "members.manage");
  // Groups come from the directory: offered when users sign in with one.
  const { mode } = await authConfig();
  return (
    <>
      <PageHeader title={project.name} subtitle="Members and their roles in this project." />
      <ProjectTabs project={project.name} tabs={visibleProjectTabs(role)} active="members" />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
        <Table head={["Member", "Role", "Since", ...(manage ? ["Actions"] : [])]} caption="Project members">
          {members.map((m) => (
            <tr key={m.id}>
              <Td className="max-w-64 font-medium">
                <Clamp text={m.name} />
                {m.kind === "group" && (
                  <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">
                    {m.groupType === GROUP_TYPES.ldap ? "LDAP group" : "OIDC group"}
                  </span>
                )}
              </Td>
              <Td>{ROLE_LABELS[m.role]}</Td>
              <Td>
                <Time date={m.createdAt} relative />
              </Td>
              {manage && (
                <Td>
                  <MemberActions project={project.name} memberId={m.id} role={m.role} username={m.name} />
                </Td>
              )}
            </tr>
          ))}
          {members.length === 0 && (
            <tr>
              <Td className="text-slate-500">No members yet.</Td>
            </tr>
          )}
        </Table>
        {!manage && (
          <div>
            <Notice>{refusalMessage("members.manage")}</Notice>
          </div>
        )}
        {manage && (
          <div className="space-y-6">
            <Card title="Add a member">
              <AddMemberForm project={project.name} />
              <p className="mt-3 text-xs text-slate-500">
                Project admins manage webhooks; maintainers read them without secrets; developers and guests do not see
                webhooks.
              </p>
            </Card>
            {mode !== "db" && (
              <Card title="Add a group">
                <AddGroupMemberForm project={project.name} defaultType={mode === "ldap" ? "1" : "3"} />
                <p className="mt-3 text-xs text-slate-500">
                  Everyone in the group gets this role here, on top of their own; groups are read at each sign-in.
                </p>
              </Card>
            )}
          </div>
        )}
      </div>
    </>
  );
}
