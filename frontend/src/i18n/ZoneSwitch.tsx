import { useTimeFormatter, useTranslation, useZoneMode } from "./hooks";
import { timeFormatter, type ZoneMode } from "./time";

/** Conference time or my time, each option labelled with its zone's current abbreviation. */
export function ZoneSwitch({ conferenceZone }: { conferenceZone: string }) {
  const { t, language } = useTranslation();
  const [mode, setMode] = useZoneMode();
  const current = useTimeFormatter(conferenceZone);
  const other = timeFormatter({ conferenceZone, mode: current.mode === "device" ? "conference" : "device", locale: language });
  const [conference, device] = current.mode === "conference" ? [current, other] : [other, current];
  return (
    <label class="zone-switch">
      <span class="zone-switch__label">{t("time.showIn")}</span>
      <select
        value={mode}
        onChange={(event) => {
          const value = event.currentTarget.value;
          if (value === "conference" || value === "device") setMode(value satisfies ZoneMode);
        }}
      >
        <option value="conference">{t("time.useConference", { zone: conference.abbreviation() })}</option>
        <option value="device">{t("time.useDevice", { zone: device.abbreviation() })}</option>
      </select>
    </label>
  );
}
