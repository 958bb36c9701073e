/** The Microsoft functions client: public API. */
export { MicrosoftFunctions, createMicrosoftFunctions, type ClientOptions, type UserTokenOptions } from "./client.ts";
export { parseSettings, scopesForMode, SettingsError, type Settings, type SettingsInput } from "./settings.ts";
export {
  AuthenticationFailedError,
  InvalidArgumentError,
  MicrosoftFunctionsError,
  RefreshTokenInvalidError,
  ScopeInvalidError,
  SignInError,
  TenantNotFoundError,
  type GraphErrorInfo,
  type GraphResult,
  type MicrosoftErrorCode,
} from "./errors.ts";
export {
  LowdbTokenStore,
  MemoryTokenStore,
  SecureJsonFile,
  userCachePlugin,
  type BoundAccount,
  type PendingSignIn,
  type RenewalClaim,
  type StoredUser,
  type TokenStore,
} from "./token-store.ts";
export { PostgresTokenStore, type PostgresTokenStoreOptions } from "./stores/postgres.ts";
export { RedisTokenStore, type RedisTokenStoreOptions } from "./stores/redis.ts";
export { generateEncryptionKey, TokenStoreError, type EncryptionOptions, type TokenStoreErrorCode } from "./stores/crypto.ts";
export { reencryptTokenStore } from "./stores/reencrypt.ts";
export type { AuthUserOptions, Binding, SignInUrl, SignInUrlOptions, SignedInUser } from "./sign-in.ts";
export type { RenewalFailure, RenewalOptions, RenewalReport, RenewalTimer, RenewalTimerOptions } from "./renewal.ts";
export { GRAPH_DEFAULT_SCOPE } from "./app-tokens.ts";
export type { WhoOptions } from "./caller.ts";
export type { CalendarPreferences, ODataQuery, Page } from "./graph.ts";
export { eachItem, GraphPageError, type DirectoryObject, type GraphUser, type ListOptions, type NewUser, type AllPagesOptions } from "./users.ts";
export type {
  CalendarOptions,
  DateTimeTimeZone,
  EventListOptions,
  GraphCalendar,
  GraphEvent,
  MeetingTimeSuggestionsResult,
  ResponseOptions,
  ScheduleInformation,
  ScheduleRequest,
  TimeRange,
} from "./calendar.ts";
export { caFetch, fetchNetworkModule, type FetchLike } from "./http.ts";
