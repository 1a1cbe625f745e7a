// The footer link to the accessibility statement on every public page (DIGG: reachable
// from every page, e.g. in a footer). Its own module, loaded by each page's HTML, so the
// pages' scripts need not know of it: it finds <a id="statement-link"> and points it at
// the statement in the page's language, for the event the address names (/event/{id}).

import { pickLanguage } from '/strings.mjs';
import { statementHref, statementLinkText } from '/statement_paths.mjs';

const link = document.getElementById('statement-link');
if (link) {
  const params = new URLSearchParams(window.location.search);
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  const lang = pickLanguage(preferred, params.get('lang'));
  const match = window.location.pathname.match(/^\/event\/([^/]+)/);
  const eventId = params.get('event') ?? (match ? decodeURIComponent(match[1]) : null);
  link.href = statementHref(lang, eventId);
  link.textContent = statementLinkText(lang);
  link.lang = lang;
}
