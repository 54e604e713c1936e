// The API client: same-origin JSON calls, problem+json errors, and the login session kept in
// sessionStorage (access + refresh token). A call answered 401 token_expired (or
// admin_role_changed) refreshes the access token once (POST /api/v1/auth/refresh) and is
// retried.

const KEY = "cpe.session";
const API = "/api/v1";

export const ROLE_LABELS = { learner: "学员", admin: "管理员", operator: "平台运营" };

/** An error answer, as the gateway describes it (RFC 9457 problem+json). */
export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem && typeof problem === "object" ? problem : {};
    super(p.detail || p.title || `请求失败（${status}）`);
    this.status = status;
    this.code = p.code || (status ? `http_${status}` : "network_error");
    this.title = p.title || "";
    this.detail = p.detail || p.title || defaultMessage(status);
    this.errors = p.errors && typeof p.errors === "object" ? p.errors : {};
    this.problem = p;
  }
}

function defaultMessage(status) {
  if (!status) return "无法连接服务器，请检查网络后重试";
  if (status >= 500) return "服务暂不可用，请稍后重试";
  return `请求失败（${status}）`;
}

// ---- session -------------------------------------------------------------------------

function emit(reason) {
  window.dispatchEvent(new CustomEvent("session-change", { detail: { reason } }));
}

export const session = {
  get() {
    try {
      const s = JSON.parse(sessionStorage.getItem(KEY));
      return s && s.access_token ? s : null;
    } catch {
      return null;
    }
  },
  /** Store a Tokens answer (login, refresh, password change). */
  save(tokens, reason = "login") {
    const s = {
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      expires_in: tokens.expires_in,
      must_change_password: Boolean(tokens.must_change_password),
      user: tokens.user || this.get()?.user || null,
    };
    sessionStorage.setItem(KEY, JSON.stringify(s));
    emit(reason);
    return s;
  },
  update(changes, reason = "update") {
    const s = this.get();
    if (!s) return null;
    const next = { ...s, ...changes, user: { ...(s.user || {}), ...(changes.user || {}) } };
    sessionStorage.setItem(KEY, JSON.stringify(next));
    emit(reason);
    return next;
  },
  clear(reason = "logout") {
    const had = sessionStorage.getItem(KEY) !== null;
    sessionStorage.removeItem(KEY);
    if (had) emit(reason);
  },
};

// ---- transport ------------------------------------------------------------------------

async function send(method, path, body, accessToken) {
  const headers = { Accept: "application/json, application/problem+json" };
  const multipart = body instanceof FormData; // the browser sets its boundary itself
  if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined || multipart ? body : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, { code: "network_error", title: "网络连接失败",
      detail: "无法连接服务器，请检查网络后重试" });
  }
  if (response.status === 204) return null;
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

let refreshing = null;
// Answers a refresh cures: an expired token, and an admin token stating the modules of a
// role that has changed since (the refreshed token states the new ones).
const REFRESHABLE = ["token_expired", "admin_role_changed"];

