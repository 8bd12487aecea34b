import { redirect } from "next/navigation";
import { pageProjectAccess } from "@/lib/auth/page-access";
import { visibleTabs } from "@/components/projects/project-tabs";

export default async function ProjectHome({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const { role } = await pageProjectAccess(project, "project.read");
  redirect(`/projects/${project}/${visibleTabs(role)[0]?.slug ?? "members"}`);
}
