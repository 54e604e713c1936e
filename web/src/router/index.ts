import { createRouter, createWebHistory } from "vue-router";

import { useFlashStore } from "@/stores/flash";
import { useSessionStore } from "@/stores/session";

import { decide, homeOf } from "./guard";
import { routes } from "./routes";

const SITE = "专业技术人员继续教育平台";

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach((to) => {
  const session = useSessionStore();
  if (to.path === "/") return homeOf(session.get());
  const decision = decide(to.path, to.meta, session.get());
  if (!decision.allow) {
    if (decision.flash) useFlashStore().show(decision.flash.kind, decision.flash.text);
    return decision.redirect;
  }
  return true;
});

router.afterEach((to) => {
  useFlashStore().advance();
  document.title = to.meta.title ? `${to.meta.title} - ${SITE}` : SITE;
});