/** Exchange the refresh token for new tokens; concurrent callers share one request. */
export function refreshSession() {
  const s = session.get();
  if (!s || !s.refresh_token) {
    return Promise.reject(new ApiError(401, { code: "token_missing", detail: "请先登录" }));
  }
  if (!refreshing) {
    refreshing = send("POST", "/auth/refresh", { refresh_token: s.refresh_token })
      .then((tokens) => session.save(tokens, "refresh"))
      .catch((err) => {
        if (err.status === 401 || err.status === 422) session.clear("expired");
        throw err;
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/**
 * api("GET", "/me/profile", {auth: true}) → parsed JSON (null for 204).
 * Throws ApiError. With auth, a 401 token_expired (or admin_role_changed) is refreshed and
 * retried once.
 */
export async function api(method, path, { body, auth = false } = {}) {
  if (!auth) return send(method, path, body);
  const s = session.get();
  if (!s) {
    session.clear("expired");
    throw new ApiError(401, { code: "token_missing", detail: "请先登录" });
  }
  try {
    return await send(method, path, body, s.access_token);
  } catch (err) {
    if (err.status === 401 && REFRESHABLE.includes(err.code)) {
      // Another call may have refreshed already: retry with the newer token if so.
      const current = session.get();
      const fresh = current && current.access_token !== s.access_token
        ? current : await refreshSession();
      return afterRetry(() => send(method, path, body, fresh.access_token));
    }
    throw noteAuthFailure(err);
  }
}

async function afterRetry(call) {
  try {
    return await call();
  } catch (err) {
    throw noteAuthFailure(err);
  }
}

function noteAuthFailure(err) {
  if (err.status === 401) session.clear("expired");
  if (err.status === 403 && err.code === "password_change_required") {
    session.update({ must_change_password: true }, "must-change-password");
  }
  return err;
}

// ---- endpoints ------------------------------------------------------------------------

let vocabularies = null;

export const endpoints = {
  captcha: () => api("GET", "/auth/captcha"),
  vocabularies() {
    if (!vocabularies) {
      vocabularies = api("GET", "/auth/vocabularies").catch((err) => {
        vocabularies = null;
        throw err;
      });
    }
    return vocabularies;
  },
  orgChildren: (parentId) => api("GET", parentId == null
    ? "/orgs/tree" : `/orgs/tree?parent_id=${encodeURIComponent(parentId)}`),
  orgSearch: (q) => api("GET", `/orgs/tree?q=${encodeURIComponent(q)}`),
  register: (body) => api("POST", "/auth/register", { body }),
  login: (body) => api("POST", "/auth/login", { body }),
  async logout() {
    const s = session.get();
    session.clear("logout");
    if (s && s.refresh_token) {
      try {
        await send("POST", "/auth/logout", { refresh_token: s.refresh_token });
      } catch {
        // The local session is gone either way; the token expires on its own.
      }
    }
  },
  me: () => api("GET", "/me", { auth: true }),
  profile: () => api("GET", "/me/profile", { auth: true }),
  updateProfile: (changes) => api("PATCH", "/me", { body: changes, auth: true }),
  changePassword: (body) => api("POST", "/me/password", { body, auth: true }),
  registrationStatus: (body) => api("POST", "/auth/registration-status", { body }),
  withdrawRegistration: (body) => api("POST", "/auth/registration-withdrawal", { body }),
  uploadCertificate(file) {
    const form = new FormData();
    form.append("file", file);
    return api("POST", "/orgs/certificates", { body: form });
  },
  registerOrg: (body) => api("POST", "/orgs/registrations", { body }),
  orgRegistrations: (query) => api("GET", `/admin/org-registrations?${new URLSearchParams(query)}`,
    { auth: true }),
  decideOrgRegistrations: (body) => api("POST", "/admin/org-registrations/decisions",
    { body, auth: true }),
  submitInfoChange: (changes) => api("POST", "/me/info-changes", { body: changes, auth: true }),
  myInfoChanges: () => api("GET", "/me/info-changes", { auth: true }),
  adminInvitations: () => api("GET", "/me/admin-invitations", { auth: true }),
  acceptAdminInvitation: (id) => api("POST",
    `/me/admin-invitations/${encodeURIComponent(id)}/accept`, { auth: true }),
  declineAdminInvitation: (id) => api("POST",
    `/me/admin-invitations/${encodeURIComponent(id)}/decline`, { auth: true }),
  withdrawInfoChange: (id) => api("POST", `/me/info-changes/${encodeURIComponent(id)}/withdrawal`,
    { auth: true }),
  learners: (query) => api("GET", `/admin/learners?${new URLSearchParams(query)}`, { auth: true }),
  exportLearners: (query) => api("GET", `/admin/learners/export?${new URLSearchParams(query)}`,
    { auth: true }),
  importTemplate: () => api("GET", "/admin/learners/import-template", { auth: true }),
  startImport(orgId, file) {
    const form = new FormData();
    form.append("org_id", String(orgId));
    form.append("file", file);
    return api("POST", "/admin/learners/imports", { body: form, auth: true });
  },
  importStatus: (id) => api("GET", `/admin/learners/imports/${encodeURIComponent(id)}`,
    { auth: true }),
  transferOut: (body) => api("POST", "/admin/transfers", { body, auth: true }),
  transfers: (query) => api("GET", `/admin/transfers?${new URLSearchParams(query)}`, { auth: true }),
  decideTransfer: (id, body) => api("POST", `/admin/transfers/${encodeURIComponent(id)}/decision`,
    { body, auth: true }),
  myOrg: () => api("GET", "/admin/org", { auth: true }),
  updateMyOrg: (body) => api("PATCH", "/admin/org", { body, auth: true }),
  requestOrgChange: (body) => api("POST", "/admin/org/changes", { body, auth: true }),
  requestParentChange: (body) => api("POST", "/admin/org/parent-changes", { body, auth: true }),
  orgChanges: () => api("GET", "/admin/org/changes", { auth: true }),
  withdrawOrgChange: (id) => api("POST", `/admin/org/changes/${encodeURIComponent(id)}/withdrawal`,
    { auth: true }),
  subordinateUnits: (query) => api("GET", `/admin/subordinate-units?${new URLSearchParams(query)}`,
    { auth: true }),
  subordinateAdmins: (orgId) => api("GET",
    `/admin/subordinate-units/${encodeURIComponent(orgId)}/admins`, { auth: true }),
  removeSubordinateAdmin: (orgId, grantId) => api("DELETE",
    `/admin/subordinate-units/${encodeURIComponent(orgId)}/admins/${encodeURIComponent(grantId)}`,
    { auth: true }),
  roles: () => api("GET", "/admin/roles", { auth: true }),
  createRole: (body) => api("POST", "/admin/roles", { body, auth: true }),
  deleteRole: (id) => api("DELETE", `/admin/roles/${encodeURIComponent(id)}`, { auth: true }),
  admins: () => api("GET", "/admin/admins", { auth: true }),
  addAdmin: (body) => api("POST", "/admin/admins", { body, auth: true }),
  setAdminStatus: (id, status) => api("POST", `/admin/admins/${encodeURIComponent(id)}/status`,
    { body: { status }, auth: true }),
  removeAdmin: (id) => api("DELETE", `/admin/admins/${encodeURIComponent(id)}`, { auth: true }),
  makeSuperAdmin: (id) => api("POST", `/admin/admins/${encodeURIComponent(id)}/super`,
    { auth: true }),
  resetAdminPassword: (id) => api("POST",
    `/admin/admins/${encodeURIComponent(id)}/password-reset`, { auth: true }),
  auditLog: (query) => api("GET", `/admin/audit-log?${new URLSearchParams(query)}`, { auth: true }),
  departments: (parentId) => api("GET", parentId == null ? "/admin/departments"
    : `/admin/departments?parent_id=${encodeURIComponent(parentId)}`, { auth: true }),
  addDepartment: (body) => api("POST", "/admin/departments", { body, auth: true }),
  changeDepartment: (id, body) => api("PATCH", `/admin/departments/${encodeURIComponent(id)}`,
    { body, auth: true }),
  memberReviews: (query) => api("GET", `/admin/member-reviews?${new URLSearchParams(query)}`,
    { auth: true }),
  decideMembers: (body) => api("POST", "/admin/member-reviews/decisions", { body, auth: true }),
  personChangeReviews: (query) => api("GET",
    `/admin/person-change-reviews?${new URLSearchParams(query)}`, { auth: true }),
  decidePersonChanges: (body) => api("POST", "/admin/person-change-reviews/decisions",
    { body, auth: true }),
  orgChangeReviews: (query) => api("GET", `/admin/org-change-reviews?${new URLSearchParams(query)}`,
    { auth: true }),
  decideOrgChanges: (body) => api("POST", "/admin/org-change-reviews/decisions",
    { body, auth: true }),
  resetLearnerPassword: (userId) => api("POST",
    `/admin/learners/${encodeURIComponent(userId)}/password-reset`, { auth: true }),
};
