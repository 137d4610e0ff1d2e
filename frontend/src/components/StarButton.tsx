import { useState } from "preact/hooks";

import { star, unstar, type PlanMap, planKey } from "../app/plan";
import type { PlanKind } from "../db";
import { useTranslation } from "../i18n/hooks";

interface Props {
  conf: string;
  kind: PlanKind;
  target: number;
  /** The item's title, for the button's accessible name ("Add … to my plan"). */
  title: string;
  /** From usePlan(conf): one map for the whole screen rather than a read per button. */
  plan: PlanMap | null;
}

/** The star: adds the item to my plan (through the outbox, so it works offline) or removes it. */
export function StarButton({ conf, kind, target, title, plan }: Props) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const starred = plan?.has(planKey(kind, target)) ?? false;
  async function toggle() {
    setBusy(true);
    try {
      await (starred ? unstar(conf, kind, target) : star(conf, kind, target));
    } finally {
      setBusy(false);
    }
  }
  return (
    <button
      type="button"
      class={`star${starred ? " star--on" : ""}`}
      aria-pressed={starred}
      aria-label={`${starred ? t("plan.remove") : t("plan.add")}: ${title}`}
      title={starred ? t("plan.remove") : t("plan.add")}
      disabled={busy || plan === null}
      onClick={() => void toggle()}
    >
      <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <path d="M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z" />
      </svg>
    </button>
  );
}
