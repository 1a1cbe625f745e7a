// Where the accessibility statement lives in each language (docs/ACCESSIBILITY.md): the
// statement page and every footer link to it use these.

export const STATEMENT_PATHS = { sv: '/tillganglighet', nb: '/tilgjengelighet', en: '/accessibility' };

const LINK_TEXT = { sv: 'Tillgänglighetsredogörelse', nb: 'Tilgjengelighetserklæring', en: 'Accessibility statement' };

// The page language a statement address is in, or null for another address.
export function languageOfPath(pathname) {
  const found = Object.entries(STATEMENT_PATHS).find(([, path]) => path === pathname);
  return found ? found[0] : null;
}

// The statement's address in `lang`, for `eventId` when given.
export function statementHref(lang, eventId = null) {
  const path = STATEMENT_PATHS[lang] ?? STATEMENT_PATHS.sv;
  return eventId ? `${path}?event=${encodeURIComponent(eventId)}` : path;
}

export function statementLinkText(lang) {
  return LINK_TEXT[lang] ?? LINK_TEXT.sv;
}
