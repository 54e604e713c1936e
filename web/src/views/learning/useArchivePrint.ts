// 打印证书 and 打印档案 of one plan record: the call, the PDF's link opened in a new tab, and
// what the page says after (the link again in case the browser held the tab back, the
// certificate's code and its verification page) or why it was refused (problem+json:
// the plan has closed, the certificate is still being made or was revoked…).
import { ref } from "vue";

import { api, messageOf, ok } from "@/api/client";

import { verifyPath } from "./archiveFormat";

export interface PrintNotice {
  kind: "success" | "error";
  text: string;
  link?: { href: string; text: string };
  code?: string;
  sha256?: string;
  verify?: string;
}

/** A new tab opened at the click (a tab opened seconds later, when the PDF is ready, would
 * be held back by the browser's popup blocker), saying the PDF is being made; null when the
 * browser refused it (the link is shown on the page anyway). */
export function openPendingTab(): Window | null {
  const tab = window.open("", "_blank");
  if (!tab) return null;
  tab.opener = null;
  try {
    tab.document.title = "正在生成 PDF…";
    tab.document.body.textContent = "正在生成 PDF，请稍候…";
  } catch {
    // not ours to write to: it still shows the PDF when ready
  }
  return tab;
}

/** Send the pending tab to the PDF, or close it when there is none. */
export function settleTab(tab: Window | null, href: string | null): void {
  if (!tab || tab.closed) return;
  if (!href) {
    tab.close();
    return;
  }
  try {
    // The file is sent as a download: this tab then stays, saying so.
    tab.document.title = "PDF 已生成";
    tab.document.body.textContent = "PDF 已生成，正在打开或下载。下载完成后可关闭此页。";
  } catch {
    // not ours to write to
  }
  tab.location.replace(href);
}

export function useArchivePrint() {
  /** "certificate:12" / "archive:12" while that call runs. */
  const busy = ref<string | null>(null);
  const notice = ref<PrintNotice | null>(null);

  async function printCertificate(enrolmentId: number, planName: string): Promise<void> {
    notice.value = null;
    busy.value = `certificate:${enrolmentId}`;
    const tab = openPendingTab();
    let href: string | null = null;
    try {
      const cert = await ok(api.GET("/api/v1/me/archive/{enrolment_id}/certificate",
        { params: { path: { enrolment_id: enrolmentId } } }));
      href = cert.url || null;
      notice.value = { kind: "success", text: `已生成“${planName}”的培训证书（带平台数字签名的 PDF）：`,
        link: href ? { href, text: "下载证书 PDF" } : undefined, code: cert.code,
        sha256: cert.sha256, verify: cert.code ? verifyPath(cert.code) : undefined };
    } catch (err) {
      notice.value = { kind: "error", text: `打印证书失败：${messageOf(err)}` };
    } finally {
      settleTab(tab, href);
      busy.value = null;
    }
  }

  async function printArchive(enrolmentId: number, planName: string): Promise<void> {
    notice.value = null;
    busy.value = `archive:${enrolmentId}`;
    const tab = openPendingTab();
    let href: string | null = null;
    try {
      const link = await ok(api.POST("/api/v1/me/archive/{enrolment_id}/print",
        { params: { path: { enrolment_id: enrolmentId } } }));
      href = link.url || null;
      notice.value = { kind: "success", text: `已生成“${planName}”的培训档案：`,
        link: href ? { href, text: "下载档案 PDF" } : undefined };
    } catch (err) {
      notice.value = { kind: "error", text: `打印档案失败：${messageOf(err)}` };
    } finally {
      settleTab(tab, href);
      busy.value = null;
    }
  }

  return { busy, notice, printCertificate, printArchive };
}
