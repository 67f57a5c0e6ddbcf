/**
 * One i18next instance per page, started by the app's main.tsx with that app's own catalogue (its
 * locale-catalog.ts: only the namespaces its screens use). zh-CN is the default; the choice is remembered in
 * localStorage and sent to the server as Accept-Language so API error messages come back in the same language.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Catalogs } from './locale-merge';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'cg.lang';

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v && (LANGUAGES as readonly string[]).includes(v)) return v as Language;
  } catch {
    // Private mode or storage disabled: fall back to the default.
  }
  return 'zh-CN';
}

function applyDocumentLanguage(lng: string): void {
  document.documentElement.lang = lng;
  document.title = i18n.t(document.body.dataset.titleKey ?? 'app.name');
}

/** Starts i18next with the app's strings; main.tsx calls it before the first render. */
export function startI18n(catalogs: Catalogs): void {
  void i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: catalogs['zh-CN'] }, en: { translation: catalogs.en } },
    lng: storedLanguage(),
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  applyDocumentLanguage(i18n.language);
  i18n.on('languageChanged', applyDocumentLanguage);
}

export function currentLanguage(): Language {
  return (LANGUAGES as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : 'zh-CN';
}

export async function setLanguage(lng: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Not remembered, but still switched for this page.
  }
  await i18n.changeLanguage(lng);
}

export default i18n;
