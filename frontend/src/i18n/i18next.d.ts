// Types i18next's `t` from the English catalog: an unknown key is a type error.
import "i18next";

import type en from "./en.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
    returnNull: false;
  }
}
