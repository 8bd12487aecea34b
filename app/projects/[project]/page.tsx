import { redirect } from "next/navigation";
import { pageProjectAccess } from "@/lib/auth/page-access";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";

export default async function ProjectHome({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const { role } = await pageProjectAccess(project, "project.read");
  redirect(`/projects/${project}/${visibleProjectTabs(role)[0]?.slug ?? "members"}`);
}
