// One way to run an admin's action from a button: busy button, the result or the server's
// Chinese message in the page's message box, then the list reloaded.
import { ApiError } from "./api.js";
import { busy, say } from "./dom.js";

/**
 * actionRunner(messages, reload) → act(button, busyLabel, action, done) → true on success;
 * `done` is the success text, or a function of the action's answer giving it.
 */
export function actionRunner(messages, reload) {
  return async (button, label, action, done) => {
    say(messages);
    try {
      const result = await busy(button, label, action);
      say(messages, "success", typeof done === "function" ? done(result) : done);
      await reload();
      return true;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return false;
    } finally {
      messages.focus();
    }
  };
}
