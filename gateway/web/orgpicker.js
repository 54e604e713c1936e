// 所属组织机构 picker: the org tree expanded level by level (GET /orgs/tree?parent_id=…) or
// searched by name (?q=…). Only nodes that `selectable` accepts can be chosen (by default
// those with accepts_members; the unit registration passes its own rule for parents).
import { endpoints } from "./api.js";
import { append, clear, h, nextId } from "./dom.js";

const REVIEW_BADGE = "需单位审核";

function badges(org) {
  return [
    org.type_label ? h("span", { class: "badge" }, org.type_label) : null,
    org.review_members ? h("span", { class: "badge badge-warn" }, REVIEW_BADGE) : null,
  ];
}

/** "上级 › 上级" of an org (path_names ends with the org itself), or null. */
function pathOf(org) {
  const names = Array.isArray(org.path_names) ? [...org.path_names] : [];
  if (names.length && names[names.length - 1] === org.name) names.pop();
  return names.length ? names.join(" › ") : null;
}

/**
 * orgPicker({name: "org_id", required: true, onChange(org)}) → element with .value (the
 * chosen org or null). The element is a `.field` with data-field=name, so server errors
 * for org_id show under it.
 */
export function orgPicker({ name = "org_id", label = "所属组织机构", required = true, onChange,
  selectable = (org) => org.accepts_members,
  hint = "逐级展开或搜索单位名称；只有带“选择”按钮的用人单位可以选择。标有“需单位审核”的单位，注册后须经单位审核通过才能登录。",
} = {}) {
  const id = nextId("org");
  const panelId = `${id}-panel`;
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  let chosen = null;

  const hidden = h("input", { type: "hidden", name, value: "" });
  const current = h("span", { class: "org-current-name", id: `${id}-current` }, "尚未选择");
  const openButton = h("button", {
    type: "button", class: "btn btn-secondary", "aria-expanded": "false",
    "aria-controls": panelId, "aria-describedby": `${id}-current ${hintId} ${errId}`,
  }, "选择单位");
  const searchInput = h("input", {
    type: "search", id: `${id}-q`, maxlength: 50, placeholder: "输入单位名称搜索",
    autocomplete: "off",
  });
  const status = h("p", { class: "org-status", "aria-live": "polite" });
  const results = h("div", { class: "org-results" });
  const panel = h("div", { class: "org-panel", id: panelId, hidden: true, role: "group",
    "aria-label": "选择所属组织机构" },
  h("div", { class: "org-search" },
    h("label", { for: `${id}-q`, class: "sr-only" }, "按单位名称搜索"),
    searchInput,
    h("button", { type: "button", class: "btn btn-secondary", onclick: () => runSearch() }, "搜索"),
    h("button", { type: "button", class: "btn btn-link", onclick: () => close(true) }, "收起")),
  status, results);

  const box = h("div", { class: "field field-org", dataset: { field: name } },
    h("span", { class: "label", id: `${id}-label` }, label,
      required ? h("span", { class: "req", "aria-hidden": "true" }, "*") : null),
    h("div", { class: "org-current" }, current, openButton),
    hidden,
    h("p", { class: "hint", id: hintId }, hint),
    h("p", { class: "field-error", id: errId, "aria-live": "polite" }),
    panel);

  Object.defineProperty(box, "value", { get: () => chosen });
  box.setValue = (org) => choose(org, false);

  openButton.addEventListener("click", () => (panel.hidden ? open() : close(true)));
  searchInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault(); // do not submit the surrounding form
      runSearch();
    } else if (e.key === "Escape") {
      e.preventDefault();
      close(true);
    }
  });
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close(true);
    }
  });
  let debounce = null;
  searchInput.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(runSearch, 350);
  });

  let loadedRoot = false;
  function open() {
    panel.hidden = false;
    openButton.setAttribute("aria-expanded", "true");
    if (!loadedRoot) {
      loadedRoot = true;
      showRoot();
    }
    searchInput.focus();
  }

  function close(focusButton) {
    panel.hidden = true;
    openButton.setAttribute("aria-expanded", "false");
    if (focusButton) openButton.focus();
  }

  function choose(org, fromUser = true) {
    chosen = org || null;
    hidden.value = org ? String(org.id) : "";
    clear(current);
    if (org) {
      const path = pathOf(org);
      append(current, [h("strong", {}, org.name), " ", badges(org),
        path ? h("span", { class: "org-path" }, path) : null]);
      openButton.textContent = "重新选择";
      box.classList.remove("invalid");
      box.querySelector(".field-error").textContent = "";
    } else {
      current.textContent = "尚未选择";
      openButton.textContent = "选择单位";
    }
    if (fromUser) {
      close(true);
      if (onChange) onChange(chosen);
    }
  }

  async function showRoot() {
    clear(results);
    const list = h("ul", { class: "org-tree", role: "list" });
    results.append(list);
    await loadInto(list, null);
  }

  let searchSeq = 0;
  async function runSearch() {
    clearTimeout(debounce);
    const q = searchInput.value.trim();
    const seq = ++searchSeq;
    if (!q) {
      status.textContent = "";
      await showRoot();
      return;
    }
    status.textContent = "正在搜索…";
    try {
      const { items = [] } = await endpoints.orgSearch(q);
      if (seq !== searchSeq) return;
      clear(results);
      status.textContent = items.length ? `找到 ${items.length} 个单位` : "没有找到匹配的单位，请换个关键词";
      const list = h("ul", { class: "org-list", role: "list" });
      for (const org of items) list.append(nodeItem(org, { flat: true }));
      results.append(list);
    } catch (err) {
      if (seq !== searchSeq) return;
      status.textContent = `搜索失败：${err.detail}`;
    }
  }

  async function loadInto(list, parentId) {
    clear(list);
    list.append(h("li", { class: "org-loading" }, "加载中…"));
    try {
      const { items = [] } = await endpoints.orgChildren(parentId);
      clear(list);
      if (!items.length) list.append(h("li", { class: "org-empty" }, "没有下级单位"));
      for (const org of items) list.append(nodeItem(org));
      return true;
    } catch (err) {
      clear(list);
      list.append(h("li", { class: "org-empty" }, `加载失败：${err.detail} `,
        h("button", { type: "button", class: "btn btn-link",
          onclick: () => loadInto(list, parentId) }, "重试")));
      return false;
    }
  }

  function nodeItem(org, { flat = false } = {}) {
    const item = h("li", { class: "org-node" });
    const row = h("div", { class: "org-row" });
    let children = null;
    if (!flat && org.has_children) {
      const childId = nextId("orgc");
      children = h("ul", { class: "org-tree", role: "list", id: childId, hidden: true });
      let loaded = false;
      const toggle = h("button", {
        type: "button", class: "twisty", "aria-expanded": "false", "aria-controls": childId,
        "aria-label": `展开 ${org.name} 的下级单位`,
      }, h("span", { "aria-hidden": "true" }, "▸"));
      toggle.addEventListener("click", async () => {
        const expand = children.hidden;
        children.hidden = !expand;
        toggle.setAttribute("aria-expanded", String(expand));
        toggle.setAttribute("aria-label", `${expand ? "收起" : "展开"} ${org.name} 的下级单位`);
        toggle.firstChild.textContent = expand ? "▾" : "▸";
        if (expand && !loaded) loaded = await loadInto(children, org.id);
      });
      row.append(toggle);
    } else {
      row.append(h("span", { class: "twisty-spacer", "aria-hidden": "true" }));
    }
    const nameBox = h("span", { class: "org-name" }, org.name, " ", ...badges(org));
    const path = flat ? pathOf(org) : null;
    if (path) nameBox.append(h("span", { class: "org-path" }, path));
    row.append(nameBox);
    if (selectable(org)) {
      row.append(h("button", {
        type: "button", class: "btn btn-small", "aria-label": `选择 ${org.name}`,
        onclick: () => choose(org),
      }, "选择"));
    }
    item.append(row);
    if (children) item.append(children);
    return item;
  }

  return box;
}
