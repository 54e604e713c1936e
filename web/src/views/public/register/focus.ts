// Keyboard users land where the problem is: the first field showing a message.
import { nextTick, watch } from "vue";

export async function focusFirstError(root: HTMLElement | null | undefined): Promise<void> {
  await nextTick();
  const item = root?.querySelector<HTMLElement>(".el-form-item.is-error");
  const control = item?.querySelector<HTMLElement>(
    "input:not([type=hidden]):not([disabled]), textarea, button, [tabindex='0']");
  control?.focus();
}

export async function focusHeading(el: HTMLElement | null | undefined): Promise<void> {
  await nextTick();
  el?.focus();
}

/** A field's message goes away once its value is edited (`values` gives every field's
 * value by its message name); `also` names messages shown for the whole form. */
export function clearOnEdit(values: () => Record<string, unknown>,
  messages: Record<string, string>[], also: () => void = () => undefined): void {
  watch(values, (now, before) => {
    let changed = false;
    for (const [name, value] of Object.entries(now)) {
      if (before[name] === value) continue;
      changed = true;
      for (const map of messages) delete map[name];
    }
    if (changed) also();
  });
}
