import { lazy, LocationProvider, Route, Router, useLocation } from "preact-iso";

import { useConferenceRefresh, useMe, useServerLanguage } from "./app/runtime";
import { appScope } from "./app/scope";
import { conferenceOf, ConferenceNav } from "./components/ConferenceNav";
import { NotificationBell } from "./components/NotificationBell";
import { SignOutButton } from "./components/SignOut";
import { StatusBar } from "./components/StatusBar";
import { UpdatePrompt } from "./components/UpdatePrompt";
import { LanguageSwitch } from "./i18n/LanguageSwitch";
import { useTranslation } from "./i18n/hooks";
import { AuthForm } from "./views/auth/AuthForm";
import { Badge } from "./views/badge/Badge";
import { Home } from "./views/home/Home";
import { NowNext } from "./views/now/NowNext";

const Schedule = lazy(() => import("./views/schedule/Schedule").then((m) => m.Schedule));
const SessionDetail = lazy(() => import("./views/item/ItemDetails").then((m) => m.SessionDetail));
const OralDetail = lazy(() => import("./views/item/ItemDetails").then((m) => m.OralDetail));
const PaperDetail = lazy(() => import("./views/item/ItemDetails").then((m) => m.PaperDetail));
const PosterDetail = lazy(() => import("./views/item/ItemDetails").then((m) => m.PosterDetail));
const BoothDetail = lazy(() => import("./views/item/ItemDetails").then((m) => m.BoothDetail));
const MealDetail = lazy(() => import("./views/item/ItemDetails").then((m) => m.MealDetail));

const Logbook = lazy(() => import("./views/logbook/Logbook").then((m) => m.Logbook));
const ConversationForm = lazy(() => import("./views/logbook/ConversationForm").then((m) => m.ConversationForm));
const MeetupForm = lazy(() => import("./views/logbook/MeetupForm").then((m) => m.MeetupForm));
const MyPlan = lazy(() => import("./views/plan/MyPlan").then((m) => m.MyPlan));
const Posters = lazy(() => import("./views/posters/Posters").then((m) => m.Posters));
const Scan = lazy(() => import("./views/scan/Scan").then((m) => m.Scan));
// The web manifest's shortcuts (/now, /scan, /logbook): to that screen of the last conference.
const NowShortcut = lazy(() => import("./views/shortcut/Shortcut").then((m) => m.NowShortcut));
const ScanShortcut = lazy(() => import("./views/shortcut/Shortcut").then((m) => m.ScanShortcut));
const LogbookShortcut = lazy(() => import("./views/shortcut/Shortcut").then((m) => m.LogbookShortcut));
const HallMap = lazy(() => import("./views/map/HallMap").then((m) => m.HallMap));
const Notifications = lazy(() => import("./views/notifications/Notifications").then((m) => m.Notifications));
const Me = lazy(() => import("./views/me/Me").then((m) => m.Me));

const SignIn = () => <AuthForm mode="signin" />;
const SignUp = () => <AuthForm mode="signup" />;

function NotFound() {
  const { t } = useTranslation();
  return (
    <section class="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{t("errors.notFound")}</h1>
      <p class="notice notice--error" role="alert">
        <a href="/">{t("nav.conferences")}</a>
      </p>
    </section>
  );
}

/** Signed in as … / sign out, or the sign-in link. */
function Account() {
  const { t } = useTranslation();
  const me = useMe();

  if (me === undefined) return null;
  if (me === null)
    return (
      <a class="account__signin" href="/signin">
        {t("auth.signIn")}
      </a>
    );
  return (
    <div class="account">
      <span class="account__name">{t("auth.signedInAs", { name: me.display_name || me.email })}</span>
      <SignOutButton class="account__signout" />
    </div>
  );
}

/** The app shell: header, status bar, the routed view, footer, and inside a conference its
 * tab bar and the refresher that keeps its program and my data current. */
export function App() {
  return (
    <LocationProvider scope={appScope}>
      <Shell />
    </LocationProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const slug = conferenceOf(path);
  useConferenceRefresh(slug);
  useServerLanguage(slug);
  return (
      <div class={`shell${slug ? " shell--conference" : ""}`}>
        <header class="shell__header">
          <a class="shell__brand" href="/">
            <img src="/icons/icon.svg" alt="" width="28" height="28" />
            {t("app.name")}
          </a>
          <div class="shell__tools">
            {slug && <NotificationBell slug={slug} />}
            <Account />
            <LanguageSwitch />
          </div>
        </header>
        <StatusBar slug={slug} />
        <main class="shell__main">
          <Router>
            <Route path="/" component={Home} />
            <Route path="/signin" component={SignIn} />
            <Route path="/signup" component={SignUp} />
            <Route path="/conferences/:slug/" component={NowNext} />
            <Route path="/conferences/:slug" component={NowNext} />
            <Route path="/conferences/:slug/schedule" component={Schedule} />
            <Route path="/conferences/:slug/sessions/:id" component={SessionDetail} />
            <Route path="/conferences/:slug/orals/:id" component={OralDetail} />
            <Route path="/conferences/:slug/papers/:id" component={PaperDetail} />
            <Route path="/conferences/:slug/posters/:id" component={PosterDetail} />
            <Route path="/conferences/:slug/logbook" component={Logbook} />
            <Route path="/conferences/:slug/logbook/conversations/new" component={ConversationForm} />
            <Route path="/conferences/:slug/logbook/conversations/:id" component={ConversationForm} />
            <Route path="/conferences/:slug/logbook/meetups/new" component={MeetupForm} />
            <Route path="/conferences/:slug/logbook/meetups/:id" component={MeetupForm} />
            <Route path="/conferences/:slug/plan" component={MyPlan} />
            <Route path="/conferences/:slug/scan" component={Scan} />
            <Route path="/conferences/:slug/me" component={Me} />
            <Route path="/conferences/:slug/sessions/:id/posters" component={Posters} />
            <Route path="/conferences/:slug/booths/:id" component={BoothDetail} />
            <Route path="/conferences/:slug/meals/:id" component={MealDetail} />
            <Route path="/conferences/:slug/map" component={HallMap} />
            <Route path="/conferences/:slug/notifications" component={Notifications} />
            <Route path="/b/:token" component={Badge} />
            <Route path="/now" component={NowShortcut} />
            <Route path="/scan" component={ScanShortcut} />
            <Route path="/logbook" component={LogbookShortcut} />
            <Route default component={NotFound} />
          </Router>
        </main>
        <footer class="shell__footer">
          <a href="/admin/">{t("app.organizerAdmin")}</a>
          <a href="/api/v1/docs/">{t("app.apiDocs")}</a>
        </footer>
        <UpdatePrompt
          message={t("app.updateAvailable")}
          updateLabel={t("app.updateReload")}
          laterLabel={t("app.updateLater")}
        />
        {slug && <ConferenceNav slug={slug} />}
      </div>
  );
}
