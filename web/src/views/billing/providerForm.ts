// A payment provider's page reached by a form POST (UnionPay's front request: the bank's
// page): the fields go exactly as billing signed them — one hidden input each, values
// untouched — in the same window, as UTF-8.
export interface ProviderForm {
  action: string;
  fields: Record<string, string>;
}

export function providerFormElement(doc: Document, form: ProviderForm): HTMLFormElement {
  const element = doc.createElement("form");
  element.method = "post";
  element.action = form.action;
  element.acceptCharset = "UTF-8";
  element.style.display = "none";
  for (const [name, value] of Object.entries(form.fields)) {
    const input = doc.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    element.appendChild(input);
  }
  return element;
}

export function submitProviderForm(form: ProviderForm, doc: Document = document): void {
  const element = providerFormElement(doc, form);
  doc.body.appendChild(element);
  element.submit();
}
