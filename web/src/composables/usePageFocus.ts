// After each navigation, focus moves to the new page's heading (keyboard and screen-reader
// users land on what changed) and the page's title is announced.
import { nextTick, watch } from "vue";
import { useRoute } from "vue-router";

export function usePageFocus(): void {
  const route = useRoute();
  watch(() => route.fullPath, async () => {
    await nextTick();
    // Lazy pages render a tick later.
    setTimeout(() => {
      const main = document.getElementById("main");
      const heading = main?.querySelector<HTMLElement>("h1");
      // A page that focused a field of its own (the login form) keeps it.
      if (!heading || main?.contains(document.activeElement)) return;
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }, 50);
  });
}
