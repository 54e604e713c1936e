// 管理员邀请: a unit that added this account by its login name (from outside the unit) waits
// for the person's answer; until they accept, they are not its admin. Shown on the first
// page after login, whatever the role.
import { ApiError, endpoints } from "./api.js";
import { busy, clear, h, say } from "./dom.js";

/** A card with the signed-in person's pending invitations; hidden while there are none. */
export function invitationsCard() {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const list = h("ul", { class: "invitations" });
  const card = h("section", { class: "card card-wide", hidden: true,
    "aria-labelledby": "invitations-title" },
  h("h2", { id: "invitations-title" }, "管理员邀请"), messages, list);

  async function answer(button, label, action, done) {
    say(messages);
    try {
      await busy(button, label, action);
      say(messages, "success", done);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
    }
    await load();
    messages.focus();
  }

  async function load() {
    let items;
    try {
      ({ items } = await endpoints.adminInvitations());
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return; // the page itself still works; the invitation waits for the next visit
    }
    clear(list);
    list.append(...items.map((inv) => {
      const org = inv.org_name || `单位 ${inv.org_id}`;
      const accept = h("button", { type: "button", class: "btn btn-primary btn-small" }, "接受");
      const decline = h("button", { type: "button", class: "btn btn-small" }, "拒绝");
      accept.addEventListener("click", () => answer(accept, "正在接受…",
        () => endpoints.acceptAdminInvitation(inv.grant_id),
        `您已接受邀请，成为“${org}”的管理员；以管理员身份登录即可管理该单位。`));
      decline.addEventListener("click", () => {
        // eslint-disable-next-line no-alert
        if (window.confirm(`拒绝“${org}”的管理员邀请？`)) {
          answer(decline, "正在拒绝…", () => endpoints.declineAdminInvitation(inv.grant_id),
            `您已拒绝“${org}”的管理员邀请。`);
        }
      });
      return h("li", { class: "invitation" },
        h("p", {}, h("strong", {}, org),
          `${inv.invited_by_name ? `（${inv.invited_by_name}）` : ""}邀请您担任管理员，角色“${inv.role_name}”`,
          inv.module_labels.length ? `：${inv.module_labels.join("、")}` : "", "。"),
        h("p", { class: "hint" }, "接受前您不具有该单位的任何管理权限。"),
        h("div", { class: "actions" }, accept, " ", decline));
    }));
    card.hidden = items.length === 0 && !messages.hasChildNodes();
  }

  load();
  return card;
}
