import { describe, expect, it } from "vitest";

import { providerFormElement } from "@/views/billing/providerForm";

describe("providerFormElement", () => {
  it("posts every field exactly as signed, as UTF-8", () => {
    const fields = { merId: "777290058110048", riskRateInfo: "{commodityName=选修课}",
                     txnAmt: "1000", signature: "a+b/c==" };
    const form = providerFormElement(document, { action: "https://gateway.test/front.do", fields });
    expect(form.method).toBe("post");
    expect(form.action).toBe("https://gateway.test/front.do");
    expect(form.acceptCharset).toBe("UTF-8");
    const sent = Object.fromEntries(Array.from(form.querySelectorAll("input")).map(
      (input) => [input.name, input.value]));
    expect(sent).toEqual(fields);
    expect(Array.from(form.querySelectorAll("input")).every((i) => i.type === "hidden")).toBe(true);
  });
});
