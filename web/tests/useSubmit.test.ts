import { describe, expect, it } from "vitest";

import { ApiError } from "@/api/errors";
import { useSubmit } from "@/composables/useSubmit";

describe("a form's submit", () => {
  it("puts each shown field's message beside it and nothing above", async () => {
    const { run, fieldErrors, formError } = useSubmit();
    const answer = await run(async () => {
      throw new ApiError(422, { code: "validation_failed", detail: "提交的信息有误",
        errors: { mobile: ["手机号码格式不正确"] } });
    }, ["mobile"]);
    expect(answer).toBeUndefined();
    expect(fieldErrors).toEqual({ mobile: "手机号码格式不正确" });
    expect(formError.value).toBeNull();
  });

  it("says above the form what no field shows, and clears on the next try", async () => {
    const { run, fieldErrors, formError, submitting } = useSubmit();
    await run(async () => {
      throw new ApiError(422, { code: "validation_failed", errors: { hidden: "不可为空" } });
    }, ["mobile"]);
    expect(formError.value).toBe("不可为空");
    await run(async () => {
      throw new ApiError(409, { code: "account_pending_review", detail: "账号正在审核中" });
    });
    expect(formError.value).toBe("账号正在审核中");
    expect(fieldErrors).toEqual({});
    expect(await run(async () => 42)).toBe(42);
    expect(formError.value).toBeNull();
    expect(submitting.value).toBe(false);
  });

  it("lets a programming error through", async () => {
    const { run } = useSubmit();
    await expect(run(async () => {
      throw new TypeError("bug");
    })).rejects.toBeInstanceOf(TypeError);
  });
});
