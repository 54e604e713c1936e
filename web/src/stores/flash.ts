// A message handed to the next page (after a redirect): shown once above it, then gone.
import { defineStore } from "pinia";
import { ref } from "vue";

export type FlashKind = "success" | "info" | "warning" | "error";

export interface Flash {
  kind: FlashKind;
  text: string;
}

export const useFlashStore = defineStore("flash", () => {
  const pending = ref<Flash | null>(null);
  const shown = ref<Flash | null>(null);

  function show(kind: FlashKind, text: string): void {
    pending.value = { kind, text };
  }

  /** Called on every navigation: the pending message becomes the shown one. */
  function advance(): void {
    shown.value = pending.value;
    pending.value = null;
  }

  function dismiss(): void {
    shown.value = null;
  }

  return { pending, shown, show, advance, dismiss };
});
