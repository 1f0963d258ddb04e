import { escapeHtml } from "./renderPage.js";

/** What the sign-in page shows. */
export interface LoginPageInput {
  csrfToken: string;
  next: string;
  email?: string;
  error?: "invalid" | "rate_limited" | "csrf" | "signed_out";
}

const messages: Record<NonNullable<LoginPageInput["error"]>, { text: string; kind: "error" | "info" }> = {
  invalid: { text: "Adresse ou mot de passe incorrect. / Wrong email or password.", kind: "error" },
  rate_limited: {
    text: "Trop de tentatives : réessayez dans 15 minutes. / Too many attempts: try again in 15 minutes.",
    kind: "error",
  },
  csrf: { text: "Le formulaire a expiré : réessayez. / The form expired: try again.", kind: "error" },
  signed_out: { text: "Vous êtes déconnecté. / You are signed out.", kind: "info" },
};

/** The sign-in page: a plain form (no script), the CSRF token in a hidden field. */
export function renderLoginPage(input: LoginPageInput): string {
  const message = input.error ? messages[input.error] : null;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Relais — Connexion</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body class="page-login">
<main class="login">
<h1>Relais</h1>
<p class="subtitle">Connexion / Sign in</p>
${message ? `<p class="notice ${message.kind}" role="${message.kind === "error" ? "alert" : "status"}" data-testid="login-message">${escapeHtml(message.text)}</p>` : ""}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="_csrf" value="${escapeHtml(input.csrfToken)}">
<input type="hidden" name="next" value="${escapeHtml(input.next)}">
<label>Adresse e-mail / Email
<input type="email" name="email" required maxlength="254" autocomplete="username" value="${escapeHtml(input.email ?? "")}" autofocus></label>
<label>Mot de passe / Password
<input type="password" name="password" required maxlength="1024" autocomplete="current-password"></label>
<button type="submit">Se connecter / Sign in</button>
</form>
</main>
</body>
</html>`;
}
