// Texts of the dashboard's own interface (indicator labels come from the logframe, in each language).
const texts = {
  fr: {
    "app.title": "Relais — Tableau de bord",
    "app.logout": "Se déconnecter",
    "tab.indicators": "Indicateurs",
    "tab.exports": "Exports",
    "tab.queues": "Files d'attente",
    "tab.deliveries": "Livraisons échouées",
    "tab.flows": "Logigrammes",
    "tab.users": "Utilisateurs",
    "tab.audit": "Journal d'audit",
    "filters.from": "Du",
    "filters.to": "Au",
    "filters.location": "Lieu",
    "filters.channel": "Canal",
    "filters.sex": "Sexe",
    "filters.ageGroup": "Âge",
    "filters.by": "Ventiler par",
    "filters.then": "puis par",
    "filters.thisMonth": "Ce mois",
    "filters.all": "Tous",
    "filters.default": "(par défaut)",
    "filters.none": "—",
    "indicators.loading": "Calcul des indicateurs…",
    "indicators.updated": "Mis à jour à {time} ({ms} ms).",
    "indicators.target": "cible {value}",
    "indicators.total": "Total",
    "indicators.value": "Valeur",
    "indicators.notApplicable": "Filtre non applicable : {list}",
    "indicators.empty": "Aucune donnée pour ces filtres.",
    "exports.title": "Exports",
    "exports.help":
      "Les exports suivent les filtres ci-dessus. Ils sont pseudonymisés : aucun nom, numéro de téléphone ni texte libre. Chaque export est inscrit au journal d'audit avec sa finalité.",
    "exports.purpose": "Finalité",
    "exports.indicators": "Indicateurs du cadre logique",
    "exports.events": "Événements (pseudonymisés)",
    "exports.fourW": "Synthèse 4W (qui, quoi, où, quand, pour qui)",
    "queues.alerts": "Alertes",
    "queues.referrals": "Orientations",
    "queues.feedback": "Retours et plaintes",
    "queues.status": "Statut",
    "queues.empty": "Rien en attente.",
    "queues.history": "Historique",
    "queues.withheld": "Détails réservés aux personnes habilitées (catégorie sensible).",
    "queues.anonymous": "anonyme",
    "deliveries.title": "Livraisons échouées",
    "deliveries.help":
      "Messages que l'outbox n'a pas pu remettre (ni destinataire ni texte affichés). Réessayer les remet en file.",
    "deliveries.retry": "Réessayer",
    "deliveries.retried": "Remis en file",
    "deliveries.empty": "Aucune livraison échouée.",
    "flows.title": "Logigrammes des parcours",
    "users.title": "Utilisateurs",
    "users.create": "Créer un utilisateur",
    "users.name": "Nom",
    "users.role": "Rôle",
    "users.password": "Mot de passe (12+)",
    "users.sensitive": "Accès aux plaintes sensibles",
    "users.createButton": "Créer",
    "users.created": "Utilisateur créé.",
    "users.active": "Actif",
    "users.lastLogin": "Dernière connexion",
    "users.tokens": "Jetons API",
    "users.newToken": "Nouveau jeton",
    "users.tokenName": "Nom du jeton (usage du script) :",
    "users.tokenOnce": "Copiez ce jeton maintenant, il ne sera plus affiché : {token}",
    "users.revoke": "Révoquer",
    "audit.title": "Journal d'audit",
    "common.error": "Erreur : {message}",
  },
  en: {
    "app.title": "Relais — Dashboard",
    "app.logout": "Sign out",
    "tab.indicators": "Indicators",
    "tab.exports": "Exports",
    "tab.queues": "Queues",
    "tab.deliveries": "Failed deliveries",
    "tab.flows": "Flowcharts",
    "tab.users": "Users",
    "tab.audit": "Audit log",
    "filters.from": "From",
    "filters.to": "To",
    "filters.location": "Place",
    "filters.channel": "Channel",
    "filters.sex": "Sex",
    "filters.ageGroup": "Age",
    "filters.by": "Break down by",
    "filters.then": "then by",
    "filters.thisMonth": "This month",
    "filters.all": "All",
    "filters.default": "(default)",
    "filters.none": "—",
    "indicators.loading": "Computing indicators…",
    "indicators.updated": "Updated at {time} ({ms} ms).",
    "indicators.target": "target {value}",
    "indicators.total": "Total",
    "indicators.value": "Value",
    "indicators.notApplicable": "Filter not applicable: {list}",
    "indicators.empty": "No data for these filters.",
    "exports.title": "Exports",
    "exports.help":
      "Exports follow the filters above. They are pseudonymised: no names, phone numbers or free text. Every export is written to the audit log with its purpose.",
    "exports.purpose": "Purpose",
    "exports.indicators": "Logframe indicators",
    "exports.events": "Events (pseudonymised)",
    "exports.fourW": "4W summary (who, what, where, when, for whom)",
    "queues.alerts": "Alerts",
    "queues.referrals": "Referrals",
    "queues.feedback": "Feedback and complaints",
    "queues.status": "Status",
    "queues.empty": "Nothing waiting.",
    "queues.history": "History",
    "queues.withheld": "Details restricted to authorised staff (sensitive category).",
    "queues.anonymous": "anonymous",
    "deliveries.title": "Failed deliveries",
    "deliveries.help":
      "Messages the outbox could not deliver (recipient and text are not shown). Retry puts them back in the queue.",
    "deliveries.retry": "Retry",
    "deliveries.retried": "Queued again",
    "deliveries.empty": "No failed delivery.",
    "flows.title": "Flowcharts",
    "users.title": "Users",
    "users.create": "Create a user",
    "users.name": "Name",
    "users.role": "Role",
    "users.password": "Password (12+)",
    "users.sensitive": "Access to sensitive complaints",
    "users.createButton": "Create",
    "users.created": "User created.",
    "users.active": "Active",
    "users.lastLogin": "Last sign-in",
    "users.tokens": "API tokens",
    "users.newToken": "New token",
    "users.tokenName": "Token name (what the script does):",
    "users.tokenOnce": "Copy this token now, it will not be shown again: {token}",
    "users.revoke": "Revoke",
    "audit.title": "Audit log",
    "common.error": "Error: {message}",
  },
};

let language = "fr";

/** Sets the interface language (Swahili falls back to English for the interface texts). */
export function setLanguage(code) {
  language = code;
  document.documentElement.lang = code;
}

export function currentLanguage() {
  return language;
}

/** A text of the interface, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const table = texts[language] ?? texts.en;
  const text = table[key] ?? texts.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Fills every element with a `data-text` attribute. */
export function applyTexts(root = document) {
  for (const element of root.querySelectorAll("[data-text]")) element.textContent = t(element.dataset.text);
}
