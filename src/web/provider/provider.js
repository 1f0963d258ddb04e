// The provider's referral page works without JavaScript (plain forms posting to the same signed URL).
// This script only improves it: asks before declining, sends the answer as JSON, prevents double taps,
// and shows the result in place before reloading the page with its new state.

function formPayload(form, submitter) {
  const data = new FormData(form);
  const payload = {};
  for (const [key, value] of data.entries()) {
    if (typeof value === "string" && value.trim() !== "") payload[key] = value.trim();
  }
  if (submitter?.name && submitter.value) payload[submitter.name] = submitter.value;
  return payload;
}

function setNotice(text) {
  const notice = document.querySelector(".notice");
  if (!notice) return;
  notice.textContent = text;
  notice.hidden = false;
}

for (const form of document.querySelectorAll("form.answer")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return;
    const buttons = document.querySelectorAll("form.answer button");
    for (const button of buttons) button.disabled = true;
    try {
      const response = await fetch(window.location.pathname + window.location.search, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(formPayload(form, event.submitter)),
        credentials: "omit",
      });
      const body = await response.json().catch(() => ({}));
      if (body.message) setNotice(body.message);
      window.setTimeout(() => {
        const url = new URL(window.location.href);
        url.searchParams.set("done", "1");
        window.location.replace(url.toString());
      }, 800);
    } catch {
      // Offline or the server is unreachable: fall back to the plain form post.
      form.submit();
    }
  });
}
