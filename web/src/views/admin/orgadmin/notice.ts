// The message line at the top of a unit-administration page: what the last action did, or
// why it failed, kept until the next action (bind it to an el-alert).
import { ElMessageBox } from "element-plus";
import { ref } from "vue";

import { messageOf } from "@/api/errors";

export interface Notice {
  kind: "success" | "error" | "info" | "warning";
  text: string;
}

export function useNotice() {
  const notice = ref<Notice | null>(null);

  function say(kind: Notice["kind"], text: string): void {
    notice.value = { kind, text };
  }

  function fail(err: unknown): void {
    say("error", messageOf(err));
  }

  function clear(): void {
    notice.value = null;
  }

  return { notice, say, fail, clear };
}

/** ElMessageBox.confirm's answer as a boolean (closing or 取消 is false). */
export async function confirmed(message: string, title: string, confirmText: string):
Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, { confirmButtonText: confirmText,
      cancelButtonText: "取消", type: "warning" });
    return true;
  } catch {
    return false;
  }
}
