/// <reference types="astro/client" />

declare module 'virtual:runbooks-site' {
  const settings: import('./integration.ts').SiteSettings;
  export default settings;
}
