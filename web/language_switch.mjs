// The language control every page shows: Svenska / Norsk (bokmål) / English. Choosing one
// reloads the page with ?lang=xx (the pages read it through pickLanguage), so the choice
// travels with a shared link; the current language is marked for screen readers.

const LANGUAGES = [
  { code: 'sv', name: 'Svenska' },
  { code: 'nb', name: 'Norsk' },
  { code: 'en', name: 'English' },
];

// A <nav> of links, one per language; `label` names it (e.g. "Språk").
export function languageSwitch(current, label) {
  const nav = document.createElement('nav');
  nav.className = 'language-switch';
  nav.setAttribute('aria-label', label);
  for (const { code, name } of LANGUAGES) {
    const url = new URL(window.location.href);
    url.searchParams.set('lang', code);
    const link = document.createElement('a');
    link.href = url.pathname + url.search + url.hash;
    link.lang = code;
    link.hreflang = code;
    link.textContent = name;
    if (code === current) link.setAttribute('aria-current', 'true');
    nav.append(link);
  }
  return nav;
}
