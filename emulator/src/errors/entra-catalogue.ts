import { EntraError } from "./entra-error.ts";

/**
 * Entra ID (AADSTS) errors, one factory per case, each with the HTTP status,
 * `error`, `suberror` and wording that login.microsoftonline.com uses. The
 * status/error/suberror triple decides how MSAL classifies the error
 * (InteractionRequiredAuthError vs ServerError), so it must not drift.
 *
 * Over 300 lines: one catalogue per wire format (docs/architecture.md), so
 * every AADSTS answer and its sources stand in one file a reader can search.
 */
export const entraErrors = {
  /** AADSTS90002: the tenant segment is well-formed but no such tenant exists (discovery and token endpoint). */
  // Source: Azure/azure-cli#22145 (full JSON, invalid_tenant); james-gould/azure-keyvault-emulator#324 (same text, 2025); sjkp/letsencrypt-siteextension#108 (400)
  tenantNotFound: (tenant: string) =>
    new EntraError({
      status: 400,
      error: "invalid_tenant",
      aadsts: 90002,
      description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    }),

  /** AADSTS900023: the tenant segment is neither a GUID nor a DNS name. */
  // Source: caddy-dns/azure#3 (400, invalid_request, full body); microsoft/Analysis-Services#194; microsoft/aspire#4253 (ErrorCode: invalid_request)
  malformedTenant: (tenant: string) =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 900023,
      description: `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
    }),

  /** AADSTS700016: no application with this client id in the tenant. */
  // Source: vippsas/vipps-ecom-api#183 (unauthorized_client JSON); AKS workload-identity troubleshooting README ("reply status code was 400", code corpus); AzureADQuickStarts/AppModelv2-WebApp-OpenIDConnect-DotNet#50
  unknownApplication: (clientId: string, tenantName: string) =>
    new EntraError({
      status: 400,
      error: "unauthorized_client",
      aadsts: 700016,
      description: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    }),

  /** AADSTS7000215: wrong client secret. */
  // Source: OfficeDev/microsoft-365-agents-toolkit#8621 (401 + full JSON); Azure/sap-automation#418; databricks/databricks-sdk-go#240
  invalidClientSecret: (clientId: string) =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 7000215,
      description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    }),

  /** AADSTS7000229: the app is registered but has no service principal in the tenant (client credentials). */
  // Source: microsoft/teams.ts captured 401 body ("error": "invalid_client", 2025); Azure/azure-sdk-for-net#46762 (MSAL.NET ErrorCode invalid_client); Azure/Commercial-Marketplace-SaaS-Accelerator#830 (same text, 2025)
  missingServicePrincipal: (clientId: string, tenantId: string) =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 7000229,
      description: `The client application ${clientId} is missing service principal in the tenant ${tenantId}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
    }),

  /** AADSTS7000222: the secret exists but has expired. */
  // Source: liprec/vsts-release-aas#119 (401 + invalid_client JSON, 2023); dotnet/sign#849 (same text, 2025); microsoft/botframework-sdk#6221 (401, older text)
  expiredClientSecret: (clientId: string) =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 7000222,
      description: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    }),

  /** AADSTS7000218: a confidential client sent no credential. */
  // Source: tamhinsf/ChannelSurf#38 (401 + invalid_client JSON); haystackeditor/haystack-editor#41 (full JSON, 2024)
  missingClientCredential: () =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 7000218,
      description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    }),

  /** AADSTS50011 at authorize: shown on Entra's own page, never redirected. */
  // Source: unoplatform/uno.todo#180 and OfficeDev/microsoft-teams-apps-company-communicator#1035 (page text, 2022-23); no `error` value is shown on the page
  redirectUriMismatch: (redirectUri: string, clientId: string) =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 50011,
      description: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    }),

  /** AADSTS50011 at the token endpoint: the code was issued for another redirect URI (today's Entra reports this as AADSTS500112). */
  // Source: PartnerCenterSamples/Reseller-Web-Application#73 (text, under 50011); 2018 body with "error":"invalid_client" (code corpus); AzureAD/microsoft-identity-web#3114 (AADSTS500112, invalid_client, HTTP 400)
  redirectUriMismatchAtRedemption: (sent: string, original: string) =>
    new EntraError({
      status: 400,
      error: "invalid_client",
      aadsts: 500112,
      description: `The reply address '${sent}' does not match the reply address '${original}' provided when requesting Authorization code.`,
    }),

  /** AADSTS500113: the app has no redirect URI at all (shown on Entra's page). */
  // Source: OneDrive/onedrive-sample-apibrowser-dotnet#27; microsoft/powercat-business-approvals-kit#198
  noReplyAddress: () =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 500113,
      description: "No reply address is registered for the application.",
    }),

  /** AADSTS65001: delegated permission not consented (token endpoint). */
  // Source: MicrosoftDocs/azure-docs#39189 (full JSON with suberror consent_required); stevenmaguire/oauth2-microsoft#31 (same, 2025); OfficeDev/microsoft-teams-apps-contactgrouplookup#43 (400)
  consentRequired: (clientId: string, appName: string) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      suberror: "consent_required",
      aadsts: 65001,
      description: `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
    }),

  /** AADSTS65001 on an authorize redirect (prompt=none). */
  // Source: text as at the token endpoint (MicrosoftDocs/azure-docs#39189); `error=consent_required` on the redirect: none found, OIDC value kept
  consentRequiredRedirect: (clientId: string, appName: string) =>
    new EntraError({
      status: 400,
      error: "consent_required",
      aadsts: 65001,
      description: `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
    }),

  /** AADSTS65004: the user pressed "Cancel" on the /authorize consent page (redirected with error=consent_required; /adminconsent uses access_denied). */
  // Source: PuzzleServer/mainpuzzleserver#571 (error=consent_required&error_description=AADSTS65004: User declined to consent to access the app.); MicrosoftDocs/azure-docs#59872; AzureAD/microsoft-authentication-library-for-dotnet#1736; MicrosoftDocs/azure-docs#114009 (same text, access_denied, /adminconsent)
  consentDeclined: () =>
    new EntraError({
      status: 400,
      error: "consent_required",
      aadsts: 65004,
      description: "User declined to consent to access the app.",
    }),

  /** AADSTS90094: a scope needs admin consent and the user is no admin ("Need admin approval" page). */
  // Source: learn.microsoft.com/archive/blogs/aaddevsup/receiving-aadsts90094-the-grant-requires-admin-permission and joonasw.net/view/the-grant-requires-admin-permission (text); `error` on a redirect: none found, access_denied kept
  adminConsentRequired: () =>
    new EntraError({
      status: 400,
      error: "access_denied",
      aadsts: 90094,
      description: "The grant requires admin permission.",
    }),

  /** AADSTS50058: prompt=none without a signed-in user (redirected with error=login_required). */
  // Source: AzureAD/microsoft-authentication-library-for-js#6610 ("login_required: AADSTS50058: ...", 2023); AzureAD/microsoft-authentication-library-for-dotnet#3655
  loginRequired: () =>
    new EntraError({
      status: 400,
      error: "login_required",
      aadsts: 50058,
      description: "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD. This can happen if the user is using Internet Explorer or Edge, and the web app sending the silent sign-in request is in different IE security zone than the Azure AD endpoint (login.microsoftonline.com).",
    }),

  /** AADSTS70011: a scope value is not valid. */
  // Source: AzureAD/microsoft-authentication-library-for-dotnet#449 (text); laravel/socialite#315 (400 + invalid_scope); MicrosoftDocs/entra-docs reference-error-codes.md sample body
  invalidScope: (scope: string) =>
    new EntraError({
      status: 400,
      error: "invalid_scope",
      aadsts: 70011,
      description: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    }),

  /** AADSTS1002012: client credentials need a `/.default` scope. */
  // Source: MicrosoftDocs/azure-docs#99862 and microsoftgraph/msgraph-sdk-python#181 (text); databricks/databricks-sql-nodejs#226 (invalid_scope)
  clientCredentialsScope: (scope: string) =>
    new EntraError({
      status: 400,
      error: "invalid_scope",
      aadsts: 1002012,
      description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    }),

  /** AADSTS700082: refresh token unused for longer than its inactivity window (the sentence break is a no-break space; the date has 7 fraction digits). */
  // Source: Azure/azure-cli#14244 (400 + full JSON); microsoft/foundry-dev-tools#707 (subError bad_token, 2026); microsoft/powerplatform-build-tools#894 and mspnp/identity-reference-architectures#9 (no-break space)
  refreshTokenExpired: (issuedAt: Date, inactiveDays: number) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      suberror: "bad_token",
      aadsts: 700082,
      description: `The refresh token has expired due to inactivity.\u00a0The token was issued on ${issuedAt.toISOString().replace("Z", "0000Z")} and was inactive for ${inactiveDays}.00:00:00.`,
    }),

  /** AADSTS50173: the user's sessions were revoked after the grant was issued (dates quoted, 7 fraction digits). */
  // Source: Azure/azure-sdk-for-js sdk/identity/identity/recordings/node/cae/recording_usernamepasswordcredential.js (recorded 400 with "suberror":"bad_token", 2021); Azure/azure-cli#16745 (same text, no suberror, Jan 2021)
  grantRevoked: (issuedAt: Date, validFrom: Date) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      suberror: "bad_token",
      aadsts: 50173,
      description: `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issuedAt.toISOString().replace("Z", "0000Z")}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom.toISOString().replace("Z", "0000Z")}'.`,
    }),

  /** AADSTS70008: the authorization code has expired. */
  // Source: Azure/azure-sdk-for-net#19201 (400 + full JSON, no suberror); Azure/azure-sdk-for-java#33235
  codeExpired: () =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 70008,
      description: "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    }),

  /** AADSTS9002313: the code or refresh token is not one the emulator issued. */
  // Source: davidjrh/dnn.azureadprovider#112 (invalid_grant JSON, 2024)
  malformedGrant: () =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 9002313,
      description: "Invalid request. Request is malformed or invalid.",
    }),

  /** AADSTS54005: an authorization code can be redeemed once (current bodies list only 54005; 2018 ones led with 70002). */
  // Source: AzureAD/microsoft-identity-web#2489 (invalid_grant, 2023); AzureAD/microsoft-identity-web#2008 (400); davidjrh/dnn.azureadprovider#17 (2018, [70002,54005])
  codeAlreadyRedeemed: () =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 54005,
      errorCodes: [54005],
      description: "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    }),

  /** AADSTS501481: PKCE verifier does not match the challenge. */
  // Source: AzureAD/microsoft-authentication-library-for-js#7425 (invalid_grant, 2024); GillesZunino/insomnia-plugin-azure-ad-authentication#14
  pkceMismatch: () =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 501481,
      description: "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    }),

  /** AADSTS50148 family: a verifier was sent for a code issued without a challenge, or the reverse. */
  // Source: pennersr/django-allauth#2916 (invalid_grant JSON); AzureAD/microsoft-authentication-library-for-js#5044 and #7649 (text, 2022/2025)
  pkceMissing: () =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 50148,
      description: "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
    }),

  /** AADSTS50126: wrong username or password. */
  // Source: Azure/azure-cli#18647 (400 + full JSON)
  badPassword: () =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 50126,
      description: "Error validating credentials due to invalid username or password.",
    }),

  /** AADSTS50034: no such user in the tenant ({EUII Hidden} replaced the older {EmailHidden}). */
  // Source: Microsoft365DSC/Microsoft365DSC#801 (400 + invalid_grant JSON, {EmailHidden}); {EUII Hidden} form in 2026 captured responses (code corpus)
  userNotFound: (tenantName: string) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 50034,
      description: `The user account {EUII Hidden} does not exist in the ${tenantName} directory. To sign into this application, the account must be added to the directory.`,
    }),

  /** AADSTS50057: the account is disabled. */
  // Source: Azure/azure-cli#18945 (400 + full JSON); canonical/authd#814 (2025)
  userDisabled: () =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 50057,
      description: "The user account is disabled.",
    }),

  /** AADSTS900144: a required body parameter is missing. */
  // Source: MicrosoftDocs/azure-docs#43780 (invalid_request JSON); rootinc/laravel-azure-middleware#49 (400)
  missingParameter: (name: string) =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 900144,
      description: `The request body must contain the following parameter: '${name}'.`,
    }),

  /** AADSTS70003: grant_type not supported (real text appends the value: "... grant type 'authorization_code'."). */
  // Source: AzureAD/microsoft-authentication-library-for-dotnet#3023 (text); `error` value unsupported_grant_type: none found, RFC 6749 value kept
  unsupportedGrantType: (grantType: string) =>
    new EntraError({
      status: 400,
      error: "unsupported_grant_type",
      aadsts: 70003,
      description: `The app requested an unsupported grant type '${grantType}'.`,
    }),

  /** AADSTS900561: token endpoint called with GET (Entra answers with an HTML page). */
  // Source: nbarbettini/oidc-debugger#87, blacklanternsecurity/TREVORspray#19, NunoFilipeMota/PublicScripts#5 ("POST, OPTIONS" on /token, 400)
  postRequired: () =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 900561,
      description: "The endpoint only accepts POST, OPTIONS requests. Received a GET request.",
    }),

  /** AADSTS50194: a single-tenant app used /common or /organizations. */
  // Source: microsoftgraph/aspnetcore-connect-sample#65 (error invalid_request); alexandrtovmach/react-microsoft-login#73 (text)
  singleTenantOnCommon: (clientId: string, appName: string) =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 50194,
      description: `Application '${clientId}'(${appName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
    }),

  /** AADSTS700054: response_type not enabled for the application (redirected with error=unsupported_response_type). */
  // Source: syncweek-react-aad/react-aad#158 (text); Azure/active-directory-dotnet-graphapi-b2bportal-web#22 and AzureAD/microsoft-authentication-library-for-js#766 (unsupported_response_type)
  unsupportedResponseType: (value: string) =>
    new EntraError({
      status: 400,
      error: "unsupported_response_type",
      aadsts: 700054,
      description: `response_type '${value}' is not enabled for the application.`,
    }),

  /** Client credentials on /common or /organizations: real Entra answers AADSTS50059 (code number here is the emulator's). */
  // Source: MicrosoftDocs/azure-docs#24064 (client credentials on /common); AzureAD/microsoft-authentication-library-for-python#141 and MicrosoftDocs/azure-docs#68490 (400, invalid_request JSON)
  tenantRequired: () =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 50059,
      description: "No tenant-identifying information found in either the request or implied by any provided credentials.",
    }),

  /** AADSTS90023-style rejection of a parameter with a value Entra does not accept. */
  // Source: none found for every parameter; wording is the emulator's, shaped like Entra's invalid_request answers
  invalidParameterValue: (name: string, value: string) =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 90023,
      description: `The value '${value.slice(0, 100)}' of the parameter '${name}' is not valid.`,
    }),


  /** The emulator could not save the change the request made (its state folder refused the write). */
  // Source: temporarily_unavailable is the OAuth 2.0 code Entra's error-code reference lists ("the server is temporarily
  // too busy"); AADSTS90033 is Entra's "a transient error has occurred"; the description is the emulator's own
  temporarilyUnavailable: (cause: string) =>
    new EntraError({
      status: 503,
      error: "temporarily_unavailable",
      aadsts: 90033,
      description: `A transient error has occurred. Please try again. (The emulator could not save the change: ${cause}.)`,
    }),

  /** AADSTS9002313 for a request the endpoint cannot read at all (bad form body, too large). */
  // Source: same wording as malformedGrant; Entra uses it for unreadable requests
  malformedRequest: (status = 400) =>
    new EntraError({
      status,
      error: "invalid_request",
      aadsts: 9002313,
      description: "Invalid request. Request is malformed or invalid.",
    }),

  /** AADSTS70016: device code flow, the person has not yet approved at the verification page; the client keeps polling. */
  // Source: secureworks/squarephish#3 (full JSON from /organizations/oauth2/v2.0/token, 2023); toblum/ESPTeamsPresence#49 (same text, 2025)
  authorizationPending: () =>
    new EntraError({
      status: 400,
      error: "authorization_pending",
      aadsts: 70016,
      description: "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    }),

  /** AADSTS70020: device code flow, the code's 15 minutes are over. */
  // Source: Azure/azure-cli#22251 and Azure/azure-sdk-for-python#32375 (text, 400); `error` expired_token per RFC 8628 and learn.microsoft.com v2-oauth2-device-code
  deviceCodeExpired: () =>
    new EntraError({
      status: 400,
      error: "expired_token",
      aadsts: 70020,
      description: "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    }),

  /** AADSTS70018: device code flow, the device_code is not one the endpoint issued. */
  // Source: learn.microsoft.com reference-error-codes (70018 BadVerificationCode); riposte.co provider-errors (400); `error` bad_verification_code per learn.microsoft.com v2-oauth2-device-code
  badVerificationCode: () =>
    new EntraError({
      status: 400,
      error: "bad_verification_code",
      aadsts: 70018,
      description: "Invalid verification code due to User typing in wrong user code for device code flow. Authorization is not approved.",
    }),

  /** AADSTS70000: device code flow, the person declined at the verification page. */
  // Source: `error` authorization_declined per learn.microsoft.com v2-oauth2-device-code; the AADSTS number and wording: none found, 70000 (InvalidGrant) with the emulator's words
  authorizationDeclined: () =>
    new EntraError({
      status: 400,
      error: "authorization_declined",
      aadsts: 70000,
      description: "The end user denied the authorization request.",
    }),

  /** AADSTS28000: the scope parameter names permissions of more than one resource. */
  // Source: learn.microsoft.com reference-error-codes (28000, "Provided value for the input parameter scope isn't valid because it contains more than one resource"); wording as Entra answers it; 400 invalid_scope as for AADSTS70011
  multipleResources: (scope: string) =>
    new EntraError({
      status: 400,
      error: "invalid_scope",
      aadsts: 28000,
      description: `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope.slice(0, 300)} is not valid.`,
    }),

  /** AADSTS500131: on-behalf-of, the user's token is not for the app that presents it. */
  // Source: OfficeDev/microsoft-teams-apps-company-communicator#214 (full text, 2020); microsoft/AzureTRE-Deployment#65; invalid_grant as MSAL reports it (MsalUiRequiredException)
  oboAudienceMismatch: (audience: string, appId: string, appName: string) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 500131,
      description: `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${audience.slice(0, 200)}' and the expected audience is '${appId}' or one of the Application Uris of this application with App ID '${appId}'(${appName}). The downstream client must request a token for the expected audience (the application that made the OBO request) and this application should use that token as the assertion.`,
    }),

  /** AADSTS500133: on-behalf-of, the user's token has expired (emulator clock). */
  // Source: microsoftgraph/msgraph-sdk-dotnet#2551 (full text, invalid_grant, 2024); MicrosoftDocs/azure-docs#16399 (invalid_grant JSON, 400)
  oboAssertionExpired: (now: Date, exp: number) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 500133,
      description: `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${ticks(now)}, expiry time of assertion ${ticks(new Date(exp * 1000))}.`,
    }),

  /** AADSTS50013: on-behalf-of, the user's token is not signed by this tenant's keys (forged or from elsewhere). */
  // Source: AzureAD/microsoft-authentication-library-for-dotnet#2604 ("Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: ...]"); Azure/azure-sdk-for-java#25109 (OBO, invalid_grant)
  oboBadSignature: (reason: "The key was not found." | "The provided signature value did not match the expected signature value.", thumbprint: string) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 50013,
      description: `Assertion failed signature validation. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprint.slice(0, 100)}']`,
    }),

  /** AADSTS9002326: a code or refresh token of a web (non-SPA) redirect URI redeemed by a browser (an Origin header). */
  // Source: AzureAD/microsoft-authentication-library-for-js#5196 and MicrosoftDocs/azure-docs#100859 (text with "Request origin"); umijs/umi-request#299 (400 invalid_request JSON)
  crossOriginNotSpa: (origin: string) =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 9002326,
      description: `Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '${origin.slice(0, 200)}'.`,
    }),

  /** AADSTS9002327: a code or refresh token of the SPA platform redeemed without an Origin header (server-side). */
  // Source: AzureAD/microsoft-authentication-library-for-js#2482 and #3032 (text); sidebase/nuxt-auth#301 (invalid_request)
  spaRequiresCrossOrigin: () =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 9002327,
      description: "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
    }),

  /** AADSTS700084: a single-page app's refresh token after its fixed 24 hours. */
  // Source: AzureAD/microsoft-authentication-library-for-js#6765 (400 invalid_grant JSON, full text, 2023); microsoft/chat-copilot#538
  spaRefreshTokenExpired: (issuedAt: Date) =>
    new EntraError({
      status: 400,
      error: "invalid_grant",
      aadsts: 700084,
      description: `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${ticks(issuedAt)}.`,
    }),

  /** AADSTS700027: a client assertion whose x5t / x5t#S256 names no certificate of the app. */
  // Source: Azure/azure-sdk-for-net#29007 (full text, 2022); AzureAD/passport-azure-ad#453; status and `error` as for other client-authentication failures (401 invalid_client)
  assertionKeyNotFound: (thumbprint: string, appId: string) =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 700027,
      description: `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${appId}']. Alternatively, SNI may be configured on the app. Please ensure that client assertion is being sent with the x5c claim in the JWT header using MSAL's WithSendX5C() method so that Azure Active Directory can validate the certificate being used.`,
    }),

  /** AADSTS700027: the certificate is registered but the assertion was signed with another key. */
  // Source: reason and "Found key" wording from Azure/azure-sdk-for-java#25109 and microsoftgraph/msgraph-sdk-php#1585 (same check reported as 50013 for OBO assertions); 700027 prefix as above
  assertionBadSignature: (thumbprint: string, start: Date, end: Date, appId: string) =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 700027,
      description: `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${usDate(start)}, End=${usDate(end)}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`,
    }),

  /** AADSTS700024: the client assertion's exp/nbf do not hold at the (emulator) current time. */
  // Source: AzureAD/microsoft-authentication-library-for-java#984 (text, 2025); obikuro/Sato#1 (invalid_client JSON); status 401 as for other invalid_client answers
  assertionTimeRange: (now: Date, nbf: number | undefined, exp: number | undefined) =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 700024,
      description: `Client assertion is not within its valid time range. Current time: ${ticks(now)}, assertion valid from ${ticks(new Date((nbf ?? 0) * 1000))}, expiry time of assertion ${ticks(new Date((exp ?? 0) * 1000))}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    }),

  /** AADSTS50027: the client assertion cannot be read as a signed JWT. */
  // Source: panva/openid-client#348 ("AADSTS50027: JWT token is invalid or malformed." for a client assertion); status and `error`: none found, invalid_request kept
  malformedAssertion: () =>
    new EntraError({
      status: 400,
      error: "invalid_request",
      aadsts: 50027,
      description: "JWT token is invalid or malformed.",
    }),

  /** The client assertion's `aud` is not this token endpoint. */
  // Source: Azure-Samples/active-directory-aspnetcore-webapp-openidconnect-v2#213 and AzureAD/microsoft-identity-web#16 (text); the AADSTS number: none found, 50027 (invalid JWT) assumed
  assertionAudience: () =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 50027,
      description: "Client assertion audience claim does not match Realm issuer.",
    }),

  /** AADSTS700021: the assertion's iss/sub is not the client_id of the request. */
  // Source: learn.microsoft.com reference-error-codes lists 700021 for an assertion app id that is not client_id; the wording is the emulator's (no verbatim answer found); 401 invalid_client as for other assertion failures
  assertionSubjectMismatch: () =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 700021,
      description: "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
    }),

  /** AADSTS700025: a public client sent a secret or an assertion. */
  // Source: harishkrupo/oauth2ms#19 (invalid_client + text, 2022); MicrosoftDocs/azure-docs#96567; pnp/cli-microsoft365#948; status 401 as for other invalid_client answers
  publicClientWithCredential: () =>
    new EntraError({
      status: 401,
      error: "invalid_client",
      aadsts: 700025,
      description: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    }),
};

/** Entra's "Found key" dates: M/d/yyyy style with two-digit parts, as .NET prints them. */
function usDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** .NET's round-trip time with seven fractional digits, as in AADSTS700024. */
function ticks(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}0000Z`);
}

export type EntraErrorName = keyof typeof entraErrors;
