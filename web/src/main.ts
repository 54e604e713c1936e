import "element-plus/theme-chalk/el-message.css";
import "element-plus/theme-chalk/el-message-box.css";
import "./styles/app.css";

import { createPinia } from "pinia";
import { createApp } from "vue";

import { bindSession } from "./api/client";
import App from "./App.vue";
import { router } from "./router";
import { useFlashStore } from "./stores/flash";
import { useSessionStore } from "./stores/session";

const app = createApp(App);
app.use(createPinia());
const session = useSessionStore();
bindSession({ get: session.get, set: session.set });

// The session ended in a call (refresh refused) or must change its password: follow it.
session.$onAction(({ name, args }) => {
  if (name !== "set") return;
  const reason = args[1];
  const path = router.currentRoute.value.path;
  if (reason === "expired" && !args[0] && path !== "/login") {
    useFlashStore().show("warning", "登录已过期，请重新登录。");
    void router.push("/login");
  } else if (reason === "must-change-password") {
    void router.push("/settings/password");
  }
});

app.use(router);

// A stored session is checked first (its role's modules and forced password change can
// have changed since); a network error keeps it, and the pages say what failed.
async function start(): Promise<void> {
  if (session.get()) {
    try {
      await session.reloadMe();
    } catch {
      // 401: the client cleared the session; others: keep it.
    }
  }
  await router.isReady();
  app.mount("#app");
  // The first page is on screen and takes input: the e2e run and benchmarks/web_first_load.py
  // read this mark (Performance API) as "interactive".
  requestAnimationFrame(() => performance.mark("cpe:interactive"));
}

void start();
