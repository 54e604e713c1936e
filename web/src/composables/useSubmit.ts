// Running a form's call: busy while it runs, each field's server message beside the field
// (el-form-item :error="fieldErrors.x"), everything else as a Chinese message above the
// form. What was typed stays as it was.
import { reactive, ref } from "vue";

import { ApiError, messageOf } from "@/api/errors";

export function useSubmit() {
  const submitting = ref(false);
  /** Field name (dotted for nested: "applicant.mobile") → its message. */
  const fieldErrors = reactive<Record<string, string>>({});
  /** The message for the form as a whole, or null. */
  const formError = ref<string | null>(null);
  const lastError = ref<ApiError | null>(null);

  function clear(): void {
    for (const key of Object.keys(fieldErrors)) delete fieldErrors[key];
    formError.value = null;
    lastError.value = null;
  }

  /** Run `call`; its answer, or undefined after showing why it failed. `fields` are the
   * names the form shows beside an input: other names' messages join the form message. */
  async function run<T>(call: () => Promise<T>, fields?: readonly string[]): Promise<T | undefined> {
    clear();
    submitting.value = true;
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      lastError.value = err;
      const unshown: string[] = [];
      for (const [name, text] of Object.entries(err.fieldErrors)) {
        if (!fields || fields.includes(name)) fieldErrors[name] = text;
        else unshown.push(text);
      }
      // Messages shown beside their fields say it all; any others join the form message.
      const anyField = Object.keys(fieldErrors).length > 0;
      if (unshown.length) formError.value = unshown.join("；");
      else if (!anyField) formError.value = messageOf(err);
      return undefined;
    } finally {
      submitting.value = false;
    }
  }

  return { submitting, fieldErrors, formError, lastError, run, clear };
}
